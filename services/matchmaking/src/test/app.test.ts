import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createLogger, createSigningKey, keyCache, signToken } from '@transcendence/common';
import { createMatchmakingApp } from '../app.js';
import { memoryQueue } from '../queue.js';

const key = createSigningKey();
const app = createMatchmakingApp({
  log: createLogger('matchmaking', () => {}),
  queue: memoryQueue(),
  keys: keyCache(async (kid) => (kid === key.kid ? key.publicKeyPem : undefined)),
});
const tokenOf = (username: string) =>
  signToken(key, { id: `${username}-0000-4000-8000-000000000000`, username }, new Date(Date.now() + 60_000));
let base = '';
before(async () => {
  base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
});
after(() => app.close());

const call = (method: string, path: string, token?: string) =>
  fetch(`${base}${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });

test('two players queue as themselves and both see their game', async () => {
  assert.equal((await call('POST', '/queue', tokenOf('ann'))).status, 202);
  const matched = await call('POST', '/queue', tokenOf('bob'));
  assert.equal(matched.status, 201);
  const { gameId, opponent } = await matched.json();
  assert.equal(opponent, 'ann');
  const ann = await (await call('GET', '/queue/ann', tokenOf('ann'))).json();
  assert.deepEqual(ann, { status: 'matched', player: 'ann', opponent: 'bob', gameId });
});

test("no token, a forged one, or someone else's ticket: refused", async () => {
  assert.equal((await call('POST', '/queue')).status, 401);
  const rogue = signToken(
    { ...createSigningKey(), kid: key.kid },
    { id: 'x', username: 'ann' },
    new Date(Date.now() + 60_000),
  );
  assert.equal((await call('POST', '/queue', rogue)).status, 401);
  assert.equal((await call('GET', '/queue/ann', tokenOf('bob'))).status, 403);
  assert.equal((await call('DELETE', '/queue/ann', tokenOf('bob'))).status, 403);
});

test('unknown players are 404; leaving works once', async () => {
  assert.equal((await call('GET', '/queue/cid', tokenOf('cid'))).status, 404);
  await call('POST', '/queue', tokenOf('cid'));
  assert.equal((await call('DELETE', '/queue/cid', tokenOf('cid'))).status, 200);
  assert.equal((await call('DELETE', '/queue/cid', tokenOf('cid'))).status, 404);
  assert.equal((await (await fetch(`${base}/health`)).json()).waiting, 0);
});
