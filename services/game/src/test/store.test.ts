// The GameStore contract, against memory always and against PostgreSQL when DATABASE_URL is set (the
// repository's test/services.test.ts starts a throwaway server, migrates it with auth's migration task
// and sets it).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { createGame } from '../pong.js';
import { type GameStore, type Match, memoryStore, postgresStore } from '../store.js';

const databaseUrl = process.env.DATABASE_URL;
const seat = (player: string) => ({ player, userId: randomUUID() });

function contract(
  name: string,
  open: () => Promise<{ store: GameStore; addMatch(m: Match): Promise<void> }>,
) {
  describe(`${name} store`, {
    skip: name === 'postgresql' && !databaseUrl && 'DATABASE_URL is not set',
  }, () => {
    let store: GameStore;
    let addMatch: (m: Match) => Promise<void>;
    after(() => store?.close());

    test('a game is created once and loads as a copy', async () => {
      ({ store, addMatch } = await open());
      const state = createGame(randomUUID(), [seat('ann'), seat('bob')]);
      assert.equal(await store.create({ state, updatedMs: 1000 }), true);
      assert.equal(await store.create({ state, updatedMs: 2000 }), false);
      const loaded = await store.load(state.id);
      assert.deepEqual(loaded, { state, updatedMs: 1000 });
      assert.equal(await store.load(randomUUID()), undefined);
    });

    test('concurrent updates of one game are serialised: none is lost', async () => {
      const state = createGame(randomUUID(), [seat('ann'), seat('bob')]);
      await store.create({ state, updatedMs: 0 });
      await Promise.all(
        Array.from({ length: 20 }, () =>
          store.update(state.id, (game) => {
            game.state.elapsedMs += 1;
            game.updatedMs += 1;
            return { game, value: undefined };
          }),
        ),
      );
      assert.deepEqual(
        [(await store.load(state.id))?.state.elapsedMs, (await store.load(state.id))?.updatedMs],
        [20, 20],
      );
      assert.equal(await store.update(randomUUID(), (game) => ({ game, value: 1 })), undefined);
    });

    test('an update that throws changes nothing', async () => {
      const state = createGame(randomUUID(), [seat('ann'), seat('bob')]);
      await store.create({ state, updatedMs: 0 });
      await assert.rejects(
        store.update(state.id, (game) => {
          game.state.paddles.left.direction = 1;
          throw new Error('refused');
        }),
        /refused/,
      );
      assert.equal((await store.load(state.id))?.state.paddles.left.direction, 0);
    });

    test('the update that finishes a game records its result once, for both players', async () => {
      const [ann, bob] = [seat('ann'), seat('bob')];
      const state = createGame(randomUUID(), [ann, bob]);
      await store.create({ state, updatedMs: 0 });
      const finish = () =>
        store.update(state.id, (game) => {
          game.state.status = 'finished';
          game.state.paddles.right.score = 5;
          game.state.winner = 'bob';
          game.state.elapsedMs = 31_000;
          return { game, value: undefined };
        });
      await finish();
      await finish();
      for (const who of [ann, bob]) {
        const results = await store.results(who.userId, 10);
        assert.equal(results.length, 1);
        assert.deepEqual(
          { ...results[0], finishedAt: undefined },
          {
            gameId: state.id,
            mode: 'match',
            left: { player: 'ann', score: 0 },
            right: { player: 'bob', score: 5 },
            winner: 'bob',
            durationMs: 31_000,
            finishedAt: undefined,
          },
        );
      }
      assert.deepEqual(await store.results(randomUUID(), 10), []);
    });

    test("matchmaking's pairings are found by id", async () => {
      const m: Match = { id: randomUUID(), seats: [seat('cid'), seat('dan')] };
      await addMatch(m);
      assert.deepEqual(await store.match(m.id), m);
      assert.equal(await store.match(randomUUID()), undefined);
    });
  });
}

contract('memory', async () => {
  const matches = new Map<string, Match>();
  return { store: memoryStore(matches), addMatch: async (m) => void matches.set(m.id, m) };
});

contract('postgresql', async () => {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  return {
    store: postgresStore({ connectionString: databaseUrl }),
    async addMatch(m) {
      await db.query(
        `INSERT INTO matches (id, left_user_id, left_username, right_user_id, right_username)
         VALUES ($1, $2, $3, $4, $5)`,
        [m.id, m.seats[0].userId, m.seats[0].player, m.seats[1].userId, m.seats[1].player],
      );
      await db.end();
    },
  };
});
