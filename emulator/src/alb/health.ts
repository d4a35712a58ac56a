// Target health checks for real targets (Target.probed): an HTTP GET of the target group's path on the
// traffic port (or HealthCheckPort) every HealthCheckIntervalSeconds of emulated time; a target turns
// healthy after HealthyThresholdCount passes in a row and unhealthy after UnhealthyThresholdCount
// failures, with ELB's reason codes. A pass is an answer whose status the matcher accepts.
import http from 'node:http';
import type { Target, TargetGroup } from '../elbv2/state.js';
import type { World } from '../state.js';

/** Matcher.HttpCode: "200", "200,202", "200-299". */
export function codeMatches(matcher: string, status: number): boolean {
  return matcher.split(',').some((part) => {
    const [lo, hi] = part.trim().split('-').map(Number);
    return hi === undefined ? status === lo : status >= lo && status <= hi;
  });
}

/**
 * Real processes start at wall speed whatever the clock's speed: probes are never closer than this in
 * wall time, so a sped-up clock does not judge a starting container in a fraction of a second.
 */
export const MIN_WALL_INTERVAL_MS = 2000;

type Outcome = { ok: true } | { ok: false; reason: string; description: string };

export class HealthChecker {
  private readonly due = new WeakMap<Target, number>();
  private readonly busy = new WeakSet<Target>();

  constructor(
    private readonly world: World,
    /** Emulated seconds per wall second: timeouts are emulated seconds, with a 1 s wall floor. */
    private readonly speed: number,
  ) {}

  tick(now: number): void {
    const elb = this.world.elbv2;
    for (const [tgArn, targets] of elb.targets) {
      const tg = elb.targetGroups.get(tgArn);
      if (!tg) continue;
      for (const t of targets.values()) {
        if (!t.probed || t.state === 'draining' || this.busy.has(t)) continue;
        if ((this.due.get(t) ?? 0) > now) continue;
        this.due.set(
          t,
          now + Math.max(tg.HealthCheckIntervalSeconds * 1000, MIN_WALL_INTERVAL_MS * this.speed),
        );
        this.busy.add(t);
        void this.probe(tg, t).then((outcome) => {
          this.busy.delete(t);
          this.record(tg, t, outcome);
        });
      }
    }
  }

  private probe(tg: TargetGroup, t: Target): Promise<Outcome> {
    const port = tg.HealthCheckPort === 'traffic-port' ? t.Port : Number(tg.HealthCheckPort);
    const timeoutMs = Math.max(1000, (tg.HealthCheckTimeoutSeconds * 1000) / this.speed);
    return new Promise((resolve) => {
      const req = http.get(
        {
          host: t.Id,
          port,
          path: tg.HealthCheckPath,
          headers: { 'user-agent': 'ELB-HealthChecker/2.0' },
          agent: false,
        },
        (res) => {
          res.resume();
          const status = res.statusCode ?? 0;
          resolve(
            codeMatches(tg.Matcher.HttpCode, status)
              ? { ok: true }
              : {
                  ok: false,
                  reason: 'Target.ResponseCodeMismatch',
                  description: `Health checks failed with these codes: [${status}]`,
                },
          );
        },
      );
      req.setTimeout(timeoutMs, () => {
        req.destroy();
        resolve({ ok: false, reason: 'Target.Timeout', description: 'Request timed out' });
      });
      req.on('error', () =>
        resolve({ ok: false, reason: 'Target.FailedHealthChecks', description: 'Health checks failed' }),
      );
    });
  }

  private record(tg: TargetGroup, t: Target, outcome: Outcome): void {
    if (t.state === 'draining' || t.state === 'unused') return;
    t.streak ??= { ok: 0, fail: 0 };
    const streak = t.streak;
    if (outcome.ok) {
      streak.ok++;
      streak.fail = 0;
      if (t.state !== 'healthy' && streak.ok >= tg.HealthyThresholdCount) {
        Object.assign(t, { state: 'healthy', reason: undefined, description: undefined });
      }
    } else {
      streak.fail++;
      streak.ok = 0;
      if (t.state !== 'unhealthy' && streak.fail >= tg.UnhealthyThresholdCount) {
        Object.assign(t, { state: 'unhealthy', reason: outcome.reason, description: outcome.description });
      }
    }
  }
}
