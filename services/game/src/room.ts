// The game rules over a GameStore: what any replica does to read a game, move a paddle or start a
// practice game. Reads advance a copy to "now" and only write (under the row lock) when the game has
// just ended or its stored state is more than `checkpointMs` old; moves always write.
import { randomUUID } from 'node:crypto';
import { type GameState, HttpError, type Identity, type Side } from '@transcendence/common';
import { advance, createGame, sidesOf } from './pong.js';
import type { GameStore, StoredGame } from './store.js';

export type Direction = -1 | 0 | 1;

export function gameRoom(store: GameStore, now: () => number, checkpointMs = 1000) {
  const advanceTo = (game: StoredGame, t: number): StoredGame => {
    const at = Math.max(t, game.updatedMs);
    advance(game.state, at - game.updatedMs);
    game.updatedMs = at;
    return game;
  };

  /** The stored game, made from matchmaking's pairing on first sight (the clock starts then). */
  async function stored(id: string): Promise<StoredGame> {
    const found = await store.load(id);
    if (found) return found;
    const match = await store.match(id);
    if (!match) throw new HttpError(404, `no game '${id}'`);
    await store.create({ state: createGame(id, match.seats, 'match'), updatedMs: now() });
    const made = await store.load(id);
    if (!made) throw new Error(`game ${id} vanished after it was created`);
    return made;
  }

  async function current(id: string): Promise<GameState> {
    const game = await stored(id);
    if (game.state.status !== 'playing') return game.state;
    const t = now();
    const stale = t - game.updatedMs >= checkpointMs;
    const view = advanceTo(game, t).state;
    if (view.status === 'playing' && !stale) return view;
    const written = await store.update(id, (g) => ({ game: advanceTo(g, t), value: g.state }));
    return written ?? view;
  }

  async function move(id: string, me: Identity, direction: unknown, side?: unknown): Promise<GameState> {
    if (direction !== -1 && direction !== 0 && direction !== 1) {
      throw new HttpError(400, "'direction' must be -1 (up), 0 (stop) or 1 (down)");
    }
    if (side !== undefined && side !== 'left' && side !== 'right') {
      throw new HttpError(400, "'side' must be 'left' or 'right'");
    }
    await stored(id);
    const t = now();
    const state = await store.update(id, (game) => {
      advanceTo(game, t);
      const mine = sidesOf(game.state, me.id);
      if (mine.length === 0) throw new HttpError(403, `you (${me.username}) do not play in game '${id}'`);
      if (game.state.status !== 'playing') throw new HttpError(409, `game '${id}' is ${game.state.status}`);
      if (side === undefined && mine.length > 1)
        throw new HttpError(400, "'side' must say which paddle to move");
      const chosen: Side = (side as Side | undefined) ?? mine[0];
      if (!mine.includes(chosen)) throw new HttpError(403, `the ${chosen} paddle is not yours to move`);
      game.state.paddles[chosen].direction = direction;
      return { game, value: game.state };
    });
    if (!state) throw new HttpError(404, `no game '${id}'`);
    return state;
  }

  /** A practice game against the AI: the caller's client steers both paddles (the right one for the AI). */
  async function practice(me: Identity): Promise<GameState> {
    const state = createGame(
      randomUUID(),
      [
        { player: me.username, userId: me.id },
        { player: 'ai', userId: me.id },
      ],
      'ai',
    );
    await store.create({ state, updatedMs: now() });
    return state;
  }

  return { current, move, practice, results: (me: Identity) => store.results(me.id, 20) };
}

export type GameRoom = ReturnType<typeof gameRoom>;
