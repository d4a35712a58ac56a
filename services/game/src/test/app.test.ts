import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createLogger } from '@transcendence/common';
import { createGameApp } from '../app.js';

let clock = 1_000_000;
const app = createGameApp({ log: createLogger('game', () => {}), now: () => clock });
let base = '';
before(async () => {
  base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
});
after(() => app.close());

const post = (path: string, body: unknown) =>
  fetch(`${base}${path}`, { method: 'POST', body: JSON.stringify(body) });

test('POST /games creates a game that advances with time', async () => {
  const created = await post('/games', { players: ['ann', 'bob'] });
  assert.equal(created.status, 201);
  const game = await created.json();
  assert.equal(game.paddles.left.player, 'ann');
  clock += 500;
  const later = await (await fetch(`${base}/games/${game.id}`)).json();
  assert.equal(later.elapsedMs, 500);
  assert.notEqual(later.ball.x, game.ball.x);
});

test('POST /games/:id/moves moves the player paddle', async () => {
  const game = await (await post('/games', { players: ['ann', 'bob'] })).json();
  const moved = await post(`/games/${game.id}/moves`, { player: 'bob', direction: 1 });
  assert.equal((await moved.json()).paddles.right.direction, 1);
  clock += 100;
  const later = await (await fetch(`${base}/games/${game.id}`)).json();
  assert.ok(later.paddles.right.y > game.paddles.right.y);
});

test('bad requests are refused with the reason', async () => {
  assert.equal((await post('/games', { players: ['ann'] })).status, 400);
  assert.equal((await post('/games', { players: ['ann', 'ann'] })).status, 400);
  assert.equal((await fetch(`${base}/games/nope`)).status, 404);
  const game = await (await post('/games', { players: ['ann', 'bob'] })).json();
  assert.equal((await post(`/games/${game.id}/moves`, { player: 'eve', direction: 1 })).status, 403);
  const bad = await post(`/games/${game.id}/moves`, { player: 'ann', direction: 2 });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error, /direction/);
});

test('GET /health counts the games', async () => {
  const health = await (await fetch(`${base}/health`)).json();
  assert.equal(health.status, 'ok');
  assert.ok(health.games >= 3);
});
