// The QueueStore contract, against memory always and against PostgreSQL when DATABASE_URL is set (the
// repository's test/services.test.ts migrates a throwaway server with auth's migration task and sets it).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { memoryQueue, postgresQueue, type QueueStore } from '../queue.js';

const databaseUrl = process.env.DATABASE_URL;
const user = (name: string) => ({ id: randomUUID(), username: `${name}${randomUUID().slice(0, 4)}` });

function contract(name: string, open: () => QueueStore) {
  describe(`${name} queue`, {
    skip: name === 'postgresql' && !databaseUrl && 'DATABASE_URL is not set',
  }, () => {
    const queue = open();
    after(() => queue.close());

    test('the first player waits; the second is paired with them; both see the match', async () => {
      const [ann, bob] = [user('ann'), user('bob')];
      assert.deepEqual(await queue.join(ann), { status: 'waiting', player: ann.username });
      const match = await queue.join(bob);
      assert.equal(match.status, 'matched');
      assert.ok(match.status === 'matched' && match.opponent === ann.username);
      const seen = await queue.status(ann);
      assert.deepEqual(seen, {
        status: 'matched',
        player: ann.username,
        opponent: bob.username,
        gameId: match.status === 'matched' ? match.gameId : '',
      });
    });

    test('players are paired in arrival order; joining twice does not queue twice', async () => {
      const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(user);
      await queue.join(a);
      await queue.join(a);
      const ab = await queue.join(b);
      await queue.join(c);
      const cd = await queue.join(d);
      assert.ok(ab.status === 'matched' && ab.opponent === a.username);
      assert.ok(cd.status === 'matched' && cd.opponent === c.username);
      assert.equal(await queue.waitingCount(), 0);
    });

    test('many players joining at once: every one paired exactly once', async () => {
      const players = Array.from({ length: 10 }, (_, i) => user(`p${i}`));
      const tickets = await Promise.all(players.map((p) => queue.join(p)));
      const games = tickets.flatMap((t) => (t.status === 'matched' ? [t.gameId] : []));
      assert.equal(games.length, 5);
      assert.equal(new Set(games).size, 5);
      const final = await Promise.all(players.map((p) => queue.status(p)));
      assert.ok(final.every((t) => t?.status === 'matched'));
      assert.equal(await queue.waitingCount(), 0);
    });

    test('leaving removes a waiting player; strangers are unknown', async () => {
      const ann = user('ann');
      await queue.join(ann);
      assert.equal(await queue.leave(ann), true);
      assert.equal(await queue.status(ann), undefined);
      assert.equal(await queue.leave(ann), false);
    });
  });
}

contract('memory', memoryQueue);
contract('postgresql', () => postgresQueue({ connectionString: databaseUrl }));
