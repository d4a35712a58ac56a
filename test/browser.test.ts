// The browser test: Debian's chromium plays Transcendence against the services started on this machine
// (node processes, a throwaway PostgreSQL, the frontend as the single entry point the load balancer
// would be). The demo runs the same playTwoPlayers against the emulated load balancer.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { browserMissing, playReportMarkdown, playTwoPlayers } from './browser/play.js';
import {
  buildAll,
  type LocalSystem,
  type Postgres,
  postgresMissing,
  startPostgres,
  startSystem,
} from './helpers/transcendence.js';

const root = path.resolve(import.meta.dirname, '..');
const missing = browserMissing() ?? postgresMissing();

describe('a browser plays a game to its end', () => {
  let pg: Postgres | undefined;
  let sys: LocalSystem | undefined;
  beforeAll(async () => {
    if (missing) return;
    await buildAll();
    pg = await startPostgres();
    sys = await startSystem(pg.url, 2);
  }, 240_000);
  afterAll(async () => {
    await sys?.stop();
    await pg?.stop();
  });

  it('two players sign up, queue, play to the end (WebSocket and HTTP fallback), and find the result stored', async () => {
    if (!sys || !pg) return console.warn(`skipped: ${missing}`);
    const report = await playTwoPlayers({
      baseUrl: sys.baseUrl,
      screenshotsDir: path.join(root, '.cendence', 'demo', 'browser'),
    });
    console.log(
      `browser game: ${report.players.join(' vs ')} ${report.score}, ${report.winner} won; ` +
        `game ${report.storedDurationMs} ms as stored (${report.gameMs} ms seen in the browser), ` +
        `whole run ${report.totalMs} ms; ${report.transports.join(' / ')}`,
    );
    // One tab on the WebSocket, the other on the HTTP fallback, in the same game.
    expect(report.transports).toEqual(['live: WebSocket', 'live: HTTP polling']);
    expect(report.players).toContain(report.winner);
    expect(report.score).toMatch(/^(5 : [0-4]|[0-4] : 5)$/);
    for (const line of report.results) expect(line).toContain(`${report.winner} won`);
    const stored = await pg.psql(
      `SELECT left_username || ' ' || left_score || ':' || right_score || ' ' || right_username || ' ' || winner
       FROM results WHERE game_id = '${report.gameId}'`,
    );
    const [left, right] = report.players;
    expect(stored.trim()).toBe(`${left} ${report.score.replace(/ /g, '')} ${right} ${report.winner}`);
    expect(report.screenshots).toHaveLength(6);
    expect(report.storedDurationMs).toBeGreaterThan(1000);
    const markdown = playReportMarkdown(report, path.join(root, '.cendence', 'demo'));
    expect(markdown).toContain('![1-signed-up](browser/1-signed-up.png)');
    expect(markdown).toContain(`**${report.winner}** won`);
  }, 300_000);
});
