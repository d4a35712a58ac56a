import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createLogger } from '@transcendence/common';
import { createMatchmakingApp } from '../app.js';
import { gameServiceClient } from '../game-client.js';

// A game service double on a real socket: the client's HTTP contract (POST /games → 201 {id}) is what
// is under test here; the real game service is exercised with matchmaking in the repository's tests.
const requests: unknown[] = [];
const gameService = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => {
    body += chunk;
  });
  req.on('end', () => {
    requests.push({ method: req.method, url: req.url, body: JSON.parse(body) });
    res
      .writeHead(201, { 'content-type': 'application/json' })
      .end(JSON.stringify({ id: `g${requests.length}` }));
  });
});
let app: ReturnType<typeof createMatchmakingApp>;
let base = '';

before(async () => {
  await new Promise<void>((resolve) => gameService.listen(0, '127.0.0.1', resolve));
  const gameUrl = `http://127.0.0.1:${(gameService.address() as AddressInfo).port}`;
  app = createMatchmakingApp({
    log: createLogger('matchmaking', () => {}),
    createGame: gameServiceClient(gameUrl),
  });
  base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
});
after(async () => {
  await app.close();
  gameService.close();
});

const join = (player: string) => fetch(`${base}/queue`, { method: 'POST', body: JSON.stringify({ player }) });

test('two players queue, the game service is asked for their game, both see it', async () => {
  assert.equal((await join('ann')).status, 202);
  const matched = await join('bob');
  assert.equal(matched.status, 201);
  assert.equal((await matched.json()).gameId, 'g1');
  assert.deepEqual(requests, [{ method: 'POST', url: '/games', body: { players: ['ann', 'bob'] } }]);
  const ann = await (await fetch(`${base}/queue/ann`)).json();
  assert.deepEqual(ann, { status: 'matched', player: 'ann', opponent: 'bob', gameId: 'g1' });
});

test('an unreachable game service answers 502 and keeps the queue', async () => {
  const broken = createMatchmakingApp({
    log: createLogger('matchmaking', () => {}),
    createGame: gameServiceClient('http://127.0.0.1:1', 500),
  });
  const url = `http://127.0.0.1:${await broken.listen(0, '127.0.0.1')}`;
  try {
    await fetch(`${url}/queue`, { method: 'POST', body: JSON.stringify({ player: 'cid' }) });
    const res = await fetch(`${url}/queue`, { method: 'POST', body: JSON.stringify({ player: 'dan' }) });
    assert.equal(res.status, 502);
    assert.match((await res.json()).error, /unreachable/);
    assert.equal((await (await fetch(`${url}/health`)).json()).waiting, 1);
  } finally {
    await broken.close();
  }
});

test('bad player names are refused; unknown players are 404', async () => {
  assert.equal((await join('a b')).status, 400);
  assert.equal((await fetch(`${base}/queue/nobody`)).status, 404);
  assert.equal((await fetch(`${base}/queue/nobody`, { method: 'DELETE' })).status, 404);
});
