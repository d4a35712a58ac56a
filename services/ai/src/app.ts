// The AI service's HTTP API: POST /move with a game state and the AI's side, answers the paddle move.
import { createService, type GameState, HttpError, type Logger, objectBody } from '@transcendence/common';
import { chooseMove } from './predict.js';

export function createAiApp({ log }: { log: Logger }) {
  return createService({
    name: 'ai',
    log,
    routes: {
      'POST /move': (req) => {
        const body = objectBody(req.body);
        const side = body.side;
        if (side !== 'left' && side !== 'right') throw new HttpError(400, "'side' must be 'left' or 'right'");
        return { body: chooseMove(gameState(body.game), side) };
      },
    },
  });
}

/** Checks the parts of the state the AI reads, so a malformed state answers 400 rather than NaN. */
function gameState(value: unknown): GameState {
  const game = objectBody(value) as Partial<GameState>;
  const numbers: [string, unknown][] = [
    ['game.width', game.width],
    ['game.height', game.height],
    ['game.paddleHeight', game.paddleHeight],
    ['game.ball.x', game.ball?.x],
    ['game.ball.y', game.ball?.y],
    ['game.ball.vx', game.ball?.vx],
    ['game.ball.vy', game.ball?.vy],
    ['game.paddles.left.y', game.paddles?.left?.y],
    ['game.paddles.right.y', game.paddles?.right?.y],
  ];
  for (const [field, n] of numbers) {
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new HttpError(400, `'${field}' must be a number`);
  }
  return game as GameState;
}
