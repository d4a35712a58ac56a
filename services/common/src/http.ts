// The HTTP frame every service runs in: routing, JSON bodies, GET /health, request logs and a graceful
// SIGTERM shutdown (ECS sends SIGTERM, waits stopTimeout, then SIGKILL). Services only write routes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './log.js';

/** An error whose message is safe to show the caller, with the HTTP status to answer. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Request {
  method: string;
  path: string;
  /** Values of the `:name` segments of the matched route. */
  params: Record<string, string>;
  headers: IncomingMessage['headers'];
  /** The parsed JSON body (undefined when there is none). */
  body: unknown;
}

export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: Request) => Promise<Reply> | Reply;

/** `GET /games/:id` style routes; a handler gets the request and returns a JSON reply. */
export type Routes = Record<string, Handler>;

export interface ServiceOptions {
  name: string;
  log: Logger;
  routes: Routes;
  /** Extra health detail (e.g. a database ping); throwing makes /health answer 503. */
  health?: () => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Requests the routes do not match (e.g. static files); default 404. */
  fallback?: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;
  /** Called as the server stops accepting: ends long-lived connections (WebSockets) it would wait for. */
  onStopAccepting?: () => void;
  /** Releases resources (pools, timers) after the server stopped accepting requests. */
  onClose?: () => Promise<void> | void;
}

const maxBodyBytes = 64 * 1024;

export interface Service {
  server: Server;
  /** Listens on the port (0 = any free one) and resolves with the actual port. */
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting, finishes in-flight requests, then runs onClose. */
  close(): Promise<void>;
}

export function createService(options: ServiceOptions): Service {
  const { log } = options;
  const table = compileRoutes(options.routes);
  // Once stopping, every answer closes its connection: a client's pool must not keep (and later send
  // on) a connection to a task that is going away.
  let closing = false;
  const inFlight = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const started = performance.now();
    if (closing) res.shouldKeepAlive = false;
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
    res.on('finish', () => {
      if (req.url !== '/health') {
        const ms = Math.round(performance.now() - started);
        log.info('request', { method: req.method, path: req.url, status: res.statusCode, ms });
      }
    });
    handle(req, res).catch((error: unknown) => {
      log.error('unhandled', { error: String(error) });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (method === 'GET' && path === '/health') {
      try {
        const detail = options.health ? await options.health() : {};
        return sendJson(res, 200, { status: 'ok', service: options.name, ...detail });
      } catch (error) {
        return sendJson(res, 503, { status: 'unhealthy', service: options.name, error: String(error) });
      }
    }
    const match = matchRoute(table, method, path);
    if (!match) {
      if (options.fallback) return options.fallback(req, res);
      return sendJson(res, 404, { error: `no route for ${method} ${path}` });
    }
    try {
      const body = await readJson(req);
      const reply = await match.handler({ method, path, params: match.params, headers: req.headers, body });
      sendJson(res, reply.status ?? 200, reply.body ?? null, reply.headers);
    } catch (error) {
      if (error instanceof HttpError) return sendJson(res, error.status, { error: error.message });
      throw error;
    }
  }

  return {
    server,
    listen: (port, host = '0.0.0.0') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      }),
    close: async () => {
      closing = true;
      for (const res of inFlight) res.shouldKeepAlive = false;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        options.onStopAccepting?.();
      });
      await options.onClose?.();
    },
  };
}

/** Starts a service on PORT (default 3000) and stops it cleanly on SIGTERM/SIGINT. */
export async function runService(service: Service, log: Logger, port = Number(process.env.PORT ?? 3000)) {
  const actual = await service.listen(port);
  log.info('listening', { port: actual });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    // Past ECS's default stopTimeout (30 s) the task is killed anyway; leave before that, loudly.
    const deadline = setTimeout(() => {
      log.error('shutdown timed out, exiting');
      process.exit(1);
    }, 20_000);
    deadline.unref();
    service.close().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return actual;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new HttpError(413, `body larger than ${maxBodyBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
}

interface CompiledRoute {
  method: string;
  segments: string[];
  handler: Handler;
}

function compileRoutes(routes: Routes): CompiledRoute[] {
  return Object.entries(routes).map(([key, handler]) => {
    const [method, path] = key.split(' ');
    if (!method || !path) throw new Error(`route '${key}' must look like 'GET /path'`);
    return { method, segments: path.split('/').filter(Boolean), handler };
  });
}

function matchRoute(table: CompiledRoute[], method: string, path: string) {
  const parts = path.split('/').filter(Boolean);
  for (const route of table) {
    if (route.method !== method || route.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = route.segments.every((segment, i) => {
      if (segment.startsWith(':')) {
        params[segment.slice(1)] = decodeURIComponent(parts[i]);
        return true;
      }
      return segment === parts[i];
    });
    if (ok) return { handler: route.handler, params };
  }
  return undefined;
}
