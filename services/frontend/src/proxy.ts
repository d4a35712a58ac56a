// /api/<service>/<path> → <SERVICE>_URL/<path>: the browser talks to one origin (the load balancer sends
// everything to the frontend), and the frontend reaches the backends by their service-discovery names.
import { type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { Logger } from '@transcendence/common';

export type Upstreams = Record<string, string | undefined>;

/** Upstreams from the environment: AUTH_URL, GAME_URL, MATCHMAKING_URL, AI_URL. */
export function upstreamsFromEnv(env: NodeJS.ProcessEnv): Upstreams {
  return { auth: env.AUTH_URL, game: env.GAME_URL, matchmaking: env.MATCHMAKING_URL, ai: env.AI_URL };
}

/** Where an /api/ request goes, or why it cannot. */
export function proxyTarget(
  upstreams: Upstreams,
  url: string,
): { target: URL } | { status: number; error: string } | undefined {
  const match = /^\/api\/([a-z]+)(\/[^?]*)?(\?.*)?$/.exec(url);
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
