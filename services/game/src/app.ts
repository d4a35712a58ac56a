// The game service's HTTP API and live WebSocket. Every call proves who calls with auth's session token
// (verified here, no call to auth); a player moves only their own paddle. State lives in the store.
import {
  authenticate,
  createService,
  HttpError,
  type KeyResolver,
  type Logger,
  objectBody,
  verifyToken,
} from '@transcendence/common';
import { liveGames } from './live.js';
import { gameRoom } from './room.js';
import type { GameStore } from './store.js';

export interface GameAppOptions {
  log: Logger;
  store: GameStore;
  keys: KeyResolver;
  /** Milliseconds clock; injected by tests. */
  now?: () => number;
  tickMs?: number;
}

export function createGameApp({ log, store, keys, now = Date.now, tickMs }: GameAppOptions) {
  const room = gameRoom(store, now);
  const who = authenticate(keys, now);
  const live = liveGames({ room, who: (token) => verifyToken(token, keys, now()), log, tickMs });
  const service = createService({
    name: 'game',
    log,
    health: async () => {
      await store.ping();
      return { live: live.connections };
    },
    onStopAccepting: () => live.closeAll(),
    onClose: () => store.close(),
    routes: {
      'POST /games': async (req) => {
        const me = await who(req.headers.authorization);
        if (objectBody(req.body).opponent !== 'ai') {
          throw new HttpError(400, "'opponent' must be 'ai': games between players come from matchmaking");
        }
        const state = await room.practice(me);
        log.info('game created', { game: state.id, mode: state.mode, user: me.id });
        return { status: 201, body: state };
      },
      'GET /games/:id': async (req) => {
        await who(req.headers.authorization);
        return { body: await room.current(req.params.id) };
      },
      'POST /games/:id/moves': async (req) => {
        const me = await who(req.headers.authorization);
        const body = objectBody(req.body);
        return { body: await room.move(req.params.id, me, body.direction, body.side) };
      },
      'GET /results': async (req) => ({ body: await room.results(await who(req.headers.authorization)) }),
    },
  });
  service.server.on('upgrade', live.upgrade);
  return service;
}
