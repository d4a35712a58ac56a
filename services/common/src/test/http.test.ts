import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { after, before, test } from 'node:test';
import { createService, HttpError } from '../http.js';
import { createLogger } from '../log.js';
import { objectBody, stringField } from '../validate.js';

const lines: string[] = [];
const log = createLogger('demo', (line) => lines.push(line));
const service = createService({
  name: 'demo',
  log,
  routes: {
    'GET /items/:id': (req) => ({ body: { id: req.params.id } }),
    'POST /items': (req) => ({ status: 201, body: { name: stringField(objectBody(req.body), 'name') } }),
    'GET /teapot': () => {
      throw new HttpError(418, 'short and stout');
    },
  },
  health: () => ({ items: 1 }),
});
let base = '';

before(async () => {
  base = `http://127.0.0.1:${await service.listen(0, '127.0.0.1')}`;
});
after(() => service.close());

test('GET /health answers ok with the service name and detail', async () => {
  const res = await fetch(`${base}/health`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ok', service: 'demo', items: 1 });
});

test('routes match path parameters and JSON bodies', async () => {
  assert.deepEqual(await (await fetch(`${base}/items/a%20b`)).json(), { id: 'a b' });
  const res = await fetch(`${base}/items`, { method: 'POST', body: JSON.stringify({ name: 'x' }) });
  assert.equal(res.status, 201);
  assert.deepEqual(await res.json(), { name: 'x' });
});

test('bad input answers 400 naming the field; unknown routes 404; HttpError keeps its status', async () => {
  const missing = await fetch(`${base}/items`, { method: 'POST', body: '{}' });
  assert.equal(missing.status, 400);
  assert.match((await missing.json()).error, /'name'/);
  const broken = await fetch(`${base}/items`, { method: 'POST', body: '{' });
  assert.equal(broken.status, 400);
  assert.equal((await fetch(`${base}/nope`)).status, 404);
  assert.equal((await fetch(`${base}/teapot`)).status, 418);
});

test('each request is logged as one JSON line', () => {
  const entries = lines.map((line) => JSON.parse(line));
  const post = entries.find((e) => e.method === 'POST' && e.status === 201);
  assert.equal(post.service, 'demo');
  assert.equal(post.level, 'info');
  assert.equal(typeof post.ms, 'number');
  assert.ok(!entries.some((e) => e.path === '/health'), 'health checks are not logged');
});

test('close stops the server, then runs onClose', async () => {
  let closed = false;
  const onClose = () => {
    closed = true;
  };
  const other = createService({ name: 'x', log, routes: {}, onClose });
  await other.listen(0, '127.0.0.1');
  await other.close();
  assert.equal(other.server.listening, false);
  assert.equal(closed, true);
});

test('a request in flight when close begins is finished, and its connection is not kept alive', async () => {
  let arrived = () => {};
  let release = () => {};
  const inFlight = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const slow = createService({
    name: 'slow',
    log,
    routes: {
      'GET /slow': async () => {
        arrived();
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return { body: { done: true } };
      },
    },
  });
  const port = await slow.listen(0, '127.0.0.1');
  const agent = new Agent({ keepAlive: true });
  const reply = new Promise<{ status?: number; connection?: string }>((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', path: '/slow', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, connection: res.headers.connection }));
    });
    req.on('error', reject).end();
  });
  await inFlight;
  const closed = slow.close();
  release();
  const answer = await reply;
  agent.destroy();
  await closed;
  assert.equal(answer.status, 200);
  assert.equal(answer.connection, 'close', 'a stopping task tells its clients not to reuse the connection');
});
