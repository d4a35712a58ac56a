// The contract between the emulator's HTTP server and the service modules (ECS, ECR, STS, ELBv2,
// CodeDeploy, Logs). The server decodes the wire protocol, records the call, applies throttling and
// injected faults, then calls the service's handler with a plain JS input and encodes its result.
import type http from 'node:http';

export type ServiceName = 'ecs' | 'ecr' | 'sts' | 'elbv2' | 'codedeploy' | 'logs' | 'iam';

/** A modeled AWS error. The server encodes it in the service's wire shape (JSON __type or query XML). */
export class AwsError extends Error {
  constructor(
    /** The wire error code, e.g. "ServiceNotFoundException", or "TargetGroupNotFound" for ELBv2. */
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Time as the emulator sees it: virtual in tests (advanced explicitly), real (optionally sped up) in the demo. */
export interface Clock {
  /** Milliseconds since the epoch, emulated. */
  now(): number;
  /** Resolves after `ms` of emulated time. */
  sleep(ms: number): Promise<void>;
  /** Runs `fn` every `ms` of emulated time until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
}

export interface HandlerContext {
  clock: Clock;
  region: string;
  accountId: string;
  /** 127.0.0.1:<port> of this emulator, for registry URIs and proxyEndpoint. */
  host: string;
  /** Caller's access key id (from the SigV4 Authorization header) if signed. */
  accessKeyId?: string;
}

/** Operation name → handler. Input is the decoded request (JSON body, or query params turned into objects). */
// biome-ignore lint/suspicious/noExplicitAny: wire input is untyped until each handler validates it
export type ServiceHandlers = Record<string, (input: any, ctx: HandlerContext) => unknown | Promise<unknown>>;

/** Extra HTTP routes a module serves on the same port (the ECR registry's /v2/ API). */
export type RawRoute = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
) => boolean | Promise<boolean>;
