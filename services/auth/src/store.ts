// Where accounts, sessions and the public signing keys live: PostgreSQL when DATABASE_URL (or PGHOST, with
// libpq's PG* variables, as terraform/ passes RDS settings) is set, memory otherwise. Both honour
// the same contract (src/test/store.test.ts runs it against each). Sessions are stored by the SHA-256 of
// their token, so a database leak does not leak usable tokens.
import { randomUUID } from 'node:crypto';
import { publishedKeys } from '@transcendence/common';
import pg from 'pg';

export interface User {
  id: string;
  username: string;
}

export interface UserRecord extends User {
  passwordHash: string;
}

export interface Store {
  /** Undefined when the username is taken. */
  createUser(username: string, passwordHash: string): Promise<User | undefined>;
  findUser(username: string): Promise<UserRecord | undefined>;
  createSession(tokenHash: string, userId: string, expiresAt: Date): Promise<void>;
  /** The session's user, if the session exists and has not expired at `now`. */
  findSession(tokenHash: string, now: Date): Promise<User | undefined>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Publishes a replica's public signing key; forgets keys older than `olderThan`. */
  publishKey(kid: string, publicKeyPem: string, olderThan: Date): Promise<void>;
  findKey(kid: string): Promise<string | undefined>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function memoryStore(): Store {
  const users = new Map<string, UserRecord>();
  const sessions = new Map<string, { userId: string; expiresAt: Date }>();
  const keys = new Map<string, { pem: string; createdAt: Date }>();
  const byId = (id: string) => [...users.values()].find((u) => u.id === id);
  return {
    async createUser(username, passwordHash) {
      if (users.has(username)) return undefined;
      const user = { id: randomUUID(), username, passwordHash };
      users.set(username, user);
      return { id: user.id, username };
    },
    findUser: async (username) => users.get(username),
    async createSession(tokenHash, userId, expiresAt) {
      sessions.set(tokenHash, { userId, expiresAt });
    },
    async findSession(tokenHash, now) {
      const session = sessions.get(tokenHash);
      const user = session && session.expiresAt > now ? byId(session.userId) : undefined;
      return user && { id: user.id, username: user.username };
    },
    async deleteSession(tokenHash) {
      sessions.delete(tokenHash);
    },
    async publishKey(kid, pem, olderThan) {
      for (const [id, key] of keys) if (key.createdAt < olderThan) keys.delete(id);
      keys.set(kid, { pem, createdAt: new Date() });
    },
    findKey: async (kid) => keys.get(kid)?.pem,
    ping: async () => {},
    close: async () => {},
  };
}

export function postgresStore(config: pg.PoolConfig): Store {
  const pool = new pg.Pool({ ...config, max: 5, connectionTimeoutMillis: 5000 });
  return {
    async createUser(username, passwordHash) {
      const result = await pool.query<User>(
        `INSERT INTO users (id, username, password_hash) VALUES ($1, $2, $3)
         ON CONFLICT (username) DO NOTHING RETURNING id, username`,
        [randomUUID(), username, passwordHash],
      );
      return result.rows[0];
    },
    async findUser(username) {
      const result = await pool.query<UserRecord>(
        'SELECT id, username, password_hash AS "passwordHash" FROM users WHERE username = $1',
        [username],
      );
      return result.rows[0];
    },
    async createSession(tokenHash, userId, expiresAt) {
      await pool.query('INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)', [
        tokenHash,
        userId,
        expiresAt,
      ]);
    },
    async findSession(tokenHash, now) {
      const result = await pool.query<User>(
        `SELECT u.id, u.username FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.expires_at > $2`,
        [tokenHash, now],
      );
      return result.rows[0];
    },
    async deleteSession(tokenHash) {
      await pool.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
    },
    async publishKey(kid, pem, olderThan) {
      await pool.query('DELETE FROM signing_keys WHERE created_at < $1', [olderThan]);
      await pool.query('INSERT INTO signing_keys (kid, public_key) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
        kid,
        pem,
      ]);
    },
    findKey: publishedKeys(pool),
    async ping() {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
}
