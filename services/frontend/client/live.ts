// A game's live state: over WebSocket (/ws/game/games/:id through the load balancer and the frontend),
// falling back to polling the HTTP API when the socket cannot open or drops before the game ends (and
// going back to a socket when one opens again).
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
  let finished = false;
  let socket: WebSocket | undefined;
  let poller: number | undefined;
  let reconnects = 0;
  const state = (game: GameState) => {
    if (closed) return;
    finished = game.status === 'finished';
    on.state(game);
  };
  const over = () => closed || finished;

  const stopPolling = () => {
    window.clearTimeout(poller);
    poller = undefined;
  };
  const poll = () => {
    if (over() || poller !== undefined) return;
    on.transport('http');
    const tick = async () => {
      try {
        state(await api.game(id));
      } catch (error) {
        on.error((error as Error).message);
      }
      if (!over() && poller !== undefined) poller = window.setTimeout(tick, 100);
    };
    poller = window.setTimeout(tick, 0);
  };

  const connect = () => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/ws/game/games/${encodeURIComponent(id)}`);
    socket = ws;
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: 'auth', token }));
      reconnects = 0;
      stopPolling();
      on.transport('websocket');
    };
    ws.onmessage = (event) => {
      const message = JSON.parse(String(event.data));
      if (message.type === 'state') state(message.game);
      else if (message.type === 'error') on.error(message.error);
    };
    ws.onclose = (event) => {
      if (socket === ws) socket = undefined;
      if (over()) return;
      if (event.code === 4401 || event.code === 4404) return on.error(event.reason || `closed ${event.code}`);
      // Dropped (a replica stopping, a proxy without WebSocket): carry on over HTTP at once, and try the
      // socket again (the load balancer picks another replica) a few times.
      poll();
      if (reconnects < 3) {
        reconnects += 1;
        window.setTimeout(() => over() || connect(), 1000 * reconnects);
      }
    };
  };

  const forced = new URLSearchParams(location.search).get('transport') === 'http';
  if (forced || typeof WebSocket === 'undefined') poll();
  else connect();

  return {
    move(direction, side) {
      if (socket?.readyState === WebSocket.OPEN)
        socket.send(JSON.stringify({ type: 'move', direction, side }));
      else void api.move(id, direction, side).then(state, (e: Error) => on.error(e.message));
    },
    close() {
      closed = true;
      socket?.close(1000);
      stopPolling();
    },
  };
}
