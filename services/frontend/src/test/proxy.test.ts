import assert from 'node:assert/strict';
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
