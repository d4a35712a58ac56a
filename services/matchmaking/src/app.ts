// The matchmaking service's HTTP API: join the queue, poll your ticket, leave. Every call proves who
// calls with auth's session token (verified here); a player queues, reads and leaves only as themself.
import { authenticate, createService, HttpError, type KeyResolver, type Logger } from '@transcendence/common';
import type { QueueStore } from './queue.js';

export function createMatchmakingApp({
  log,
  queue,
  keys,
}: {
  log: Logger;
  queue: QueueStore;
  keys: KeyResolver;
}) {
  const who = authenticate(keys);
  const self = async (authorization: string | string[] | undefined, player: string) => {
    const me = await who(authorization);
    if (me.username !== player) throw new HttpError(403, `you are '${me.username}', not '${player}'`);
    return me;
  };
  return createService({
    name: 'matchmaking',
    log,
    health: async () => ({ waiting: await queue.waitingCount() }),
    onClose: () => queue.close(),
    routes: {
      'POST /queue': async (req) => {
        const ticket = await queue.join(await who(req.headers.authorization));
        if (ticket.status === 'matched') log.info('matched', { ...ticket });
        return { status: ticket.status === 'matched' ? 201 : 202, body: ticket };
      },
      'GET /queue/:player': async (req) => {
        const ticket = await queue.status(await self(req.headers.authorization, req.params.player));
        if (!ticket) throw new HttpError(404, `'${req.params.player}' is not queued`);
        return { body: ticket };
      },
      'DELETE /queue/:player': async (req) => {
        if (!(await queue.leave(await self(req.headers.authorization, req.params.player)))) {
          throw new HttpError(404, `'${req.params.player}' is not queued`);
        }
        return { body: { status: 'left', player: req.params.player } };
      },
    },
  });
}
