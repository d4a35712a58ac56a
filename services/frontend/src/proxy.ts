// /api/<service>/<path> → <SERVICE>_URL/<path>, and WebSocket upgrades on /ws/<service>/<path> the same
// way: the browser talks to one origin (the load balancer sends everything, /ws/* included, to the
// frontend), and the frontend reaches the backends by their service-discovery names.
import { type IncomingHttpHeaders, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '@transcendence/common';

export type Upstreams = Record<string, string | undefined>;

/** Upstreams from the environment: AUTH_URL, GAME_URL, MATCHMAKING_URL, AI_URL. */
export function upstreamsFromEnv(env: NodeJS.ProcessEnv): Upstreams {
  return { auth: env.AUTH_URL, game: env.GAME_URL, matchmaking: env.MATCHMAKING_URL, ai: env.AI_URL };
}

/** Where an /api/ (or, with prefix 'ws', a /ws/) request goes, or why it cannot. */
export function proxyTarget(
  upstreams: Upstreams,
  url: string,
  prefix: 'api' | 'ws' = 'api',
): { target: URL } | { status: number; error: string } | undefined {
  const match = new RegExp(`^/${prefix}/([a-z]+)(/[^?]*)?(\\?.*)?$`).exec(url);
  if (!match) return undefined;
  const [, service, path = '/', query = ''] = match;
  if (!(service in upstreams)) return { status: 404, error: `no backend '${service}'` };
  const base = upstreams[service];
  if (!base) return { status: 503, error: `${service.toUpperCase()}_URL is not set on the frontend` };
  return { target: new URL(path + query, base) };
}

// A backend task that stops (a deploy, a scale-in) closes its idle keep-alive connections on SIGTERM, and
// a request sent on one as it closes meets a reset; a stale address meets a refusal. Neither request
// reached the application, so one that has no body and changes nothing is sent again on a fresh
// connection (a new DNS lookup, so another task); anything else is answered 502, never replayed.
const replayableMethods = new Set(['GET', 'HEAD', 'OPTIONS']);
const connectionLost = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE']);
const maxAttempts = 3;

/**
 * Headers without the hop-by-hop ones (RFC 9110 §7.6.1): they describe one connection, so a backend's
 * `connection: close` (it is stopping) must not close the client's connection to the frontend.
 */
function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const listed = String(headers.connection ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase());
  const hop = new Set([
    'connection',
    'keep-alive',
    'proxy-connection',
    'te',
    'trailer',
    'upgrade',
    ...listed,
  ]);
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !hop.has(name)));
}

function replayable(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (
    replayableMethods.has(req.method ?? 'GET') &&
    !req.headers['transfer-encoding'] &&
    (length === undefined || length === '0')
  );
}

export function proxyHandler(upstreams: Upstreams, log: Logger) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const route = proxyTarget(upstreams, req.url ?? '/');
    if (!route) return false;
    if ('error' in route) {
      res
        .writeHead(route.status, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: route.error }));
      return true;
    }
    const headers = { ...endToEnd(req.headers), host: route.target.host };
    const retry = replayable(req);
    const send = (attempt: number) => {
      // A retry never takes another pooled connection (it may be closing too): `agent: false` opens one.
      const options = {
        method: req.method,
        headers,
        timeout: 10_000,
        ...(attempt > 1 ? { agent: false } : {}),
      };
      const upstream = request(route.target, options, (answer) => {
        res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        answer.pipe(res);
      });
      upstream.on('timeout', () => upstream.destroy(new Error('upstream timed out')));
      upstream.on('error', (error: NodeJS.ErrnoException) => {
        const lost = connectionLost.has(error.code ?? '');
        if (retry && lost && attempt < maxAttempts && !res.headersSent && !res.destroyed) {
          log.info('upstream connection lost, retrying', {
            target: route.target.origin,
            code: error.code,
            attempt,
          });
          return send(attempt + 1);
        }
        log.warn('upstream failed', { target: route.target.origin, error: error.message, attempt });
        if (!res.headersSent) {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: `backend ${route.target.host} unreachable` }));
        } else res.destroy();
      });
      if (retry) upstream.end();
      else req.pipe(upstream);
    };
    if (retry) req.resume();
    send(1);
    return true;
  };
}

const statusLine = (status: number, text: string) =>
  `HTTP/1.1 ${status} ${text}\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`;

/** The HTTP server's 'upgrade' listener: tunnels /ws/<service>/… to the backend, both ways. */
export function upgradeHandler(upstreams: Upstreams, log: Logger) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    const route = proxyTarget(upstreams, req.url ?? '/', 'ws');
    if (!route) return void socket.end(statusLine(404, 'no WebSocket route'));
    if ('error' in route) return void socket.end(statusLine(route.status, route.error));
    const headers = { ...req.headers, host: route.target.host };
    const upstream = request(route.target, { method: 'GET', headers, timeout: 10_000 });
    upstream.on('timeout', () => upstream.destroy(new Error('upstream timed out')));
    upstream.on('upgrade', (answer, tunnel, tunnelHead) => {
      tunnel.setTimeout(0);
      const lines = [`HTTP/1.1 101 ${answer.statusMessage ?? 'Switching Protocols'}`];
      for (let i = 0; i < answer.rawHeaders.length; i += 2) {
        lines.push(`${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}`);
      }
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (tunnelHead.length) socket.write(tunnelHead);
      if (head.length) tunnel.write(head);
      tunnel.on('error', () => socket.destroy());
      socket.on('error', () => tunnel.destroy());
      tunnel.on('close', () => socket.destroy());
      socket.on('close', () => tunnel.destroy());
      tunnel.pipe(socket).pipe(tunnel);
    });
    upstream.on('response', (answer) => {
      socket.end(statusLine(answer.statusCode ?? 502, `backend refused the upgrade (${answer.statusCode})`));
      answer.resume();
    });
    upstream.on('error', (error) => {
      log.warn('upstream failed', { target: route.target.origin, error: error.message });
      socket.end(statusLine(502, `backend ${route.target.host} unreachable`));
    });
    upstream.end();
  };
}
