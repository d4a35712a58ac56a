// The Pong rules: a ball, two paddles, scoring to a target. Pure functions over GameState; time is passed
// in, so the game advances the same way in tests and in production.
import type { GameState, Side } from '@transcendence/common';

export const rules = {
  width: 100,
  height: 60,
  paddleHeight: 12,
  /** Distance of each paddle's face from its wall. */
  paddleInset: 2,
  paddleSpeed: 60,
  serveSpeed: 40,
  maxBallSpeed: 90,
  /** Each paddle hit multiplies the ball speed by this. */
  speedUp: 1.05,
  winningScore: 5,
  /** Simulation step; advancing by N ms runs N / stepMs fixed steps so results do not depend on polling. */
  stepMs: 10,
};

export interface Seat {
  player: string;
  userId: string;
}

export function createGame(
  id: string,
  [left, right]: [Seat, Seat],
  mode: GameState['mode'] = 'match',
): GameState {
  const game: GameState = {
    id,
    mode,
    status: 'playing',
    width: rules.width,
    height: rules.height,
    paddleHeight: rules.paddleHeight,
    ball: { x: 0, y: 0, vx: 0, vy: 0 },
    paddles: {
      left: { ...left, y: rules.height / 2, direction: 0, score: 0 },
      right: { ...right, y: rules.height / 2, direction: 0, score: 0 },
    },
    elapsedMs: 0,
  };
  serve(game, 'right');
  return game;
}

/** The sides a user may move: one in a match, both in their own practice game against the AI. */
export function sidesOf(game: GameState, userId: string): Side[] {
  return (['left', 'right'] as const).filter((side) => game.paddles[side].userId === userId);
}

/** Runs the simulation forward by `ms` (whole steps; the remainder waits for the next call). */
export function advance(game: GameState, ms: number): GameState {
  const steps = Math.floor((game.elapsedMs + ms) / rules.stepMs) - Math.floor(game.elapsedMs / rules.stepMs);
  game.elapsedMs += ms;
  for (let i = 0; i < steps && game.status === 'playing'; i++) step(game, rules.stepMs / 1000);
  return game;
}

function step(game: GameState, dt: number): void {
  const half = rules.paddleHeight / 2;
  for (const paddle of [game.paddles.left, game.paddles.right]) {
    paddle.y = clamp(paddle.y + paddle.direction * rules.paddleSpeed * dt, half, rules.height - half);
  }
  const ball = game.ball;
  ball.x += ball.vx * dt;
  ball.y += ball.vy * dt;
  if (ball.y < 0 || ball.y > rules.height) {
    ball.y = ball.y < 0 ? -ball.y : 2 * rules.height - ball.y;
    ball.vy = -ball.vy;
  }
  const leftFace = rules.paddleInset;
  const rightFace = rules.width - rules.paddleInset;
  if (ball.vx < 0 && ball.x <= leftFace) hitOrScore(game, 'left', leftFace);
  else if (ball.vx > 0 && ball.x >= rightFace) hitOrScore(game, 'right', rightFace);
}

function hitOrScore(game: GameState, side: Side, face: number): void {
  const ball = game.ball;
  const paddle = game.paddles[side];
  const offset = (ball.y - paddle.y) / (rules.paddleHeight / 2);
  if (Math.abs(offset) <= 1) {
    // Bounce back, faster, and steeper the further from the paddle's centre it hit.
    ball.x = 2 * face - ball.x;
    const speed = Math.min(Math.hypot(ball.vx, ball.vy) * rules.speedUp, rules.maxBallSpeed);
    const angle = offset * (Math.PI / 4);
    ball.vx = (side === 'left' ? 1 : -1) * speed * Math.cos(angle);
    ball.vy = speed * Math.sin(angle);
    return;
  }
  const scorer = game.paddles[side === 'left' ? 'right' : 'left'];
  scorer.score += 1;
  if (scorer.score >= rules.winningScore) {
    game.status = 'finished';
    game.winner = scorer.player;
    return;
  }
  serve(game, side);
}

/** Ball back to the centre, heading towards the side that just conceded. */
function serve(game: GameState, towards: Side): void {
  const points = game.paddles.left.score + game.paddles.right.score;
  const angle = (points % 2 === 0 ? 1 : -1) * (Math.PI / 8);
  game.ball = {
    x: rules.width / 2,
    y: rules.height / 2,
    vx: (towards === 'left' ? -1 : 1) * rules.serveSpeed * Math.cos(angle),
    vy: rules.serveSpeed * Math.sin(angle),
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
