// The Pong client: finds or creates a game through the backends, polls its state, sends paddle moves.
import { api, type GameState } from './api.js';
import { createScene } from './scene.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $<HTMLSpanElement>('status');
const score = $<HTMLSpanElement>('score');
const draw = createScene(document.body);

let current: { id: string; me: string; vsAi: boolean } | undefined;
let sentDirection: -1 | 0 | 1 = 0;

function playerName(): string {
  const input = $<HTMLInputElement>('name');
  input.value ||= `player-${Math.floor(Math.random() * 10_000)}`;
  return input.value;
}

async function start(play: () => Promise<string>, vsAi: boolean) {
  try {
    const me = playerName();
    status.textContent = 'starting…';
    const id = await play();
    current = { id, me, vsAi };
    status.textContent = 'playing: ↑/↓ to move';
  } catch (error) {
    status.textContent = (error as Error).message;
  }
}

$('play-ai').onclick = () => start(async () => (await api.createGame([playerName(), 'ai'])).id, true);
$('play-online').onclick = () =>
  start(async () => {
    const me = playerName();
    let ticket = await api.queue(me);
    while (!ticket.gameId) {
      status.textContent = 'waiting for an opponent…';
      await new Promise((r) => setTimeout(r, 1000));
      ticket = await api.ticket(me);
    }
    return ticket.gameId;
  }, false);

const keys = new Set<string>();
const steer = () => {
  const direction = keys.has('ArrowUp') ? -1 : keys.has('ArrowDown') ? 1 : 0;
  if (current && direction !== sentDirection) {
    sentDirection = direction;
    void api.move(current.id, current.me, direction);
  }
};
window.addEventListener('keydown', (e) => {
  keys.add(e.key);
  steer();
});
window.addEventListener('keyup', (e) => {
  keys.delete(e.key);
  steer();
});

async function tick() {
  if (current) {
    const game: GameState = await api.game(current.id);
    draw(game);
    score.textContent = `${game.paddles.left.score} : ${game.paddles.right.score}`;
    if (current.vsAi && game.status === 'playing') {
      const move = await api.aiMove(game, 'right');
      if (move.direction !== game.paddles.right.direction) await api.move(current.id, 'ai', move.direction);
    }
    if (game.status === 'finished') {
      status.textContent = `${game.winner} wins`;
      current = undefined;
    }
  }
  setTimeout(() => void tick().catch((e) => (status.textContent = String(e))), 50);
}
void tick();
