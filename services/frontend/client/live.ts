// A game's live state: over WebSocket (/ws/game/games/:id through the load balancer and the frontend),
// falling back to polling the HTTP API when the socket cannot open or drops before the game ends.
// `?transport=http` in the page URL forces the fallback.
import { api, type GameState } from './api.js';

export type Transport = 'websocket' | 'http';

export interface Channel {
  move(direction: -1 | 0 | 1, side?: 'left' | 'right'): void;
  close(): void;
}

export function openChannel(
  id: string,
  token: string,
  on: { state(game: GameState): void; transport(t: Transport): void; error(message: string): void },
): Channel {
  let closed = false;
  let socket: WebSocket | undefined;
  let poller: number | undefined;
  let finished = false;
  const state = (game: GameState) => {
    if (closed) return;
    finished = game.status === 'finished';
    on.state(game);
  };

  const poll = () => {
    if (closed || poller !== undefined) return;
    socket = undefined;
    on.transport('http');
    const tick = async () => {
      try {
        const game = await api.game(id);
        state(game);
        if (finished) return;
      } catch (error) {
        on.error((error as Error).message);
      }
      if (!closed) poller = window.setTimeout(tick, 100);
    };
    poller = window.setTimeout(tick, 0);
  };

  const forced = new URLSearchParams(location.search).get('transport') === 'http';
  if (forced || typeof WebSocket === 'undefined') poll();
  else {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/ws/game/games/${encodeURIComponent(id)}`);
    socket = ws;
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: 'auth', token }));
      on.transport('websocket');
    };
    ws.onmessage = (event) => {
      const message = JSON.parse(String(event.data));
      if (message.type === 'state') state(message.game);
      else if (message.type === 'error') on.error(message.error);
    };
    ws.onclose = (event) => {
      if (closed || finished) return;
      if (event.code === 4401 || event.code === 4404) return on.error(event.reason || `closed ${event.code}`);
      poll(); // dropped (a replica stopping, a proxy without WebSocket): carry on over HTTP
    };
  }

  return {
    move(direction, side) {
      if (socket?.readyState === WebSocket.OPEN)
        socket.send(JSON.stringify({ type: 'move', direction, side }));
      else void api.move(id, direction, side).then(state, (e: Error) => on.error(e.message));
    },
    close() {
      closed = true;
      socket?.close(1000);
      window.clearTimeout(poller);
    },
  };
}
