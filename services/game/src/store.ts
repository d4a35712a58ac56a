// Where games live: PostgreSQL (table games, with matches read from matchmaking and results written
// when a game ends), so any replica serves any request and a replica's death loses nothing; memory for
// unit tests and runs without a database. Both honour the same contract (src/test/store.test.ts).
// A game is stored as its state at `updatedMs`; readers advance a copy to "now" (the simulation is
// deterministic in time), writers lock the row, advance, change and store it.
import { type GameState, inTransaction, type KeyLookup, publishedKeys } from '@transcendence/common';
import pg from 'pg';
import type { Seat } from './pong.js';

export interface StoredGame {
  state: GameState;
  /** Clock time (ms) the state was advanced to. */
  updatedMs: number;
}

export interface Match {
  id: string;
  seats: [Seat, Seat];
}

export interface Result {
  gameId: string;
  mode: GameState['mode'];
  left: { player: string; score: number };
  right: { player: string; score: number };
  winner: string;
  durationMs: number;
  finishedAt: string;
}

export interface GameStore {
  /** Stores a new game; false if one with its id exists already. */
  create(game: StoredGame): Promise<boolean>;
  load(id: string): Promise<StoredGame | undefined>;
  /**
   * Locks the game, lets `change` advance and modify it, stores what it returns; records the result in
   * the same transaction when the game has just finished. Undefined when there is no such game.
   */
  update<T>(id: string, change: (game: StoredGame) => { game: StoredGame; value: T }): Promise<T | undefined>;
  /** The pairing matchmaking stored under this id, if any. */
  match(id: string): Promise<Match | undefined>;
  /** The user's finished games, newest first. */
  results(userId: string, limit: number): Promise<Result[]>;
  /** Public signing keys, where the store reaches auth's table (PostgreSQL); memory has none. */
  findKey?: KeyLookup;
  ping(): Promise<void>;
  close(): Promise<void>;
}

const clone = (game: StoredGame): StoredGame => structuredClone(game);

function resultOf(state: GameState, finishedAt: Date): Result {
  const { left, right } = state.paddles;
  return {
    gameId: state.id,
    mode: state.mode,
    left: { player: left.player, score: left.score },
    right: { player: right.player, score: right.score },
    winner: state.winner ?? '',
    durationMs: Math.round(state.elapsedMs),
    finishedAt: finishedAt.toISOString(),
  };
}

export function memoryStore(matches: Map<string, Match> = new Map()): GameStore {
  const games = new Map<string, StoredGame>();
  const results: { userIds: string[]; result: Result }[] = [];
  return {
    async create(game) {
      if (games.has(game.state.id)) return false;
      games.set(game.state.id, clone(game));
      return true;
    },
    load: async (id) => {
      const game = games.get(id);
      return game && clone(game);
    },
    async update(id, change) {
      const before = games.get(id);
      if (!before) return undefined;
      const { game, value } = change(clone(before));
      games.set(id, clone(game));
      if (before.state.status === 'playing' && game.state.status === 'finished') {
        const { left, right } = game.state.paddles;
        results.unshift({ userIds: [left.userId, right.userId], result: resultOf(game.state, new Date()) });
      }
      return value;
    },
    match: async (id) => matches.get(id),
    results: async (userId, limit) =>
      results
        .filter((r) => r.userIds.includes(userId))
        .slice(0, limit)
        .map((r) => r.result),
    ping: async () => {},
    close: async () => {},
  };
}

export function postgresStore(config: pg.PoolConfig): GameStore {
  const pool = new pg.Pool({ ...config, max: 10, connectionTimeoutMillis: 5000 });
  const row = (r: { state: GameState; updated_ms: string }): StoredGame => ({
    state: r.state,
    updatedMs: Number(r.updated_ms),
  });
  return {
    async create(game) {
      const result = await pool.query(
        `INSERT INTO games (id, state, updated_ms, status) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`,
        [game.state.id, game.state, game.updatedMs, game.state.status],
      );
      return result.rowCount === 1;
    },
    async load(id) {
      const result = await pool.query('SELECT state, updated_ms FROM games WHERE id = $1', [id]);
      return result.rows[0] && row(result.rows[0]);
    },
    update: (id, change) =>
      inTransaction(
        () => pool.connect(),
        async (client) => {
          const locked = await client.query('SELECT state, updated_ms FROM games WHERE id = $1 FOR UPDATE', [
            id,
          ]);
          if (!locked.rows[0]) return undefined;
          const before = row(locked.rows[0]);
          const { game, value } = change(clone(before));
          const finished = before.state.status === 'playing' && game.state.status === 'finished';
          await client.query(
            `UPDATE games SET state = $2, updated_ms = $3, status = $4,
             finished_at = CASE WHEN $5 THEN now() ELSE finished_at END
           WHERE id = $1`,
            [id, game.state, game.updatedMs, game.state.status, finished],
          );
          if (finished) {
            const { left, right } = game.state.paddles;
            await client.query(
              `INSERT INTO results (game_id, left_user_id, left_username, left_score, right_user_id,
               right_username, right_score, winner, ranked, duration_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
              [
                id,
                left.userId,
                left.player,
                left.score,
                right.userId,
                right.player,
                right.score,
                game.state.winner,
                game.state.mode === 'match',
                Math.round(game.state.elapsedMs),
              ],
            );
          }
          return value;
        },
      ),
    async match(id) {
      const result = await pool.query(
        `SELECT id, left_user_id, left_username, right_user_id, right_username FROM matches WHERE id = $1`,
        [id],
      );
      const m = result.rows[0];
      return (
        m && {
          id: m.id,
          seats: [
            { player: m.left_username, userId: m.left_user_id },
            { player: m.right_username, userId: m.right_user_id },
          ],
        }
      );
    },
    async results(userId, limit) {
      const result = await pool.query(
        `SELECT game_id, ranked, left_username, left_score, right_username, right_score, winner, duration_ms,
           finished_at
         FROM results WHERE left_user_id = $1 OR right_user_id = $1 ORDER BY finished_at DESC LIMIT $2`,
        [userId, limit],
      );
      return result.rows.map((r) => ({
        gameId: r.game_id,
        mode: r.ranked ? 'match' : 'ai',
        left: { player: r.left_username, score: r.left_score },
        right: { player: r.right_username, score: r.right_score },
        winner: r.winner,
        durationMs: Number(r.duration_ms),
        finishedAt: (r.finished_at as Date).toISOString(),
      }));
    },
    findKey: publishedKeys(pool),
    async ping() {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
}
