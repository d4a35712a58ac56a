import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createLogger } from '@transcendence/common';
import { createAiApp } from '../app.js';

const app = createAiApp({ log: createLogger('ai', () => {}) });
let base = '';
before(async () => {
  base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
});
after(() => app.close());

const move = (body: unknown) => fetch(`${base}/move`, { method: 'POST', body: JSON.stringify(body) });
const state = {
  width: 100,
  height: 60,
  paddleHeight: 12,
  ball: { x: 50, y: 55, vx: 40, vy: 0 },
  paddles: { left: { y: 30 }, right: { y: 30 } },
};

test('POST /move answers the AI paddle direction for a game state', async () => {
  const res = await move({ side: 'right', game: state });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { direction: 1, targetY: 55 });
});

test('POST /move refuses a state it cannot read, naming the field', async () => {
  const res = await move({ side: 'right', game: { ...state, ball: { x: 1 } } });
  assert.equal(res.status, 400);
  assert.match((await res.json()).error, /game\.ball\.y/);
  assert.equal((await move({ side: 'top', game: state })).status, 400);
});
