// /api/<service>/<path> → <SERVICE>_URL/<path>, and WebSocket upgrades on /ws/<service>/<path> the same
// way: the browser talks to one origin (the load balancer sends everything, /ws/* included, to the
// frontend), and the frontend reaches the backends by their service-discovery names.
import { type IncomingMessage, request, type ServerResponse } from 'node:http';
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
    const headers = { ...req.headers, host: route.target.host };
    const upstream = request(route.target, { method: req.method, headers, timeout: 10_000 }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('timeout', () => upstream.destroy(new Error('upstream timed out')));
    upstream.on('error', (error) => {
      log.warn('upstream failed', { target: route.target.origin, error: error.message });
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: `backend ${route.target.host} unreachable` }));
      } else res.destroy();
    });
    req.pipe(upstream);
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
