// Throughput figure for the emulator: DescribeServices calls per second through the real SDK, with
// `concurrency` callers, against a world of `services` steady services. A figure, not a test gate.
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { startEmulator, type WorldSpec } from '../src/index.js';
import { credentials } from './helpers.js';

export interface ThroughputFigure {
  calls: number;
  seconds: number;
  callsPerSecond: number;
  errors: number;
  rssMb: number;
}

export async function measureThroughput(
  opts: { calls?: number; concurrency?: number; services?: number } = {},
): Promise<ThroughputFigure> {
  const total = opts.calls ?? 2000;
  const concurrency = opts.concurrency ?? 16;
  const count = opts.services ?? 24;
  const world: WorldSpec = {
    clusters: ['main'],
    services: Array.from({ length: count }, (_, i) => ({
      name: `svc${i}`,
      cluster: 'main',
      desiredCount: 2,
      image: `svc${i}:v1`,
    })),
  };
  const emu = await startEmulator({ throttling: false, world });
  const ecs = new ECSClient({ endpoint: emu.url, region: emu.region, credentials, maxAttempts: 1 });
  let next = 0;
  let errors = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const names = [`svc${i % count}`, `svc${(i + 1) % count}`];
        await ecs
          .send(new DescribeServicesCommand({ cluster: 'main', services: names }))
          .catch(() => errors++);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const figure = {
    calls: emu.calls().length,
    seconds,
    callsPerSecond: Math.round(total / seconds),
    errors,
    rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
  };
  ecs.destroy();
  await emu.stop();
  return figure;
}
