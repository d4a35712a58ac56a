// Live game state over WebSocket (`ws`): the client connects to /games/:id (the frontend maps the ALB's
// /ws/game/… onto it), sends {type:'auth', token} first, then receives {type:'state', game} every
// `tickMs` and may send {type:'move', direction, side?}. Any replica serves any socket: each push
// reads the shared store. Close codes: 4401 not authenticated, 4404 no such game, 1000 game over.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { HttpError, type Identity, type Logger } from '@transcendence/common';
import { type WebSocket, WebSocketServer } from 'ws';
import type { GameRoom } from './room.js';

export interface LiveOptions {
  room: GameRoom;
  who: (token: string) => Promise<Identity>;
  log: Logger;
  tickMs?: number;
  authTimeoutMs?: number;
}

export function liveGames({ room, who, log, tickMs = 50, authTimeoutMs = 5000 }: LiveOptions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });

  function session(ws: WebSocket, id: string) {
    let me: Identity | undefined;
    let ticker: NodeJS.Timeout | undefined;
    let busy = false;
    const send = (message: unknown) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(message));
    const fail = (error: unknown) => {
      if (error instanceof HttpError) {
        if (error.status === 401) return ws.close(4401, error.message.slice(0, 120));
        if (error.status === 404) return ws.close(4404, error.message.slice(0, 120));
        return send({ type: 'error', status: error.status, error: error.message });
      }
      log.error('live game failed', { game: id, error: String(error) });
      ws.close(1011, 'internal error');
    };
    const push = async () => {
      if (busy) return;
      busy = true;
      try {
        const game = await room.current(id);
        send({ type: 'state', game });
        if (game.status === 'finished') {
          clearInterval(ticker);
          ws.close(1000, 'game over');
        }
      } catch (error) {
        clearInterval(ticker);
        fail(error);
      } finally {
        busy = false;
      }
    };
    const deadline = setTimeout(() => ws.close(4401, 'send {type:"auth", token} first'), authTimeoutMs);
    ws.on('close', () => {
      clearTimeout(deadline);
      clearInterval(ticker);
    });
    // One message at a time, in order: a move sent right behind the auth message waits for the token's
    // verification (a call to auth, slow on a busy machine) instead of finding the socket unauthenticated
    // and closing it (4401) — a browser pressing a key as the game starts lost its live channel so.
    let handled = Promise.resolve();
    ws.on('message', (data) => {
      handled = handled.then(() => handle(data));
    });
    const handle = async (data: unknown): Promise<void> => {
      let message: { type?: unknown; token?: unknown; direction?: unknown; side?: unknown };
      try {
        message = JSON.parse(String(data));
      } catch {
        send({ type: 'error', status: 400, error: 'messages are JSON objects' });
        return;
      }
      try {
        if (!me) {
          if (message.type !== 'auth' || typeof message.token !== 'string') {
            throw new HttpError(401, 'send {type:"auth", token} first');
          }
          me = await who(message.token);
          clearTimeout(deadline);
          await push();
          ticker = setInterval(() => void push(), tickMs);
          return;
        }
        if (message.type !== 'move') throw new HttpError(400, "message type must be 'move'");
        send({ type: 'state', game: await room.move(id, me, message.direction, message.side) });
      } catch (error) {
        fail(error);
      }
    };
  }

  return {
    /** The HTTP server's 'upgrade' listener. */
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const match = /^\/games\/([^/]+)$/.exec(path);
      if (!match) {
        socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => session(ws, decodeURIComponent(match[1])));
    },
    get connections() {
      return wss.clients.size;
    },
    /** Ends every socket (the clients reconnect to another replica). */
    closeAll() {
      for (const ws of wss.clients) ws.close(1001, 'server shutting down');
    },
  };
}
