import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GameState } from '@transcendence/common';
import { chooseMove, predictInterceptY } from '../predict.js';

function game(ball: GameState['ball'], rightY = 30): GameState {
  return {
    id: 'g',
    mode: 'ai',
    status: 'playing',
    width: 100,
    height: 60,
    paddleHeight: 12,
    ball,
    paddles: {
      left: { player: 'ann', userId: 'ann-id', y: 30, direction: 0, score: 0 },
      right: { player: 'ai', userId: 'ann-id', y: rightY, direction: 0, score: 0 },
    },
    elapsedMs: 0,
  };
}

test('a ball flying straight is intercepted where it is', () => {
  assert.equal(predictInterceptY(game({ x: 50, y: 20, vx: 40, vy: 0 }), 'right'), 20);
});

test('wall bounces are unfolded: 48 units of travel up from y=10 bounce off the top to y=38', () => {
  // From x=50 to the right face (98) is 48 units; at vy = -vx the ball climbs 48: 10 → -38 → reflected 38.
  assert.equal(predictInterceptY(game({ x: 50, y: 10, vx: 40, vy: -40 }), 'right'), 38);
});

test('a ball moving away has no intercept, and the paddle drifts back to the centre', () => {
  const state = game({ x: 50, y: 10, vx: -40, vy: 0 }, 50);
  assert.equal(predictInterceptY(state, 'right'), undefined);
  assert.deepEqual(chooseMove(state, 'right'), { direction: -1, targetY: 30 });
});

test('the paddle moves towards the intercept and holds still within a quarter paddle of it', () => {
  assert.equal(chooseMove(game({ x: 50, y: 50, vx: 40, vy: 0 }, 30), 'right').direction, 1);
  assert.equal(chooseMove(game({ x: 50, y: 10, vx: 40, vy: 0 }, 30), 'right').direction, -1);
  assert.equal(chooseMove(game({ x: 50, y: 32, vx: 40, vy: 0 }, 30), 'right').direction, 0);
});

test('the left side works the same way', () => {
  const move = chooseMove(game({ x: 50, y: 50, vx: -40, vy: 0 }), 'left');
  assert.deepEqual(move, { direction: 1, targetY: 50 });
});
