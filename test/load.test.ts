// harness/load.ts against a real local server whose answers change while the action runs: the
// figures count what the clients saw (statuses, dropped connections, the revision header) and the
// load stops with the action.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { describeLoad, measureDuring } from '../harness/load.js';

let mode: 'v1' | 'v2-broken' | 'drop' = 'v1';
let forwarded: Record<string, number> = {};
const server = http.createServer((req, res) => {
  if (mode === 'drop') return req.socket.destroy();
  const rev = mode === 'v1' ? 'web:1' : 'web:2';
  forwarded[rev] = (forwarded[rev] ?? 0) + 1;
  res.writeHead(mode === 'v1' ? 200 : 500, { 'x-revision': rev });
  res.end(rev);
});
let url = '';

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('measureDuring', () => {
  test('counts answers, non-2xx and the share of a named revision (header), and returns the result', async () => {
    mode = 'v1';
    const { result, figures } = await measureDuring(
      url,
      async () => {
        await wait(1000);
        mode = 'v2-broken';
        await wait(1000);
        mode = 'v1';
        return 'deployed';
      },
      { rate: 100, connections: 4, tailSeconds: 0.5, revision: 'web:2', revisionHeader: 'X-Revision' },
    );
    expect(result).toBe('deployed');
    expect(figures.connectionErrors).toBe(0);
    // Exact bookkeeping, whatever the machine's speed: every answer is counted once, by status and revision.
    expect(figures.statuses['200']).toBeGreaterThan(0);
    expect(figures.statuses['500']).toBeGreaterThan(0);
    expect(figures.requests).toBe(figures.statuses['200'] + figures.statuses['500']);
    expect(figures.non2xx).toBe(figures.statuses['500']);
    expect(figures.byRevision).toEqual({
      'web:1': figures.statuses['200'],
      'web:2': figures.statuses['500'],
    });
    expect(figures.revision).toEqual({
      name: 'web:2',
      requests: figures.non2xx,
      share: figures.non2xx / figures.requests,
    });
    // Bounded: at most 100 per started second (autocannon's rate buckets) for the action's 2 s plus the
    // 0.5 s tail; an unbounded loop on loopback would send thousands a second.
    expect(figures.requests).toBeLessThanOrEqual(100 * (Math.ceil(figures.seconds) + 1));
    expect(figures.p99Ms).toBeGreaterThanOrEqual(figures.p50Ms);
    expect(describeLoad(figures)).toMatch(/reached web:2/);
  }, 30_000);

  test('dropped connections are connection errors; a counter source gives the revision split', async () => {
    mode = 'v1';
    forwarded = {};
    const { figures } = await measureDuring(
      url,
      async () => {
        await wait(600);
        mode = 'drop';
        await wait(600);
        mode = 'v1';
      },
      {
        rate: 50,
        connections: 2,
        tailSeconds: 0.5,
        revision: 'web:1',
        revisionCounts: () => ({ ...forwarded }),
      },
    );
    expect(figures.connectionErrors).toBeGreaterThan(0);
    expect(figures.byRevision).toEqual({ 'web:1': forwarded['web:1'] });
    expect(figures.revision?.requests).toBe(forwarded['web:1']);
    // Every request ended as an answer or an error; the few the server answered as the load stopped
    // or as it cut the connection (response lost with it) are the only difference.
    const ended = (figures.revision?.requests ?? 0) + figures.connectionErrors;
    expect(Math.abs(figures.requests - ended)).toBeLessThanOrEqual(6);
    expect(figures.statuses).toEqual({ '200': figures.requests - figures.connectionErrors });
  }, 30_000);

  test('refuses a URL that is not on this machine', async () => {
    await expect(measureDuring('http://example.invalid/', async () => 1)).rejects.toThrow(/loopback/);
  });
});
