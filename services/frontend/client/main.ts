// The Pong client: sign up or log in through auth, then play the AI or find an opponent through
// matchmaking; live state over WebSocket (HTTP polling as the fallback), paddle moves, stored results.
import { api, type GameState, type Result } from './api.js';
import { type Channel, openChannel } from './live.js';
import { createScene } from './scene.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $<HTMLSpanElement>('status');
const score = $<HTMLSpanElement>('score');
const draw = createScene(document.body);

let current: { id: string; vsAi: boolean; channel: Channel; aiAt: number } | undefined;
let sentDirection: -1 | 0 | 1 = 0;

function showAccount() {
  const session = api.session();
  $('account').hidden = Boolean(session);
  $('hud').hidden = !session;
  $('me').textContent = session ? `signed in as ${session.user.username}` : '';
  if (session) void showResults();
}

async function showResults() {
  const list = $('results');
  const results: Result[] = await api.results().catch(() => []);
  list.replaceChildren(
    ...results.slice(0, 5).map((r) => {
      const item = document.createElement('li');
      item.dataset.gameId = r.gameId;
      item.textContent = `${r.left.player} ${r.left.score} : ${r.right.score} ${r.right.player} · ${r.winner} won${r.mode === 'ai' ? ' (practice)' : ''}`;
      return item;
    }),
  );
}

async function account(action: 'login' | 'signup') {
  const username = $<HTMLInputElement>('username').value;
  const password = $<HTMLInputElement>('password').value;
  const note = $('account-status');
  try {
    if (action === 'signup') await api.signup(username, password);
    await api.login(username, password);
    note.textContent = '';
    showAccount();
  } catch (error) {
    note.textContent = (error as Error).message;
  }
}

$<HTMLFormElement>('account').onsubmit = (event) => {
  event.preventDefault();
  void account('login');
};
$('signup').onclick = () => void account('signup');
$('logout').onclick = async () => {
  current?.channel.close();
  current = undefined;
  await api.logout();
  showAccount();
};

// Drawing waits for the next animation frame (none in a hidden tab), so states arriving faster than the
// screen refreshes cost nothing; the game logic below runs on every state.
let latest: GameState | undefined;
let frame = 0;
function render(game: GameState) {
  latest = game;
  if (frame === 0) {
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (latest) draw(latest);
    });
  }
  score.textContent = `${game.paddles.left.score} : ${game.paddles.right.score}`;
  if (!current) return;
  if (current.vsAi && game.status === 'playing' && performance.now() - current.aiAt > 100) {
    current.aiAt = performance.now();
    const channel = current.channel;
    void api.aiMove(game, 'right').then(
      (move) => {
        if (move.direction !== game.paddles.right.direction) channel.move(move.direction, 'right');
      },
      () => {},
    );
  }
  if (game.status === 'finished') {
    status.textContent = `${game.winner} wins`;
    document.body.dataset.finished = game.id;
    current.channel.close();
    current = undefined;
    void showResults();
  }
}

function play(id: string, vsAi: boolean) {
  const session = api.session();
  if (!session) return showAccount();
  current?.channel.close();
  sentDirection = 0;
  delete document.body.dataset.finished;
  document.body.dataset.game = id;
  status.textContent = 'playing: ↑/↓ to move';
  const channel = openChannel(id, session.token, {
    state: render,
    transport: (t) => {
      $('transport').textContent = t === 'websocket' ? 'live: WebSocket' : 'live: HTTP polling';
    },
    error: (message) => {
      status.textContent = message;
    },
  });
  current = { id, vsAi, channel, aiAt: 0 };
}

async function start(find: () => Promise<{ id: string; vsAi: boolean }>) {
  try {
    status.textContent = 'starting…';
    const { id, vsAi } = await find();
    play(id, vsAi);
  } catch (error) {
    status.textContent = (error as Error).message;
  }
}

$('play-ai').onclick = () => start(async () => ({ id: (await api.practice()).id, vsAi: true }));
$('play-online').onclick = () =>
  start(async () => {
    const me = api.session()?.user.username ?? '';
    let ticket = await api.queue();
    while (!ticket.gameId) {
      status.textContent = 'waiting for an opponent…';
      await new Promise((r) => setTimeout(r, 500));
      ticket = await api.ticket(me);
    }
    return { id: ticket.gameId, vsAi: false };
  });

const keys = new Set<string>();
const steer = () => {
  const direction = keys.has('ArrowUp') ? -1 : keys.has('ArrowDown') ? 1 : 0;
  if (current && direction !== sentDirection) {
    sentDirection = direction;
    current.channel.move(direction, current.vsAi ? 'left' : undefined);
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

showAccount();
