// Request pacing for the waits of a release: the followers of a wave poll DescribeServices on the same
// schedule, so their polls are coalesced — requests arriving within a few milliseconds of each other
// become one DescribeServices per cluster and 10 services. 24 services cost 3 calls per poll, not 24,
// which keeps a large release under ECS's describe rate instead of leaning on throttling retries. While
// ECS throttles or fails, the window widens so the jittered retries of every follower share one call.
import { DescribeServicesCommand, type ECSClient, type Service } from '@aws-sdk/client-ecs';
import { troubleOf } from '../aws/retry.js';
import { chunks } from './pacing.js';

interface Waiter {
  resolve: (s: Service | undefined) => void;
  reject: (err: unknown) => void;
}

export type DescribeService = (cluster: string, service: string) => Promise<Service | undefined>;

export class ServiceDescriber {
  private pending = new Map<string, Map<string, Waiter[]>>();
  private timer: NodeJS.Timeout | undefined;
  /** True while AWS is in trouble: followers back off with jitter, so requests wait longer to join. */
  private troubled = false;
  /** Services asked about so far: a lone follower has nobody to wait for. */
  private readonly known = new Set<string>();
  /** DescribeServices calls made, the release's describe budget as spent (bench, tests). */
  calls = 0;

  constructor(
    private readonly ecs: ECSClient,
    /** How long a request waits for others to join it (real time). */
    private readonly windowMs = 10,
    /** The same while AWS throttles or fails: one shared budget of describes for the whole release. */
    private readonly troubledWindowMs = 250,
  ) {}

  readonly describe: DescribeService = (cluster, service) =>
    new Promise((resolve, reject) => {
      const byService = this.pending.get(cluster) ?? new Map<string, Waiter[]>();
      byService.set(service, [...(byService.get(service) ?? []), { resolve, reject }]);
      this.pending.set(cluster, byService);
      this.known.add(`${cluster}/${service}`);
      this.timer ??= setTimeout(
        () => void this.flush(),
        this.troubled && this.known.size > 1 ? this.troubledWindowMs : this.windowMs,
      );
    });

  private async flush(): Promise<void> {
    this.timer = undefined;
    const batch = this.pending;
    this.pending = new Map();
    let troubled = false;
    await Promise.all(
      [...batch].flatMap(([cluster, byService]) =>
        chunks([...byService.keys()], 10).map(async (services) => {
          try {
            this.calls++;
            const out = await this.ecs.send(new DescribeServicesCommand({ cluster, services }));
            for (const name of services) {
              const found = out.services?.find((s) => s.serviceName === name);
              for (const w of byService.get(name) ?? []) w.resolve(found);
            }
          } catch (err) {
            troubled ||= troubleOf(err) !== undefined;
            for (const name of services) for (const w of byService.get(name) ?? []) w.reject(err);
          }
        }),
      ),
    );
    this.troubled = troubled;
  }
}

/** One DescribeServices per call: for a lone follower, where there is nothing to coalesce. */
export function describeEach(ecs: ECSClient): DescribeService {
  return async (cluster, service) =>
    (await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }))).services?.[0];
}
