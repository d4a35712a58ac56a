import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { after, before, test } from 'node:test';
import { createLogger, createService } from '@transcendence/common';
import { createFrontendApp } from '../app.js';
import { proxyTarget } from '../proxy.js';

test('/api/<service>/<path> maps onto the service URL', () => {
  const upstreams = { game: 'http://game.transcendence.local:3000', ai: undefined };
  const route = proxyTarget(upstreams, '/api/game/games/42?x=1');
  assert.ok(route && 'target' in route);
  assert.equal(route.target.toString(), 'http://game.transcendence.local:3000/games/42?x=1');
  assert.deepEqual(proxyTarget(upstreams, '/api/ai/move'), {
    status: 503,
    error: 'AI_URL is not set on the frontend',
  });
  assert.deepEqual(proxyTarget(upstreams, '/api/billing/x'), { status: 404, error: "no backend 'billing'" });
  assert.equal(proxyTarget(upstreams, '/index.html'), undefined);
});

const log = createLogger('test', () => {});
const backend = createService({
  name: 'echo',
  log,
  routes: { 'POST /echo/:word': (req) => ({ status: 201, body: { word: req.params.word, body: req.body } }) },
});
// Upgrades on the backend: answers 101 and echoes upper-cased bytes, as a stand-in WebSocket peer.
const upgrades: string[] = [];
backend.server.on('upgrade', (req, socket: Duplex) => {
  upgrades.push(`${req.url} ${req.headers.upgrade}`);
  if (req.url === '/refuse') return void socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
  socket.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\r\n');
  socket.on('data', (chunk) => socket.write(String(chunk).toUpperCase()));
});
let frontend: ReturnType<typeof createFrontendApp>;
let base = '';
before(async () => {
  const port = await backend.listen(0, '127.0.0.1');
  frontend = createFrontendApp({
    log,
    upstreams: { game: `http://127.0.0.1:${port}`, auth: 'http://127.0.0.1:1' },
    publicDir: '/nonexistent',
  });
  base = `http://127.0.0.1:${await frontend.listen(0, '127.0.0.1')}`;
});
after(async () => {
  await frontend.close();
  await backend.close();
});

test('requests are forwarded with their method, body and status', async () => {
  const res = await fetch(`${base}/api/game/echo/hi`, { method: 'POST', body: JSON.stringify({ n: 1 }) });
  assert.equal(res.status, 201);
  assert.deepEqual(await res.json(), { word: 'hi', body: { n: 1 } });
});

test('an unreachable backend answers 502, and the frontend keeps its own health', async () => {
  const res = await fetch(`${base}/api/auth/me`);
  assert.equal(res.status, 502);
  assert.match((await res.json()).error, /unreachable/);
  assert.equal((await fetch(`${base}/health`)).status, 200);
});

function upgrade(path: string): Promise<{ status: number; socket?: Duplex }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { headers: { connection: 'Upgrade', upgrade: 'websocket' } });
    req.on('upgrade', (res, socket) => resolve({ status: res.statusCode ?? 0, socket }));
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    req.on('error', reject);
    req.end();
  });
}

test('WebSocket upgrades on /ws/<service>/ are tunnelled to the backend, both ways', async () => {
  const { status, socket } = await upgrade('/ws/game/games/42');
  assert.equal(status, 101);
  assert.ok(socket);
  const echoed = new Promise<string>((resolve) => socket.once('data', (d) => resolve(String(d))));
  socket.write('ping');
  assert.equal(await echoed, 'PING');
  socket.destroy();
  assert.deepEqual(upgrades, ['/games/42 websocket']);
});

test('upgrades the backend refuses, unknown backends and unreachable ones are answered, not hung', async () => {
  assert.equal((await upgrade('/ws/game/refuse')).status, 403);
  assert.equal((await upgrade('/ws/billing/x')).status, 404);
  assert.equal((await upgrade('/ws/auth/x')).status, 502);
  assert.equal((await upgrade('/elsewhere')).status, 404);
});

// A backend task that got SIGTERM closes its idle keep-alive connections; a request the frontend sends on
// one of them as it closes meets a reset. This backend answers the first request of every connection
// with keep-alive and resets the connection when a second request arrives on it: that race, made certain.
async function closingBackend() {
  let connections = 0;
  const server = createNetServer((socket) => {
    connections++;
    let served = 0;
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      for (const _ of String(chunk).matchAll(/^(GET|HEAD|POST) /gm)) {
        if (served++ > 0) return void socket.resetAndDestroy();
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const app = createFrontendApp({ log, upstreams: { auth: `http://127.0.0.1:${port}` } });
  const url = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
  const close = async () => {
    await app.close();
    await new Promise((resolve) => server.close(resolve));
  };
  return { url, connections: () => connections, close };
}

test('a GET that meets a connection the backend is closing is retried on a fresh connection', async () => {
  const backend = await closingBackend();
  try {
    assert.equal((await fetch(`${backend.url}/api/auth/health`)).status, 200);
    const again = await fetch(`${backend.url}/api/auth/health`);
    assert.equal(
      again.status,
      200,
      'the reused connection was reset: the GET must be retried, not answered 502',
    );
    assert.equal(backend.connections(), 2);
  } finally {
    await backend.close();
  }
});

test('a POST that meets a reset connection is answered 502, never replayed', async () => {
  const backend = await closingBackend();
  try {
    assert.equal((await fetch(`${backend.url}/api/auth/health`)).status, 200);
    const res = await fetch(`${backend.url}/api/auth/login`, { method: 'POST', body: '{"user":"a"}' });
    assert.equal(res.status, 502);
    assert.equal(backend.connections(), 1);
  } finally {
    await backend.close();
  }
});

test("a backend's hop-by-hop headers stay on its own connection: a stopping backend does not close the client's", async () => {
  const closing = createService({
    name: 'stopping',
    log,
    routes: {
      'GET /who': () => ({ body: 'auth', headers: { connection: 'close', 'keep-alive': 'timeout=1' } }),
    },
  });
  const port = await closing.listen(0, '127.0.0.1');
  const app = createFrontendApp({ log, upstreams: { auth: `http://127.0.0.1:${port}` } });
  const appPort = await app.listen(0, '127.0.0.1');
  const agent = new Agent({ keepAlive: true });
  try {
    const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = request({ port: appPort, host: '127.0.0.1', path: '/api/auth/who', agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.headers));
      });
      req.on('error', reject).end();
    });
    assert.equal(headers.connection, 'keep-alive');
    assert.notEqual(headers['keep-alive'], 'timeout=1');
  } finally {
    agent.destroy();
    await app.close();
    await closing.close();
  }
});
