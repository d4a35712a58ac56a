// The Pong game state as the game service sends it and the AI and the client read it.
export interface Vec {
  x: number;
  y: number;
}

export type Side = 'left' | 'right';

export interface Paddle {
  /** Display name (the username, or 'ai'). */
  player: string;
  /** Who may move this paddle: the user id from their session token. */
  userId: string;
  /** Centre of the paddle along y. */
  y: number;
  /** -1 up, 0 still, 1 down. */
  direction: -1 | 0 | 1;
  score: number;
}

export interface GameState {
  id: string;
  /** 'match': two players paired by matchmaking (scores count); 'ai': practice against the AI. */
  mode: 'match' | 'ai';
  status: 'playing' | 'finished';
  /** Field size; x grows to the right, y downwards, origin top-left. */
  width: number;
  height: number;
  paddleHeight: number;
  ball: Vec & { vx: number; vy: number };
  paddles: Record<Side, Paddle>;
  winner?: string;
  /** Simulated milliseconds since the game started. */
  elapsedMs: number;
}
