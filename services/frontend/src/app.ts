// The frontend service: /health, /api/* proxied to the backends, everything else from the built client.
import { fileURLToPath } from 'node:url';
import { createService, type Logger } from '@transcendence/common';
import { proxyHandler, type Upstreams } from './proxy.js';
import { staticHandler } from './static.js';

export const defaultPublicDir = fileURLToPath(new URL('./public', import.meta.url));

export function createFrontendApp(options: { log: Logger; upstreams: Upstreams; publicDir?: string }) {
  const proxy = proxyHandler(options.upstreams, options.log);
  const files = staticHandler(options.publicDir ?? defaultPublicDir);
  return createService({
    name: 'frontend',
    log: options.log,
    routes: {},
    fallback: (req, res) => (proxy(req, res) ? undefined : files(req, res)),
  });
}
