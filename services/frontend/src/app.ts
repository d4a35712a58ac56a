// The frontend service: /health, /api/* and /ws/* (WebSocket) proxied to the backends, everything else
// from the built client.
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createService, type Logger } from '@transcendence/common';
import { proxyHandler, type Upstreams, upgradeHandler } from './proxy.js';
import { staticHandler } from './static.js';

export const defaultPublicDir = fileURLToPath(new URL('./public', import.meta.url));

export function createFrontendApp(options: { log: Logger; upstreams: Upstreams; publicDir?: string }) {
  const proxy = proxyHandler(options.upstreams, options.log);
  const files = staticHandler(options.publicDir ?? defaultPublicDir);
  const tunnels = new Set<Duplex>();
  const service = createService({
    name: 'frontend',
    log: options.log,
    routes: {},
    fallback: (req, res) => (proxy(req, res) ? undefined : files(req, res)),
    // Live games end with the task: their clients reconnect through the load balancer to another one.
    onStopAccepting: () => {
      for (const socket of tunnels) socket.destroy();
    },
  });
  const upgrade = upgradeHandler(options.upstreams, options.log);
  service.server.on('upgrade', (req, socket, head) => {
    tunnels.add(socket);
    socket.on('close', () => tunnels.delete(socket));
    upgrade(req, socket, head);
  });
  return service;
}
