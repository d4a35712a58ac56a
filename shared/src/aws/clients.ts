// The one place AWS clients are made: region, endpoint override, retry policy, user agent, credentials.
// Every step receives an AwsClients object; nothing else constructs an SDK client.
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { UserError } from '../errors.js';
import { boundSend, cendenceRetryStrategy } from './retry.js';
import { explainUnreachable } from './unreachable.js';

export const USER_AGENT = 'cendence/0.1.0';

export interface AwsOptions {
  region?: string;
  /** Overrides every service endpoint (tests, the demo, a rehearsal against the emulator). */
  endpoint?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Total attempts per call, first one included. */
  maxAttempts?: number;
  env?: NodeJS.ProcessEnv;
  /** Aborts every call made outside a narrower call scope (aws/retry.ts): the step's cancellation. */
  signal?: AbortSignal;
  /** One HTTP attempt's limit; a hung endpoint costs this, then the call is retried or fails. */
  requestTimeoutMs?: number;
}

/** One attempt of an ordinary call; ECR layer uploads are the slow ones. */
export const REQUEST_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 3_000;

type ClientConfig = {
  region: string;
  endpoint?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  retryStrategy: ReturnType<typeof cendenceRetryStrategy>;
  customUserAgent: string;
  requestHandler: { requestTimeout: number; connectionTimeout: number; throwOnRequestTimeout: boolean };
};

export function resolveRegion(opts: AwsOptions = {}): string {
  const env = opts.env ?? process.env;
  const region = opts.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new UserError('no AWS region is set', 'region', 'pass --region, or set AWS_REGION');
  }
  if (!/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/.test(region)) {
    throw new UserError(`"${region}" is not an AWS region name`, 'region', 'use a name like eu-west-3');
  }
  return region;
}

/** Lazily built clients: a step pays start-up cost only for the services it calls. */
export class AwsClients {
  readonly region: string;
  private readonly config: ClientConfig;
  private cache = new Map<string, unknown>();

  constructor(readonly options: AwsOptions = {}) {
    this.region = resolveRegion(options);
    const env = options.env ?? process.env;
    // The SDK's default chain reads process.env; a step given its own env (the demo, tests, a GitLab
    // job's variables) must see the keys in that env too.
    const envKeys =
      env !== process.env && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
        ? {
            accessKeyId: env.AWS_ACCESS_KEY_ID,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
          }
        : undefined;
    const credentials = options.credentials ?? envKeys;
    // An explicit endpoint wins; otherwise the SDK itself honours AWS_ENDPOINT_URL and
    // AWS_ENDPOINT_URL_<SERVICE>, which is what users of other AWS tools already set.
    this.config = {
      region: this.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(credentials ? { credentials } : {}),
      retryStrategy: cendenceRetryStrategy(options.maxAttempts),
      customUserAgent: USER_AGENT,
      requestHandler: {
        requestTimeout: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
        connectionTimeout: CONNECT_TIMEOUT_MS,
        throwOnRequestTimeout: true,
      },
    };
  }

  private get<T extends { send: unknown }>(key: string, envName: string, make: () => T): T {
    let c = this.cache.get(key) as T | undefined;
    if (!c) {
      c = make();
      // Every call bounded by a signal and raced against it; a refused connection explained (retry.ts).
      const send = boundSend(
        (c.send as (...a: unknown[]) => Promise<unknown>).bind(c),
        this.options.signal,
        (err) => explainUnreachable(err, this.endpointFor(envName)),
      );
      (c as { send: unknown }).send = send;
      this.cache.set(key, c);
    }
    return c;
  }

  get ecs(): ECSClient {
    return this.get('ecs', 'ECS', () => new ECSClient(this.config));
  }
  get ecr(): ECRClient {
    return this.get('ecr', 'ECR', () => new ECRClient(this.config));
  }
  get sts(): STSClient {
    return this.get('sts', 'STS', () => new STSClient(this.config));
  }
  get elbv2(): ElasticLoadBalancingV2Client {
    return this.get(
      'elbv2',
      'ELASTIC_LOAD_BALANCING_V2',
      () => new ElasticLoadBalancingV2Client(this.config),
    );
  }
  get codedeploy(): CodeDeployClient {
    return this.get('codedeploy', 'CODEDEPLOY', () => new CodeDeployClient(this.config));
  }
  get logs(): CloudWatchLogsClient {
    return this.get('logs', 'CLOUDWATCH_LOGS', () => new CloudWatchLogsClient(this.config));
  }

  /** The endpoint in force for a service, for messages and for doctor. */
  endpointFor(serviceEnvName: string): string | undefined {
    const env = this.options.env ?? process.env;
    return this.options.endpoint ?? env[`AWS_ENDPOINT_URL_${serviceEnvName}`] ?? env.AWS_ENDPOINT_URL;
  }

  destroy(): void {
    for (const c of this.cache.values()) (c as { destroy(): void }).destroy();
    this.cache.clear();
  }
}
