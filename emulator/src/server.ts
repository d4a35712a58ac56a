// The HTTP front: control API under /_cendence/, raw module routes (the ECR registry), then the AWS
// APIs. Decodes the wire protocol, records the call, applies injected faults and throttling, calls the
// service handler and encodes its answer or error in the service's own shape.

import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { CallLog } from './calls.js';
import type { EmulatorContext } from './context.js';
import { accessDeniedMessage, type FaultBook, faultWire } from './faults.js';
import { authorize } from './iam/authorize.js';
import { encodeJson, jsonError, parseTarget } from './protocol/json.js';
import { decodeQuery, QUERY_VERSIONS, queryError, queryResponse } from './protocol/query.js';
import type { ServiceModule } from './services.js';
import type { World } from './state.js';
import { THROTTLE_CODE, type Throttler } from './throttle.js';
import { AwsError, type ServiceName } from './types.js';

export interface ServerDeps {
  modules: ServiceModule[];
  world: () => World;
  /** The state of another region than the home one (empty until something is made there). */
  regionWorld?: (region: string) => World;
  calls: CallLog;
  faults: FaultBook;
  throttler: Throttler;
  control: (req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: string) => Promise<void>;
}

export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The access key id from a SigV4 Authorization header (signatures are not verified). */
export function accessKeyIdOf(req: http.IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  const m = auth ? /Credential=([^/,\s]+)\//.exec(auth) : null;
  return m?.[1];
}

/** The region a SigV4 request was signed for: Credential=<key>/<date>/<region>/<service>/aws4_request. */
export function signingRegionOf(req: http.IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  const m = auth ? /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\//.exec(auth) : null;
  // IAM and STS are global: roles and identities live in the home world whatever the signing region.
  return m && !['sts', 'iam'].includes(m[2]) ? m[1] : undefined;
}

export function send(
  res: http.ServerResponse,
  status: number,
  body: string,
  contentType: string,
  requestId?: string,
): void {
  const headers: http.OutgoingHttpHeaders = {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
  };
  if (requestId) headers['x-amzn-requestid'] = requestId;
  res.writeHead(status, headers);
  res.end(body);
}

interface Decoded {
  service: ServiceName;
  operation: string;
  input: Record<string, unknown>;
  protocol: 'json' | 'query';
  xmlns?: string;
}

export function createHandler(deps: ServerDeps) {
  const handlers = new Map(deps.modules.map((m) => [m.service, m.handlers]));
  const rawRoutes = deps.modules.flatMap((m) => m.rawRoutes ?? []);

  return async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // Every region is served: the home region holds the seeded world, any other region its own state,
    // empty at first, so a deploy to the wrong region finds no cluster, as on AWS.
    const home = deps.world();
    const signed = signingRegionOf(req);
    const world = signed && signed !== home.region && deps.regionWorld ? deps.regionWorld(signed) : home;
    const url = new URL(req.url ?? '/', `http://${world.host}`);
    const ctx: EmulatorContext = {
      clock: world.clock,
      region: world.region,
      accountId: world.accountId,
      host: world.host,
      accessKeyId: accessKeyIdOf(req),
      world,
      calls: deps.calls,
      faults: deps.faults,
    };
    if (url.pathname.startsWith('/_cendence/')) {
      await deps.control(req, res, url, await readBody(req));
      return;
    }
    for (const route of rawRoutes) {
      if (await (route as (...a: unknown[]) => boolean | Promise<boolean>)(req, res, url, ctx)) return;
    }
    if (req.method !== 'POST' || url.pathname !== '/') {
      send(
        res,
        404,
        JSON.stringify({
          __type: 'UnknownOperationException',
          message: `No route for ${req.method} ${url.pathname}`,
        }),
        'application/json',
      );
      return;
    }
    const body = await readBody(req);
    const requestId = randomUUID();
    const target = req.headers['x-amz-target'];
    let decoded: Decoded;
    if (typeof target === 'string') {
      const t = parseTarget(target);
      if (!t.service) {
        send(
          res,
          400,
          jsonError('UnknownOperationException', `Unknown target ${target}`),
          'application/x-amz-json-1.1',
          requestId,
        );
        return;
      }
      let input: Record<string, unknown>;
      try {
        input = body.trim() === '' ? {} : JSON.parse(body);
      } catch {
        send(
          res,
          400,
          jsonError('SerializationException', 'Request body is not valid JSON'),
          'application/x-amz-json-1.1',
          requestId,
        );
        return;
      }
      decoded = { service: t.service, operation: t.operation, input, protocol: 'json' };
    } else {
      const q = decodeQuery(body);
      const v = QUERY_VERSIONS[q.version];
      if (!v) {
        send(
          res,
          400,
          queryError(
            'InvalidAction',
            `Unknown API version "${q.version}" for action "${q.action}"`,
            requestId,
            400,
          ),
          'text/xml',
          requestId,
        );
        return;
      }
      decoded = {
        service: v.service,
        operation: q.action,
        input: q.input,
        protocol: 'query',
        xmlns: v.xmlns,
      };
    }
    await dispatch(deps, handlers, decoded, ctx, req, res, requestId);
  };
}

async function dispatch(
  deps: ServerDeps,
  handlers: Map<ServiceName, ServiceModule['handlers']>,
  call: Decoded,
  ctx: EmulatorContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  requestId: string,
): Promise<void> {
  const { service, operation, protocol } = call;
  const time = new Date(ctx.clock.now()).toISOString();
  const wallMs = Date.now();
  const record = (error?: string) =>
    deps.calls.record({ service, operation, time, wallMs, error, accessKeyId: ctx.accessKeyId });
  const fail = (code: string, message: string, status: number) => {
    record(code);
    if (protocol === 'json') {
      res.setHeader('x-amzn-errortype', code);
      send(res, status, jsonError(code, message), 'application/x-amz-json-1.1', requestId);
    } else send(res, status, queryError(code, message, requestId, status), 'text/xml', requestId);
  };

  const handler = handlers.get(service)?.[operation];
  if (!handler) {
    if (protocol === 'json')
      fail(
        'UnknownOperationException',
        `Operation ${operation} is not supported by this ${service} endpoint.`,
        400,
      );
    else
      fail(
        'InvalidAction',
        `Could not find operation ${operation} for version ${call.xmlns?.match(/\d{4}-\d\d-\d\d/)?.[0]}`,
        400,
      );
    return;
  }
  const fault = deps.faults.take(service, operation);
  if (fault?.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
  if (fault?.drop) {
    record('ConnectionDropped');
    req.socket.destroy();
    return;
  }
  if (fault?.error) {
    const w = faultWire(fault.error, service);
    fail(
      w.code,
      w.code === 'InternalFailure'
        ? 'An internal error occurred (injected fault).'
        : w.code === 'InvalidIdentityToken'
          ? "Couldn't retrieve verification key from your identity provider (injected fault)."
          : w.status === 503
            ? 'Service Unavailable (injected fault).'
            : fault.error === 'AccessDeniedException'
              ? accessDeniedMessage(service, operation)
              : 'Rate exceeded',
      w.status,
    );
    return;
  }
  if (!deps.throttler.take(service, operation)) {
    fail(THROTTLE_CODE[service], 'Rate exceeded', 400);
    return;
  }
  // IAM (worlds built from Terraform): an assumed role may do only what its policies allow.
  const denial = authorize(service, operation, call.input, ctx);
  if (denial) {
    fail(denial.code, denial.message, denial.status);
    return;
  }
  try {
    const result = await handler(call.input, ctx);
    record();
    if (protocol === 'json') send(res, 200, encodeJson(result), 'application/x-amz-json-1.1', requestId);
    else
      send(
        res,
        200,
        queryResponse(operation, call.xmlns as string, result, requestId),
        'text/xml',
        requestId,
      );
  } catch (err) {
    if (err instanceof AwsError) {
      fail(err.code, err.message, err.status);
      return;
    }
    process.stderr.write(`emulator: ${service}.${operation} failed: ${(err as Error).stack ?? err}\n`);
    fail('InternalFailure', `The emulator failed to handle ${operation}: ${(err as Error).message}`, 500);
  }
}
