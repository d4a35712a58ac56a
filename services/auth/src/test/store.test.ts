// The Store contract, run against memory always and against PostgreSQL when DATABASE_URL is set (the
// repository's test/services.test.ts starts a throwaway PostgreSQL server and sets it).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { migrate } from '../migrations.js';
import { memoryStore, postgresStore, type Store } from '../store.js';

const databaseUrl = process.env.DATABASE_URL;

function contract(name: string, open: () => Promise<Store>, options: { skip?: string } = {}) {
  describe(`${name} store`, { skip: options.skip }, () => {
    let store: Store;
    const unique = () => `u${randomUUID().slice(0, 8)}`;
    after(() => store?.close());

    test('creates a user once; the same name again is refused', async () => {
      store = await open();
      const username = unique();
      const user = await store.createUser(username, 'hash-1');
      assert.equal(user?.username, username);
      assert.equal(await store.createUser(username, 'hash-2'), undefined);
      assert.deepEqual(await store.findUser(username), { id: user?.id, username, passwordHash: 'hash-1' });
      assert.equal(await store.findUser(unique()), undefined);
    });

    test('a session resolves to its user until it expires or is deleted', async () => {
      const user = await store.createUser(unique(), 'hash');
      assert.ok(user);
      const expiresAt = new Date('2030-01-01T00:00:00Z');
      await store.createSession('token-hash-a', user.id, expiresAt);
      assert.deepEqual(await store.findSession('token-hash-a', new Date('2029-12-31T23:59:59Z')), user);
      assert.equal(await store.findSession('token-hash-a', expiresAt), undefined);
      await store.deleteSession('token-hash-a');
      assert.equal(await store.findSession('token-hash-a', new Date('2029-01-01T00:00:00Z')), undefined);
    });

    test('published public keys are found by id; old ones are pruned by the next publication', async () => {
      const kid = unique();
      await store.publishKey(kid, 'PEM-1', new Date('2000-01-01T00:00:00Z'));
      assert.equal(await store.findKey(kid), 'PEM-1');
      assert.equal(await store.findKey(unique()), undefined);
      await store.publishKey(unique(), 'PEM-2', new Date(Date.now() + 60_000));
      assert.equal(await store.findKey(kid), undefined);
    });

    test('ping answers', async () => {
      await store.ping();
    });
  });
}

contract('memory', async () => memoryStore());

contract(
  'postgresql',
  async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await migrate(client);
      // Running again applies nothing: the pre-deploy task is safe to repeat.
      assert.deepEqual(await migrate(client), []);
      const tables = await client.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
      );
      assert.deepEqual(
        tables.rows.map((r) => r.table_name),
        [
          'games',
          'match_queue',
          'matches',
          'results',
          'schema_migrations',
          'sessions',
          'signing_keys',
          'users',
        ],
      );
    } finally {
      await client.end();
    }
    return postgresStore({ connectionString: databaseUrl });
  },
  { skip: databaseUrl ? undefined : 'DATABASE_URL is not set' },
);
