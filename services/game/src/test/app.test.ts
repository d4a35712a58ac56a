import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createLogger, createSigningKey, keyCache, signToken } from '@transcendence/common';
import WebSocket from 'ws';
import { createGameApp } from '../app.js';
import { type Match, memoryStore } from '../store.js';

let clock = 1_000_000;
const key = createSigningKey();
const keys = keyCache(async (kid) => (kid === key.kid ? key.publicKeyPem : undefined));
const user = (username: string) => ({ id: `${username}-0000-4000-8000-000000000000`, username });
const [ann, bob, eve] = [user('ann'), user('bob'), user('eve')];
const tokenOf = (who: { id: string; username: string }) =>
  signToken(key, who, new Date(clock + 3600_000), new Date(clock));
const matches = new Map<string, Match>();
const match = (id: string) =>
  matches.set(id, {
    id,
    seats: [
      { player: 'ann', userId: ann.id },
      { player: 'bob', userId: bob.id },
    ],
  });
const app = createGameApp({
  log: createLogger('game', () => {}),
  store: memoryStore(matches),
  keys,
  now: () => clock,
  tickMs: 5,
});
let base = '';
before(async () => {
  base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
});
after(() => app.close());

const call = (path: string, token?: string, body?: unknown) =>
  fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

test('a matched game appears on first sight, advances with time, and moves only its players', async () => {
  match('m1');
  const first = await call('/games/m1', tokenOf(ann));
  assert.equal(first.status, 200);
  const game = await first.json();
  assert.deepEqual([game.paddles.left.player, game.paddles.right.player, game.mode], ['ann', 'bob', 'match']);
  clock += 500;
  const later = await (await call('/games/m1', tokenOf(eve))).json();
  assert.equal(later.elapsedMs, 500, 'anyone logged in may watch');
  const moved = await call('/games/m1/moves', tokenOf(bob), { direction: 1 });
  assert.equal((await moved.json()).paddles.right.direction, 1);
  clock += 100;
  assert.ok((await (await call('/games/m1', tokenOf(ann))).json()).paddles.right.y > game.paddles.right.y);
});

test('nobody moves a paddle that is not theirs', async () => {
  match('m2');
  const asEve = await call('/games/m2/moves', tokenOf(eve), { direction: 1 });
  assert.equal(asEve.status, 403);
  const annMovesBob = await call('/games/m2/moves', tokenOf(ann), { direction: 1, side: 'right' });
  assert.equal(annMovesBob.status, 403);
  assert.match((await annMovesBob.json()).error, /not yours/);
  const state = await (await call('/games/m2', tokenOf(ann))).json();
  assert.equal(state.paddles.right.direction, 0);
});

test('every call needs a valid token', async () => {
  match('m3');
  assert.equal((await call('/games/m3')).status, 401);
  assert.equal((await call('/games/m3/moves', undefined, { direction: 1 })).status, 401);
  const forged = signToken({ ...createSigningKey(), kid: key.kid }, bob, new Date(clock + 3600_000));
  const res = await call('/games/m3/moves', forged, { direction: 1 });
  assert.equal(res.status, 401);
  assert.match((await res.json()).error, /signature/);
  assert.equal((await call('/results', 'not-a-token')).status, 401);
});

test('a practice game against the AI: the caller steers both paddles, by side', async () => {
  const created = await call('/games', tokenOf(eve), { opponent: 'ai' });
  assert.equal(created.status, 201);
  const game = await created.json();
  assert.equal(game.mode, 'ai');
  assert.equal((await call(`/games/${game.id}/moves`, tokenOf(eve), { direction: 1 })).status, 400);
  const ai = await call(`/games/${game.id}/moves`, tokenOf(eve), { direction: -1, side: 'right' });
  assert.equal((await ai.json()).paddles.right.direction, -1);
  assert.equal(
    (await call(`/games/${game.id}/moves`, tokenOf(ann), { direction: 1, side: 'left' })).status,
    403,
  );
  assert.equal((await call('/games', tokenOf(eve), { players: ['eve', 'ann'] })).status, 400);
});

test('a finished game is stored with its result, and moves are refused after it', async () => {
  match('m4');
  await call('/games/m4', tokenOf(ann));
  clock += 600_000; // nobody moves: someone wins long before ten minutes
  const done = await (await call('/games/m4', tokenOf(ann))).json();
  assert.equal(done.status, 'finished');
  const results = await (await call('/results', tokenOf(bob))).json();
  assert.equal(results[0].gameId, 'm4');
  assert.equal(results[0].winner, done.winner);
  assert.equal(Math.max(results[0].left.score, results[0].right.score), 5);
  assert.equal((await call('/games/m4/moves', tokenOf(ann), { direction: 1 })).status, 409);
});

test('bad requests are refused with the reason', async () => {
  match('m5');
  assert.equal((await call('/games/nope', tokenOf(ann))).status, 404);
  const bad = await call('/games/m5/moves', tokenOf(ann), { direction: 2 });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error, /direction/);
});

function socket(id: string) {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/games/${id}`);
  const messages: { type: string; game?: { paddles: { left: { direction: number } }; status: string } }[] =
    [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data))));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  const opened = new Promise((resolve) => ws.on('open', resolve));
  const until = async (pred: () => boolean) => {
    for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(pred(), 'condition met in time');
  };
  return { ws, messages, closed, opened, until };
}

test('WebSocket: state is pushed after auth; moves go over the socket; the end closes it', async () => {
  match('m6');
  const live = socket('m6');
  await live.opened;
  live.ws.send(JSON.stringify({ type: 'auth', token: tokenOf(ann) }));
  await live.until(() => live.messages.length >= 2);
  assert.equal(live.messages[0].type, 'state');
  live.ws.send(JSON.stringify({ type: 'move', direction: -1 }));
  await live.until(() => live.messages.some((m) => m.game?.paddles.left.direction === -1));
  clock += 600_000;
  const end = await live.closed;
  assert.equal(end.code, 1000);
  assert.equal(live.messages.at(-1)?.game?.status, 'finished');
});

test('WebSocket: a move sent right behind the auth message waits for the token to be verified', async () => {
  match('m8');
  const live = socket('m8');
  await live.opened;
  live.ws.send(JSON.stringify({ type: 'auth', token: tokenOf(ann) }));
  live.ws.send(JSON.stringify({ type: 'move', direction: -1 }));
  await live.until(() => live.messages.some((m) => m.game?.paddles.left.direction === -1));
  live.ws.close();
  assert.equal((await live.closed).code, 1005);
});

test('WebSocket: no token, a forged token or an unknown game closes with a 44xx code', async () => {
  match('m7');
  const silent = socket('m7');
  await silent.opened;
  silent.ws.send(JSON.stringify({ type: 'move', direction: 1 }));
  assert.equal((await silent.closed).code, 4401);
  const forged = socket('m7');
  await forged.opened;
  const rogue = signToken({ ...createSigningKey(), kid: key.kid }, ann, new Date(clock + 3600_000));
  forged.ws.send(JSON.stringify({ type: 'auth', token: rogue }));
  assert.equal((await forged.closed).code, 4401);
  const unknown = socket('nope');
  await unknown.opened;
  unknown.ws.send(JSON.stringify({ type: 'auth', token: tokenOf(ann) }));
  assert.equal((await unknown.closed).code, 4404);
});

test('GET /health pings the store and counts live sockets', async () => {
  const health = await (await fetch(`${base}/health`)).json();
  assert.equal(health.status, 'ok');
  assert.equal(typeof health.live, 'number');
});
