// The backends as the browser sees them: /api/<service>/… on the frontend's origin.
import type { GameState } from '@transcendence/common';

export type { GameState };

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`/api${path}`, { headers: { 'content-type': 'application/json' }, ...init });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ?? `${res.status} from ${path}`);
  return body as T;
}

const post = <T>(path: string, body: unknown) =>
  call<T>(path, { method: 'POST', body: JSON.stringify(body) });

export const api = {
  createGame: (players: [string, string]) => post<GameState>('/game/games', { players }),
  game: (id: string) => call<GameState>(`/game/games/${id}`),
  move: (id: string, player: string, direction: -1 | 0 | 1) =>
    post<GameState>(`/game/games/${id}/moves`, { player, direction }),
  aiMove: (game: GameState, side: 'left' | 'right') =>
    post<{ direction: -1 | 0 | 1 }>('/ai/move', { game, side }),
  queue: (player: string) => post<{ status: string; gameId?: string }>('/matchmaking/queue', { player }),
  ticket: (player: string) => call<{ status: string; gameId?: string }>(`/matchmaking/queue/${player}`),
};
