// The AI paddle: predicts where the ball will cross the AI's paddle line (unfolding wall bounces) and
// steers towards it; when the ball moves away it drifts back to the centre.
import type { GameState, Side } from '@transcendence/common';

export interface AiMove {
  direction: -1 | 0 | 1;
  /** The y the paddle is heading for. */
  targetY: number;
}

/** Distance of each paddle's face from its wall; matches the game's rules. */
export const paddleInset = 2;

export function predictInterceptY(game: GameState, side: Side): number | undefined {
  const { ball, width, height } = game;
  const faceX = side === 'left' ? paddleInset : width - paddleInset;
  const approaching = side === 'left' ? ball.vx < 0 : ball.vx > 0;
  if (!approaching) return undefined;
  const t = (faceX - ball.x) / ball.vx;
  return fold(ball.y + ball.vy * t, height);
}

export function chooseMove(game: GameState, side: Side): AiMove {
  const paddle = game.paddles[side];
  const targetY = predictInterceptY(game, side) ?? game.height / 2;
  // Aim for the target within a quarter paddle: close enough to hit, without jittering around it.
  const deadZone = game.paddleHeight / 4;
  const delta = targetY - paddle.y;
  const direction = Math.abs(delta) <= deadZone ? 0 : delta > 0 ? 1 : -1;
  return { direction, targetY };
}

/** Maps an unbounded y onto [0, height] as the walls reflect it (a triangle wave). */
function fold(y: number, height: number): number {
  const period = 2 * height;
  const m = ((y % period) + period) % period;
  return m <= height ? m : period - m;
}
