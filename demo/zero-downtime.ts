// Zero downtime, measured in the demo: each deployment runs under a bounded, steady load sent through the
// emulator's load balancer (harness/load.ts, loopback only), and its figures become a row of the report.
// The path chosen per deployment crosses the deployed service: `/` is answered by the frontend itself,
// `/api/<service>/health` by the frontend's proxy to that service's tasks (Cloud Map), so a backend's
// deployment shows in the figures as a real user's request would see it.
import type { Emulator } from '../emulator/src/index.js';
import { describeLoad, measureDuring } from '../harness/load.js';
import type { LoadRow } from './report.js';

export interface Measure {
  deployment: string;
  /** The path requested through the load balancer. */
  path: string;
  /**
   * The family of the revision whose share is reported, when the load balancer's targets are its tasks
   * (the frontend): the share is then counted per forwarded request, by the target's task definition.
   */
  family?: string;
  /** Requests per second (default 50). */
  rate?: number;
}

/** The newest revision of a family the load balancer forwarded to (the one the deployment brought). */
function newest(counts: Record<string, number>, family: string): string | undefined {
  const revs = Object.keys(counts)
    .filter((r) => r.startsWith(`${family}:`))
    .sort((a, b) => Number(b.split(':')[1]) - Number(a.split(':')[1]));
  return revs[0];
}

/**
 * Connections enough to keep the rate when each request waits up to ~160 ms: a connection sends its
 * next request only once answered, so 4 connections at a p50 of 68 ms (a loaded 2-core machine) gave
 * 60 requests/s of the 100 asked — too few errors a minute for the canary's 5xx alarm to fire before
 * the canary took all the traffic (28 % of requests reached the broken revision).
 */
export function connectionsFor(rate: number): number {
  return Math.max(4, Math.ceil(rate / 6));
}

/** Runs `action` under load through the app's URL; appends the figures to `rows` and says them. */
export async function underLoad<T>(
  emu: Emulator,
  appUrl: string,
  m: Measure,
  rows: LoadRow[],
  say: (line: string) => void,
  action: () => Promise<T>,
): Promise<T> {
  const counts = () => emu.live?.albCounts() ?? {};
  const rate = m.rate ?? 50;
  // A deployment expected to fail must not take its figures with it: its outcome is carried through.
  const { result, figures } = await measureDuring(
    appUrl,
    () =>
      action().then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
    { path: m.path, connections: connectionsFor(rate), rate, maxSeconds: 240, revisionCounts: counts },
  );
  const rev = m.family ? newest(figures.byRevision, m.family) : undefined;
  rows.push({
    deployment: m.deployment,
    url: m.path,
    requests: figures.requests,
    non2xx: figures.non2xx,
    errors: figures.connectionErrors,
    p50Ms: figures.p50Ms,
    p99Ms: figures.p99Ms,
    ...(rev && figures.requests
      ? { newRevisionShare: (figures.byRevision[rev] ?? 0) / figures.requests, revisionLabel: rev }
      : {}),
  });
  say(`under load: ${describeLoad(figures)}`);
  if (!result.ok) throw result.error;
  return result.value;
}
