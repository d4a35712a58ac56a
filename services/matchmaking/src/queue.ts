// Pairs players in arrival order. A pairing is stored as a match (table matches), whose id is the game's:
// the game service makes the game from it on first sight, so no call between the two can half-fail.
// PostgreSQL when the database is configured (any replica pairs anyone, nothing lost with a replica),
// memory otherwise; both honour the same contract (src/test/queue.test.ts).
import { randomUUID } from 'node:crypto';
import { type Identity, inTransaction, type KeyLookup, publishedKeys } from '@transcendence/common';
import pg from 'pg';

export type Ticket =
  | { status: 'waiting'; player: string }
  | { status: 'matched'; player: string; opponent: string; gameId: string };

export interface QueueStore {
  /** Queues the player; pairs them with the longest-waiting other player if there is one. */
  join(me: Identity): Promise<Ticket>;
  /** Waiting, or the player's latest match; undefined when neither. */
  status(me: Identity): Promise<Ticket | undefined>;
  /** Leaves the queue; false when the player was not waiting. */
  leave(me: Identity): Promise<boolean>;
  waitingCount(): Promise<number>;
  /** Public signing keys, where the store reaches auth's table (PostgreSQL). */
  findKey?: KeyLookup;
  ping(): Promise<void>;
  close(): Promise<void>;
}

interface MatchRow {
  id: string;
  left: Identity;
  right: Identity;
}

const matched = (me: Identity, m: MatchRow): Ticket => ({
  status: 'matched',
  player: me.username,
  opponent: (m.left.id === me.id ? m.right : m.left).username,
  gameId: m.id,
});

export function memoryQueue(): QueueStore {
  const waiting: Identity[] = [];
  const matches: MatchRow[] = [];
  const isWaiting = (me: Identity) => waiting.some((w) => w.id === me.id);
  return {
    async join(me) {
      if (isWaiting(me)) return { status: 'waiting', player: me.username };
      const opponent = waiting.shift();
      if (!opponent) {
        waiting.push(me);
        return { status: 'waiting', player: me.username };
      }
      const match = { id: randomUUID(), left: opponent, right: me };
      matches.unshift(match);
      return matched(me, match);
    },
    async status(me) {
      if (isWaiting(me)) return { status: 'waiting', player: me.username };
      const match = matches.find((m) => m.left.id === me.id || m.right.id === me.id);
      return match && matched(me, match);
    },
    async leave(me) {
      const index = waiting.findIndex((w) => w.id === me.id);
      if (index >= 0) waiting.splice(index, 1);
      return index >= 0;
    },
    waitingCount: async () => waiting.length,
    ping: async () => {},
    close: async () => {},
  };
}

// One pairing at a time across every replica: a transaction-scoped advisory lock.
const pairingLock = 74042027;

export function postgresQueue(config: pg.PoolConfig): QueueStore {
  const pool = new pg.Pool({ ...config, max: 5, connectionTimeoutMillis: 5000 });
  const latestMatch = async (me: Identity): Promise<MatchRow | undefined> => {
    const { rows } = await pool.query(
      `SELECT id, left_user_id, left_username, right_user_id, right_username FROM matches
       WHERE left_user_id = $1 OR right_user_id = $1 ORDER BY created_at DESC LIMIT 1`,
      [me.id],
    );
    const r = rows[0];
    return (
      r && {
        id: r.id,
        left: { id: r.left_user_id, username: r.left_username },
        right: { id: r.right_user_id, username: r.right_username },
      }
    );
  };
  const isWaiting = async (db: pg.Pool | pg.PoolClient, me: Identity) =>
    ((await db.query('SELECT 1 FROM match_queue WHERE user_id = $1', [me.id])).rowCount ?? 0) > 0;
  return {
    join: (me) =>
      inTransaction(
        () => pool.connect(),
        async (client) => {
          await client.query('SELECT pg_advisory_xact_lock($1)', [pairingLock]);
          let ticket: Ticket = { status: 'waiting', player: me.username };
          if (!(await isWaiting(client, me))) {
            const { rows } = await client.query(
              'SELECT user_id, username FROM match_queue WHERE user_id <> $1 ORDER BY joined_at LIMIT 1',
              [me.id],
            );
            if (rows[0]) {
              const match = {
                id: randomUUID(),
                left: { id: rows[0].user_id, username: rows[0].username },
                right: me,
              };
              await client.query('DELETE FROM match_queue WHERE user_id = $1', [match.left.id]);
              await client.query(
                `INSERT INTO matches (id, left_user_id, left_username, right_user_id, right_username)
               VALUES ($1, $2, $3, $4, $5)`,
                [match.id, match.left.id, match.left.username, me.id, me.username],
              );
              ticket = matched(me, match);
            } else {
              await client.query('INSERT INTO match_queue (user_id, username) VALUES ($1, $2)', [
                me.id,
                me.username,
              ]);
            }
          }
          return ticket;
        },
      ),
    async status(me) {
      if (await isWaiting(pool, me)) return { status: 'waiting', player: me.username };
      const match = await latestMatch(me);
      return match && matched(me, match);
    },
    async leave(me) {
      return ((await pool.query('DELETE FROM match_queue WHERE user_id = $1', [me.id])).rowCount ?? 0) > 0;
    },
    async waitingCount() {
      return Number((await pool.query('SELECT count(*) AS n FROM match_queue')).rows[0].n);
    },
    findKey: publishedKeys(pool),
    async ping() {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
}
