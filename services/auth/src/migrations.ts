// The database's schema, as ordered migrations: auth's pre-deploy task (node dist/migrate.js, run with
// run-task before any service is updated) applies them for every service that shares the database
// (game and matchmaking keep their state here too, so any replica serves any request). Each runs once,
// in a transaction, recorded in schema_migrations; a lock keeps two tasks migrating at once (two deploys
// racing) from both applying one. Migrations only add: the revision still serving keeps working.
import type pg from 'pg';

export const migrations: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'users and sessions',
    sql: `
      CREATE TABLE users (
        id uuid PRIMARY KEY,
        username text NOT NULL UNIQUE,
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE sessions (
        token_hash text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX sessions_user_id ON sessions (user_id);`,
  },
  {
    version: 2,
    name: 'signing keys',
    // Public halves only: each auth replica keeps its private key in memory.
    sql: `
      CREATE TABLE signing_keys (
        kid text PRIMARY KEY,
        public_key text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );`,
  },
  {
    version: 3,
    name: 'matchmaking queue, matches, games and results',
    sql: `
      CREATE TABLE match_queue (
        user_id uuid PRIMARY KEY,
        username text NOT NULL,
        joined_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE TABLE matches (
        id uuid PRIMARY KEY,
        left_user_id uuid NOT NULL,
        left_username text NOT NULL,
        right_user_id uuid NOT NULL,
        right_username text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX matches_left ON matches (left_user_id, created_at DESC);
      CREATE INDEX matches_right ON matches (right_user_id, created_at DESC);
      CREATE TABLE games (
        id uuid PRIMARY KEY,
        state jsonb NOT NULL,
        updated_ms bigint NOT NULL,
        status text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      );
      CREATE TABLE results (
        game_id uuid PRIMARY KEY REFERENCES games (id),
        left_user_id text NOT NULL,
        left_username text NOT NULL,
        left_score integer NOT NULL,
        right_user_id text NOT NULL,
        right_username text NOT NULL,
        right_score integer NOT NULL,
        winner text NOT NULL,
        ranked boolean NOT NULL,
        duration_ms bigint NOT NULL,
        finished_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX results_left ON results (left_user_id, finished_at DESC);
      CREATE INDEX results_right ON results (right_user_id, finished_at DESC);`,
  },
];

const lockId = 74042026;

/** Applies the migrations not yet applied; returns the versions it applied. */
export async function migrate(client: pg.ClientBase): Promise<number[]> {
  await client.query('SELECT pg_advisory_lock($1)', [lockId]);
  try {
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set(
      (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
        (r) => r.version,
      ),
    );
    const applied: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      applied.push(migration.version);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [lockId]);
  }
}
