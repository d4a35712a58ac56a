// A real browser plays Transcendence: Debian's chromium, driven by playwright-core over the DevTools
// protocol (the library never downloads a browser of its own). Two players sign up in two tabs, queue,
// play a game to its end with the keyboard, and find its result stored; screenshots along the way.
// Runs against any base URL: the services started locally, or the load balancer of a deployed system
// (the demo calls playTwoPlayers with the emulator's ALB URL).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';

/** The flags the browser starts with (playwright adds --headless and the --user-data-dir it is given). */
export const chromiumFlags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why the browser test cannot run here, or undefined when it can. */
export function browserMissing(executablePath = chromiumPath): string | undefined {
  return existsSync(executablePath) ? undefined : `${executablePath} not found (apt-get install chromium)`;
}

export interface PlayOptions {
  baseUrl: string;
  /** Where the PNG screenshots go (created if missing). */
  screenshotsDir: string;
  executablePath?: string;
  /** Usernames are made unique with this suffix (default: a timestamp). */
  suffix?: string;
  /** Whole run, including the game (default 120 s). */
  timeoutMs?: number;
  /**
   * How each tab follows the game: 'websocket' (the client's default, /ws/ through the load balancer) or
   * 'http' (its fallback, polling /api/, forced with ?transport=http). Default: one of each.
   */
  transports?: ['websocket' | 'http', 'websocket' | 'http'];
  /**
   * A browser started earlier (launchBrowser), so its start overlaps other work; playTwoPlayers closes
   * it. Default: one is started here.
   */
  browser?: Promise<Browser>;
}

/** A headless chromium with a throwaway profile. */
export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Starts Debian's chromium with a fresh profile directory (removed again by close). */
export async function launchBrowser(executablePath = chromiumPath): Promise<Browser> {
  const profile = await mkdtemp(path.join(tmpdir(), 'cendence-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: chromiumFlags,
      viewport: { width: 960, height: 600 },
      // Chromium's first start on a 2-core runner busy with other suites' image builds took over 30 s in CI.
      timeout: 90_000,
    });
    return {
      context,
      async close() {
        await context.close();
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(profile, { recursive: true, force: true });
    throw err;
  }
}

export interface PlayReport {
  players: [string, string];
  gameId: string;
  winner: string;
  score: string;
  /** Both tabs' transport once the game started, as the page shows it ('live: WebSocket', 'live: HTTP polling'). */
  transports: [string, string];
  /** From the first key press to the end shown in both tabs (wall clock, browser side). */
  gameMs: number;
  /** The game's own length as the game service stored it. */
  storedDurationMs: number;
  totalMs: number;
  /** Milliseconds from the start at which each stage ended (browser started, signed up, paired, …). */
  timeline: Record<string, number>;
  /** The result lines both players see after the game, read back from the game service's store. */
  results: [string, string];
  screenshots: string[];
}

export async function playTwoPlayers(options: PlayOptions): Promise<PlayReport> {
  const started = Date.now();
  const timeout = options.timeoutMs ?? 120_000;
  const suffix = options.suffix ?? Date.now().toString(36);
  const players: [string, string] = [`ann-${suffix}`, `bob-${suffix}`];
  const timeline: Record<string, number> = {};
  const mark = (stage: string) => {
    timeline[stage] = Date.now() - started;
  };
  await mkdir(options.screenshotsDir, { recursive: true });
  const browser = await (options.browser ?? launchBrowser(options.executablePath));
  const { context } = browser;
  mark('browser started');
  const screenshots: string[] = [];
  const shoot = async (page: Page, name: string) => {
    const file = path.join(options.screenshotsDir, `${name}.png`);
    await page.screenshot({ path: file });
    screenshots.push(file);
  };
  try {
    context.setDefaultTimeout(timeout);
    const pages = [await context.newPage(), await context.newPage()];
    const problems: string[] = [];
    for (const page of pages) page.on('pageerror', (error) => problems.push(error.message));

    // Both sign up (which logs in) at once, as two people would, each in their tab: the session token
    // lives in that tab's sessionStorage.
    const modes = options.transports ?? ['websocket', 'http'];
    await Promise.all(
      pages.map(async (page, i) => {
        const url = new URL(options.baseUrl);
        if (modes[i] === 'http') url.searchParams.set('transport', 'http');
        await page.goto(url.toString());
        mark(`${players[i]} page loaded`);
        await page.fill('#username', players[i]);
        await page.fill('#password', `${players[i]}-secret`);
        await page.click('#signup');
        await page.waitForSelector('#hud:not([hidden])');
        mark(`${players[i]} signed up`);
      }),
    );
    await shoot(pages[0], '1-signed-up');

    // Both queue; the second is paired with the first and both tabs open the game's live socket.
    await pages[0].click('#play-online');
    await pages[0].waitForFunction(
      () => document.getElementById('status')?.textContent?.includes('waiting'),
      undefined,
      { polling: 100 },
    );
    await shoot(pages[0], '2-waiting-for-opponent');
    await pages[1].click('#play-online');
    for (const page of pages)
      await page.waitForFunction(() => document.getElementById('transport')?.textContent);
    const transports = (await Promise.all(pages.map((p) => p.textContent('#transport')))) as [string, string];
    mark('paired, game live');

    // Play: each holds an arrow key; the game service must see both paddles move (each player's own,
    // one through the socket, one through the HTTP API) before the keys are released.
    const gameStart = Date.now();
    const playing = await pages[0].evaluate(() => document.body.dataset.game ?? '');
    await pages[0].keyboard.down('ArrowUp');
    await pages[1].keyboard.down('ArrowDown');
    await pages[0].waitForFunction(
      async (id) => {
        const { token } = JSON.parse(sessionStorage.getItem('transcendence.session') ?? '{}');
        const res = await fetch(`/api/game/games/${id}`, { headers: { authorization: `Bearer ${token}` } });
        const game = await res.json();
        return game.paddles?.left.direction === -1 && game.paddles?.right.direction === 1;
      },
      playing,
      { polling: 100 },
    );
    await shoot(pages[1], '3-playing-bob');
    await pages[0].keyboard.up('ArrowUp');
    await pages[1].keyboard.up('ArrowDown');
    await pages[0].bringToFront();
    await shoot(pages[0], '3-playing-ann');
    const gameIds = await Promise.all(
      pages.map((p) =>
        p
          .waitForFunction(() => document.body.dataset.finished, undefined, { polling: 100 })
          .then((handle) => handle.jsonValue() as Promise<string>),
      ),
    );
    const gameMs = Date.now() - gameStart;
    mark('game over');
    if (gameIds[0] !== gameIds[1])
      throw new Error(`the tabs played different games: ${gameIds.join(' vs ')}`);
    const gameId = gameIds[0];
    const status = (await pages[0].textContent('#status')) ?? '';
    const score = (await pages[0].textContent('#score')) ?? '';

    // The result as stored: both tabs list it (GET /api/game/results reads the database).
    const results = (await Promise.all(
      pages.map(async (p) => {
        const item = p.locator(`#results li[data-game-id="${gameId}"]`);
        await item.waitFor();
        return (await item.textContent()) ?? '';
      }),
    )) as [string, string];
    await shoot(pages[0], '4-finished-ann');
    await pages[1].bringToFront();
    await shoot(pages[1], '4-finished-bob');
    // The stored result through the API, with the token the page holds.
    const stored = await pages[0].evaluate(async (id) => {
      const { token } = JSON.parse(sessionStorage.getItem('transcendence.session') ?? '{}');
      const res = await fetch('/api/game/results', { headers: { authorization: `Bearer ${token}` } });
      return ((await res.json()) as { gameId: string; durationMs: number }[]).find((r) => r.gameId === id);
    }, gameId);
    if (!stored) throw new Error(`game ${gameId} is not among the stored results`);
    if (problems.length) throw new Error(`the page failed: ${problems.join('; ')}`);
    mark('result stored');
    return {
      players,
      gameId,
      winner: status.replace(/ wins$/, ''),
      score,
      transports,
      gameMs,
      storedDurationMs: stored.durationMs,
      totalMs: Date.now() - started,
      timeline,
      results,
      screenshots,
    };
  } finally {
    await browser.close();
  }
}

/** Markdown lines for a report in `reportDir` (the demo's .cendence/demo/), screenshots linked relatively. */
export function playReportMarkdown(report: PlayReport, reportDir: string): string {
  const [left, right] = report.players;
  return [
    `A real browser (Debian chromium, headless) played Transcendence: ${left} vs ${right}, ` +
      `${report.score}, **${report.winner}** won; game ${(report.storedDurationMs / 1000).toFixed(1)} s as stored, ` +
      `whole run ${(report.totalMs / 1000).toFixed(1)} s; transport ${report.transports.join(' / ')}.`,
    `Timeline: ${Object.entries(report.timeline)
      .map(([stage, ms]) => `${stage} ${(ms / 1000).toFixed(1)} s`)
      .join(' · ')}.`,
    `Stored result seen by both players: \`${report.results[0]}\``,
    '',
    ...report.screenshots.map(
      (file) => `![${path.basename(file, '.png')}](${path.relative(reportDir, file)})`,
    ),
  ].join('\n');
}

// By hand, against any running system: `npx tsx test/browser/play.ts <base-url> [screenshots-dir]`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [baseUrl, dir = '.cendence/demo/browser'] = process.argv.slice(2);
  if (!baseUrl) {
    console.error('usage: tsx test/browser/play.ts <base-url> [screenshots-dir]');
    process.exit(2);
  }
  const missing = browserMissing();
  if (missing) {
    console.error(missing);
    process.exit(2);
  }
  const report = await playTwoPlayers({ baseUrl, screenshotsDir: path.resolve(dir) });
  console.log(playReportMarkdown(report, path.resolve(dir, '..')));
}
