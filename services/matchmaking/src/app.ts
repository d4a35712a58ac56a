// The matchmaking service's HTTP API: join the queue, poll your ticket, leave.
import { createService, HttpError, type Logger, objectBody, stringField } from '@transcendence/common';
import { type CreateGame, MatchQueue } from './queue.js';

const playerName = /^[A-Za-z0-9_-]{1,32}$/;

export function createMatchmakingApp({ log, createGame }: { log: Logger; createGame: CreateGame }) {
  const queue = new MatchQueue(createGame);
  return createService({
    name: 'matchmaking',
    log,
    health: () => ({ waiting: queue.waitingCount }),
    routes: {
      'POST /queue': async (req) => {
        const player = stringField(objectBody(req.body), 'player', playerName);
        const ticket = await queue.join(player);
        if (ticket.status === 'matched') log.info('matched', { ...ticket });
        return { status: ticket.status === 'matched' ? 201 : 202, body: ticket };
      },
      'GET /queue/:player': (req) => {
        const ticket = queue.status(req.params.player);
        if (!ticket) throw new HttpError(404, `'${req.params.player}' is not queued`);
        return { body: ticket };
      },
      'DELETE /queue/:player': (req) => {
        if (!queue.leave(req.params.player)) throw new HttpError(404, `'${req.params.player}' is not queued`);
        return { body: { status: 'left', player: req.params.player } };
      },
    },
  });
}
