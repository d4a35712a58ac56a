// Creates games through the game service, reached by its service-discovery name (GAME_URL).
import { HttpError } from '@transcendence/common';
import type { CreateGame } from './queue.js';

export function gameServiceClient(gameUrl: string, timeoutMs = 3000): CreateGame {
  const url = new URL('/games', gameUrl).toString();
  return async (players) => {
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ players }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new HttpError(502, `game service at ${url} unreachable: ${(error as Error).message}`);
    }
    if (res.status !== 201) throw new HttpError(502, `game service answered ${res.status} to POST ${url}`);
    const game = (await res.json()) as { id?: unknown };
    if (typeof game.id !== 'string') throw new HttpError(502, `game service returned no game id from ${url}`);
    return { id: game.id };
  };
}
