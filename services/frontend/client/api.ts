// The backends as the browser sees them: /api/<service>/… on the frontend's origin, with the session
// token auth signed in the Authorization header (kept in sessionStorage: one login per tab).
import type { GameState } from '@transcendence/common';

export type { GameState };

export interface Session {
  token: string;
  user: { id: string; username: string };
}

export interface Result {
  gameId: string;
  mode: 'match' | 'ai';
  left: { player: string; score: number };
  right: { player: string; score: number };
  winner: string;
  durationMs: number;
}

const storageKey = 'transcendence.session';

export function savedSession(): Session | undefined {
  const saved = sessionStorage.getItem(storageKey);
  return saved ? (JSON.parse(saved) as Session) : undefined;
}

let session = savedSession();

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (session) headers.authorization = `Bearer ${session.token}`;
  const res = await fetch(`/api${path}`, { ...init, headers });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error ?? `${res.status} from ${path}`);
  return body as T;
}

const post = <T>(path: string, body: unknown) =>
  call<T>(path, { method: 'POST', body: JSON.stringify(body) });

export const api = {
  session: () => session,
  signup: (username: string, password: string) => post('/auth/signup', { username, password }),
  async login(username: string, password: string): Promise<Session> {
    session = await post<Session>('/auth/login', { username, password });
    sessionStorage.setItem(storageKey, JSON.stringify(session));
    return session;
  },
  async logout() {
    await post('/auth/logout', {}).catch(() => {});
    session = undefined;
    sessionStorage.removeItem(storageKey);
  },
  practice: () => post<GameState>('/game/games', { opponent: 'ai' }),
  game: (id: string) => call<GameState>(`/game/games/${id}`),
  move: (id: string, direction: -1 | 0 | 1, side?: 'left' | 'right') =>
    post<GameState>(`/game/games/${id}/moves`, { direction, side }),
  results: () => call<Result[]>('/game/results'),
  aiMove: (game: GameState, side: 'left' | 'right') =>
    post<{ direction: -1 | 0 | 1 }>('/ai/move', { game, side }),
  queue: () => post<{ status: string; gameId?: string }>('/matchmaking/queue', {}),
  ticket: (player: string) => call<{ status: string; gameId?: string }>(`/matchmaking/queue/${player}`),
};
