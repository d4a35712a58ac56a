import assert from 'node:assert/strict';
import { test } from 'node:test';
import { advance, createGame, rules, type Seat, sidesOf } from '../pong.js';

const seats = (a: string, b: string): [Seat, Seat] => [
  { player: a, userId: `${a}-id` },
  { player: b, userId: `${b}-id` },
];

test('a new game serves from the centre towards the right player', () => {
  const game = createGame('g1', seats('ann', 'bob'));
  assert.equal(game.status, 'playing');
  assert.deepEqual([game.ball.x, game.ball.y], [rules.width / 2, rules.height / 2]);
  assert.ok(game.ball.vx > 0);
  assert.deepEqual(sidesOf(game, 'bob-id'), ['right']);
  assert.deepEqual(sidesOf(game, 'bob'), [], 'by user id, not by name');
  assert.deepEqual(sidesOf(game, 'eve-id'), []);
  const practice = createGame('g2', [seats('ann', 'x')[0], { player: 'ai', userId: 'ann-id' }], 'ai');
  assert.deepEqual(sidesOf(practice, 'ann-id'), ['left', 'right']);
});

test('paddles move with their direction and stop at the walls', () => {
  const game = createGame('g1', seats('ann', 'bob'));
  game.paddles.left.direction = -1;
  advance(game, 100);
  assert.ok(Math.abs(game.paddles.left.y - (rules.height / 2 - rules.paddleSpeed * 0.1)) < 1e-9);
  advance(game, 5000);
  assert.equal(game.paddles.left.y, rules.paddleHeight / 2);
});

test('the ball bounces off the top and bottom walls', () => {
  const game = createGame('g1', seats('ann', 'bob'));
  game.ball = { x: 50, y: 1, vx: 0, vy: -20 };
  advance(game, 100);
  assert.ok(game.ball.vy > 0);
  assert.ok(game.ball.y > 0 && game.ball.y < 2);
});

test('a paddle in the way returns the ball faster', () => {
  const game = createGame('g1', seats('ann', 'bob'));
  game.ball = { x: 10, y: 30, vx: -40, vy: 0 };
  advance(game, 300);
  assert.ok(game.ball.vx > 40, `ball came back at vx=${game.ball.vx}`);
  assert.equal(game.paddles.right.score, 0);
});

test('a missed ball scores for the other player and serves again', () => {
  const game = createGame('g1', seats('ann', 'bob'));
  game.paddles.left.y = rules.paddleHeight / 2;
  game.ball = { x: 10, y: 50, vx: -40, vy: 0 };
  advance(game, 300);
  assert.equal(game.paddles.right.score, 1);
  assert.equal(game.ball.x < rules.width / 2, true, 'served towards the left, who conceded');
});

test('the first to the winning score wins and the game stops', () => {
  const game = createGame('g1', seats('ann', 'bob'));
  // Nobody moves; bob's paddle stays centred, so every serve to the right comes back and ann's side misses.
  for (let i = 0; i < 200 && game.status === 'playing'; i++) advance(game, 1000);
  assert.equal(game.status, 'finished');
  const { left, right } = game.paddles;
  assert.equal(Math.max(left.score, right.score), rules.winningScore);
  assert.equal(game.winner, left.score > right.score ? 'ann' : 'bob');
  const frozen = JSON.stringify(game.ball);
  advance(game, 1000);
  assert.equal(JSON.stringify(game.ball), frozen);
});

test('advancing in small slices gives the same state as one large step', () => {
  const a = createGame('g', seats('ann', 'bob'));
  const b = createGame('g', seats('ann', 'bob'));
  advance(a, 2345);
  for (let i = 0; i < 2345; i += 7) advance(b, Math.min(7, 2345 - i));
  assert.deepEqual(a, b);
});
