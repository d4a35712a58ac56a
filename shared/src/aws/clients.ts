// The one place AWS clients are made: region, endpoint override, retry policy, user agent, credentials.
// Every step receives an AwsClients object; nothing else constructs an SDK client.
// ECR, CodeDeploy, ELBv2, CloudWatch Logs, IAM and STS are loaded on first use (a dynamic import, a chunk of its
// own in the bundles): many runs never call them, so their SDK code stays out of those actions' start-up.
import { ECSClient } from '@aws-sdk/client-ecs';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  Command,
  HttpHandlerOptions,
} from '@smithy/types';
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

const loadEcr = () => import('./sdk-ecr.js');
const loadCodeDeploy = () => import('./sdk-codedeploy.js');
const loadLogs = () => import('./sdk-logs.js');
const loadElbv2 = () => import('./sdk-elbv2.js');
const loadIam = () => import('./sdk-iam.js');
const loadSts = () => import('./sdk-sts.js');
type EcrSdk = Awaited<ReturnType<typeof loadEcr>>;
type CodeDeploySdk = Awaited<ReturnType<typeof loadCodeDeploy>>;
type LogsSdk = Awaited<ReturnType<typeof loadLogs>>;
type Elbv2Sdk = Awaited<ReturnType<typeof loadElbv2>>;
type IamSdk = Awaited<ReturnType<typeof loadIam>>;
type StsSdk = Awaited<ReturnType<typeof loadSts>>;

// biome-ignore lint/suspicious/noExplicitAny: any command of the service; its output type is inferred below
type AnyCommand = Command<any, any, any, any, any>;
// biome-ignore lint/suspicious/noExplicitAny: only the output type parameter matters here
type OutputOf<X> = X extends Command<any, any, any, infer O, any> ? O : never;
interface SdkClient {
  // biome-ignore lint/suspicious/noExplicitAny: the SDK clients' send is overloaded per command
  send(command: any, options?: HttpHandlerOptions): Promise<any>;
  destroy(): void;
}

/**
 * A client whose SDK package is imported on its first call. Shipped code passes a command factory,
 * `send((sdk) => new sdk.GetDeploymentCommand(…))`, so it never imports the package statically; a
 * command built elsewhere (a test) is sent as it is.
 */
export class LazyClient<M, C extends SdkClient> {
  private loaded?: Promise<{ sdk: M; client: C }>;

  constructor(
    private readonly load: () => Promise<M>,
    private readonly make: (sdk: M) => C,
  ) {}

  private ready(): Promise<{ sdk: M; client: C }> {
    this.loaded ??= this.load().then((sdk) => ({ sdk, client: this.make(sdk) }));
    return this.loaded;
  }

  async send<X extends AnyCommand>(
    command: X | ((sdk: M) => X),
    options?: HttpHandlerOptions,
  ): Promise<OutputOf<X>> {
    const { sdk, client } = await this.ready();
    return client.send(typeof command === 'function' ? command(sdk) : command, options);
  }

  /** Destroys the client if it was ever made; never loads the package just to destroy it. */
  destroy(): void {
    this.loaded?.then(({ client }) => client.destroy()).catch(() => {});
  }
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
  get ecr(): LazyClient<EcrSdk, InstanceType<EcrSdk['ECRClient']>> {
    return this.get('ecr', 'ECR', () => new LazyClient(loadEcr, (sdk) => new sdk.ECRClient(this.config)));
  }
  get sts(): LazyClient<StsSdk, InstanceType<StsSdk['STSClient']>> {
    return this.get('sts', 'STS', () => new LazyClient(loadSts, (sdk) => new sdk.STSClient(this.config)));
  }
  get elbv2(): LazyClient<Elbv2Sdk, InstanceType<Elbv2Sdk['ElasticLoadBalancingV2Client']>> {
    return this.get(
      'elbv2',
      'ELASTIC_LOAD_BALANCING_V2',
      () => new LazyClient(loadElbv2, (sdk) => new sdk.ElasticLoadBalancingV2Client(this.config)),
    );
  }
  get codedeploy(): LazyClient<CodeDeploySdk, InstanceType<CodeDeploySdk['CodeDeployClient']>> {
    return this.get(
      'codedeploy',
      'CODEDEPLOY',
      () => new LazyClient(loadCodeDeploy, (sdk) => new sdk.CodeDeployClient(this.config)),
    );
  }
  get logs(): LazyClient<LogsSdk, InstanceType<LogsSdk['CloudWatchLogsClient']>> {
    return this.get(
      'logs',
      'CLOUDWATCH_LOGS',
      () => new LazyClient(loadLogs, (sdk) => new sdk.CloudWatchLogsClient(this.config)),
    );
  }

  get iam(): LazyClient<IamSdk, InstanceType<IamSdk['IAMClient']>> {
    return this.get('iam', 'IAM', () => new LazyClient(loadIam, (sdk) => new sdk.IAMClient(this.config)));
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
