import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MatchQueue } from '../queue.js';

function recordingGames() {
  const created: [string, string][] = [];
  const createGame = async (players: [string, string]) => {
    created.push(players);
    return { id: `game-${created.length}` };
  };
  return { created, createGame };
}

test('the first player waits; the second is paired with them and their game is created', async () => {
  const games = recordingGames();
  const queue = new MatchQueue(games.createGame);
  assert.deepEqual(await queue.join('ann'), { status: 'waiting', player: 'ann' });
  const match = await queue.join('bob');
  assert.deepEqual(match, { status: 'matched', player: 'bob', opponent: 'ann', gameId: 'game-1' });
  assert.deepEqual(games.created, [['ann', 'bob']]);
  assert.deepEqual(queue.status('ann'), {
    status: 'matched',
    player: 'ann',
    opponent: 'bob',
    gameId: 'game-1',
  });
  assert.equal(queue.waitingCount, 0);
});

test('players are paired in arrival order and joining twice does not queue twice', async () => {
  const games = recordingGames();
  const queue = new MatchQueue(games.createGame);
  await queue.join('ann');
  await queue.join('ann');
  await queue.join('bob');
  await queue.join('cid');
  await queue.join('dan');
  assert.deepEqual(games.created, [
    ['ann', 'bob'],
    ['cid', 'dan'],
  ]);
});

test('when the game cannot be created the waiting player keeps their place', async () => {
  let fail = true;
  const queue = new MatchQueue(async () => {
    if (fail) throw new Error('game service down');
    return { id: 'g' };
  });
  await queue.join('ann');
  await assert.rejects(queue.join('bob'), /game service down/);
  assert.deepEqual(queue.status('ann'), { status: 'waiting', player: 'ann' });
  fail = false;
  assert.equal((await queue.join('bob')).status, 'matched');
});

test('leaving removes a waiting player', async () => {
  const queue = new MatchQueue(recordingGames().createGame);
  await queue.join('ann');
  assert.equal(queue.leave('ann'), true);
  assert.equal(queue.status('ann'), undefined);
  assert.equal(queue.leave('ann'), false);
});
