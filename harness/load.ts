// Load through a deployment, measured: measureDuring() sends a bounded, steady stream of HTTP requests
// (autocannon) at a loopback URL for as long as an action runs (plus a short tail, capped by a hard
// limit), and returns the action's result with what the clients saw: requests, non-2xx answers,
// connection errors, p50/p99 latency, and which revision answered.
//
// Which revision answered is counted two ways, both optional:
// - `revisionHeader`: the response header a service sets to its revision. This is what also works
//   behind a real ALB (a task can read its family:revision from the ECS task metadata endpoint), but a
//   revision that answers nothing (crashed, hung: the ALB's own 502/503/504) carries no header.
// - `revisionCounts`: a counter the load balancer keeps per revision (the emulator's ALB proxy counts
//   every request it forwards by the target's task definition, emu.live.albCounts()); on AWS the same
//   figure is CloudWatch's RequestCount per target group. It also counts requests a broken revision
//   failed to answer, so it is what the canary's "share reaching the broken revision" uses.
import autocannon from 'autocannon';

export interface LoadOptions {
  /** Concurrent connections (default 8). */
  connections?: number;
  /** Requests per second over all connections (default 100): steady, so latency is not queueing. */
  rate?: number;
  /** Request path appended to the URL's own (default: the URL as given). */
  path?: string;
  /** Seconds to keep the load on after the action resolves (default 1). */
  tailSeconds?: number;
  /** Hard bound on the load, whatever the action does (default 300 s). */
  maxSeconds?: number;
  /** Per-request timeout in seconds (default 10); a timeout counts as a connection error. */
  timeoutSeconds?: number;
  /** The revision whose share is reported (e.g. "web:3"). */
  revision?: string;
  /** Response header naming the revision that answered (case-insensitive). */
  revisionHeader?: string;
  /** A monotonic counter of requests forwarded per revision, read before and after the load. */
  revisionCounts?: () => Record<string, number>;
}

export interface LoadFigures {
  /** Responses received plus connection errors: every request that ended. */
  requests: number;
  non2xx: number;
  /** Connection refused/reset and timeouts (these also count in `timeouts`): no HTTP answer at all. */
  connectionErrors: number;
  timeouts: number;
  /** Latency of answered requests, ms. */
  p50Ms: number;
  p99Ms: number;
  seconds: number;
  /** Status code → count. */
  statuses: Record<string, number>;
  /** Revision → requests it answered (header) or was forwarded (counter), whichever the options gave. */
  byRevision: Record<string, number>;
  /** The named revision, its request count and its share of all requests (0 when not named). */
  revision?: { name: string; requests: number; share: number };
}

export interface Measured<T> {
  result: T;
  figures: LoadFigures;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Runs `action` under load on `url` (loopback only) and returns its result with the load's figures. */
export async function measureDuring<T>(
  url: string,
  action: () => Promise<T>,
  opts: LoadOptions = {},
): Promise<Measured<T>> {
  const target = new URL(url);
  if (!LOOPBACK.has(target.hostname))
    throw new Error(`measureDuring: ${url} is not a loopback URL (load is only sent to this machine)`);
  if (opts.path) target.pathname = `${target.pathname.replace(/\/$/, '')}/${opts.path.replace(/^\//, '')}`;
  const maxSeconds = opts.maxSeconds ?? 300;
  const header = opts.revisionHeader?.toLowerCase();
  const seen = new Map<string, number>();
  const statuses = new Map<number, number>();
  const countsBefore = opts.revisionCounts?.() ?? {};
  const started = performance.now();
  let dropped = 0;

  let finished: (err: Error | null, r: autocannon.Result) => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finished = (err, r) => (err ? reject(err) : resolve(r));
  });
  done.catch(() => undefined);
  const instance = autocannon(
    {
      url: target.origin,
      connections: opts.connections ?? 8,
      overallRate: opts.rate ?? 100,
      duration: maxSeconds,
      timeout: opts.timeoutSeconds ?? 10,
      setupClient: (client: autocannon.Client) => countDropped(client, () => dropped++),
      requests: [
        {
          method: 'GET',
          path: `${target.pathname}${target.search}`,
          onResponse: (status: number, _body: string, _ctx: unknown, headers?: Record<string, string>) => {
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
            if (!header) return;
            const name = Object.keys(headers ?? {}).find((k) => k.toLowerCase() === header);
            const key = (name && headers?.[name]) || '(none)';
            seen.set(key, (seen.get(key) ?? 0) + 1);
          },
        },
      ],
    } as autocannon.Options,
    (err, r) => finished(err, r),
  );

  let result: T;
  try {
    result = await action();
    await Promise.race([done, sleep((opts.tailSeconds ?? 1) * 1000)]);
  } finally {
    instance.stop();
  }
  const r = await done;
  const seconds = (performance.now() - started) / 1000;

  const answered = [...statuses.values()].reduce((s, n) => s + n, 0);
  const connectionErrors = r.errors + dropped;
  const requests = answered + connectionErrors;
  let non2xx = 0;
  for (const [status, n] of statuses) if (status < 200 || status > 299) non2xx += n;

  const byRevision: Record<string, number> = Object.fromEntries(seen);
  if (opts.revisionCounts && !header) {
    const after = opts.revisionCounts();
    for (const [rev, n] of Object.entries(after)) {
      const delta = n - (countsBefore[rev] ?? 0);
      if (delta > 0) byRevision[rev] = delta;
    }
  }
  const figures: LoadFigures = {
    requests,
    non2xx,
    connectionErrors,
    timeouts: r.timeouts,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    seconds: Math.round(seconds * 10) / 10,
    statuses: Object.fromEntries([...statuses].map(([s, n]) => [String(s), n])),
    byRevision,
  };
  if (opts.revision) {
    const n = byRevision[opts.revision] ?? 0;
    figures.revision = { name: opts.revision, requests: n, share: requests ? n / requests : 0 };
  }
  return { result, figures };
}

/** One line for logs and reports: "1234 requests, 0 non-2xx, 0 connection errors, p50 3 ms, p99 12 ms". */
export function describeLoad(f: LoadFigures): string {
  const rev = f.revision
    ? `, ${f.revision.requests} (${(f.revision.share * 100).toFixed(1)} %) reached ${f.revision.name}`
    : '';
  return (
    `${f.requests} requests in ${f.seconds} s, ${f.non2xx} non-2xx, ${f.connectionErrors} connection errors, ` +
    `p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms${rev}`
  );
}

/**
 * autocannon reconnects silently when a server closes a connection with a request outstanding, so that
 * request would vanish from its counts; a deployment that cuts connections must show up as errors.
 * The client's next connection gets a listener that counts (and forgets) what was still outstanding.
 */
function countDropped(client: autocannon.Client, onDropped: () => void): void {
  const c = client as unknown as {
    _connect(): void;
    conn: { prependListener(ev: string, fn: () => void): void };
    destroyed: boolean;
    pipelinedRequests: { size(): number; clear(): void };
  };
  const connect = c._connect;
  c._connect = function (this: typeof c) {
    connect.call(this);
    this.conn.prependListener('end', () => {
      if (this.destroyed) return;
      for (let i = this.pipelinedRequests.size(); i > 0; i--) onDropped();
      this.pipelinedRequests.clear();
    });
    // An error is counted by autocannon itself; only forget the request it ended.
    this.conn.prependListener('error', () => this.pipelinedRequests.clear());
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
