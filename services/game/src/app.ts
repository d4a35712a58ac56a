// The game service's HTTP API: create a game, read its state, move a paddle. Games live in memory and are
// advanced to "now" whenever they are read or moved.
import { randomUUID } from 'node:crypto';
import {
  createService,
  type GameState,
  HttpError,
  type Logger,
  objectBody,
  stringField,
} from '@transcendence/common';
import { advance, createGame, sideOf } from './pong.js';

export interface GameAppOptions {
  log: Logger;
  /** Milliseconds clock; injected by tests. */
  now?: () => number;
}

export function createGameApp({ log, now = Date.now }: GameAppOptions) {
  const games = new Map<string, { state: GameState; updatedAt: number }>();

  const current = (id: string): GameState => {
    const entry = games.get(id);
    if (!entry) throw new HttpError(404, `no game '${id}'`);
    const t = now();
    advance(entry.state, t - entry.updatedAt);
    entry.updatedAt = t;
    return entry.state;
  };

  return createService({
    name: 'game',
    log,
    health: () => ({ games: games.size }),
    routes: {
      'POST /games': (req) => {
        const players = objectBody(req.body).players;
        if (
          !Array.isArray(players) ||
          players.length !== 2 ||
          !players.every((p) => typeof p === 'string' && p)
        ) {
          throw new HttpError(400, "'players' must be an array of two player names");
        }
        if (players[0] === players[1]) throw new HttpError(400, "'players' must be two different players");
        const state = createGame(randomUUID(), [players[0], players[1]]);
        games.set(state.id, { state, updatedAt: now() });
        log.info('game created', { game: state.id, players });
        return { status: 201, body: state };
      },
      'GET /games/:id': (req) => ({ body: current(req.params.id) }),
      'POST /games/:id/moves': (req) => {
        const state = current(req.params.id);
        const body = objectBody(req.body);
        const player = stringField(body, 'player');
        const side = sideOf(state, player);
        if (!side) throw new HttpError(403, `'${player}' does not play in game '${state.id}'`);
        if (state.status !== 'playing') throw new HttpError(409, `game '${state.id}' is ${state.status}`);
        const direction = body.direction;
        if (direction !== -1 && direction !== 0 && direction !== 1) {
          throw new HttpError(400, "'direction' must be -1 (up), 0 (stop) or 1 (down)");
        }
        state.paddles[side].direction = direction;
        return { body: state };
      },
    },
  });
}
