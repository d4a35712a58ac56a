// Build and push: five fixture services (FROM scratch + COPY, so nothing is pulled) in a temporary git
// repository, built with Docker and pushed to the emulator's ECR through the build and push steps; then
// one service changes and the same two steps run again. Counts come from the steps' outputs, the
// emulator's call log and its registry (bytes received on the blob endpoints).
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { type Emulator, startEmulator } from '../emulator/src/index.js';
import { BUSYBOX, dockerStatus, type Fixture, makeFixture, runStep } from '../harness/build-push.js';
import type { BuildRecord } from '../shared/src/image/build.js';
import { buildStep } from '../shared/src/steps/build.js';
import { pushStep } from '../shared/src/steps/push.js';

export interface BuildRound {
  label: string;
  services: number;
  built: number;
  reused: number;
  pushed: number;
  /** Bytes the registry received on its blob upload endpoints (build + push). */
  bytesPushed: number;
  /** Blob bytes received and served during the build step in the repositories of the re-tagged services. */
  bytesRetagging: number;
  /** Blob bytes moved during the build step for the services built: their layer cache, imported and saved. */
  bytesCache: number;
  /** ECR PutImage calls (a re-tag of an image already there is one PutImage and no blob). */
  putImage: number;
  wallMs: number;
}

export type BuildFigures = { rounds: BuildRound[] } | { skipped: string };

const SERVICES = ['auth', 'game', 'matchmaking', 'frontend', 'ai'];

interface RegistryBytes {
  received: number;
  /** Blob bytes received plus served, per repository. */
  moved: Map<string, number>;
}

async function registryBytes(emu: Emulator): Promise<RegistryBytes> {
  const state = (await (await fetch(`${emu.url}/_cendence/state`)).json()) as {
    ecr?: {
      blobBytesReceived?: number;
      blobBytesByRepository?: Record<string, { received: number; served: number }>;
    };
  };
  // The ECR state appears with the first ECR call; before it nothing was received.
  const byRepo = Object.entries(state.ecr?.blobBytesByRepository ?? {});
  return {
    received: state.ecr?.blobBytesReceived ?? 0,
    moved: new Map(byRepo.map(([repo, b]) => [repo, b.received + b.served])),
  };
}

/** Bytes moved between two readings in the given repositories. */
function movedIn(before: RegistryBytes, after: RegistryBytes, repositories: string[]): number {
  return repositories.reduce((sum, r) => sum + (after.moved.get(r) ?? 0) - (before.moved.get(r) ?? 0), 0);
}

async function round(emu: Emulator, f: Fixture, label: string): Promise<BuildRound> {
  const mark = emu.calls().length;
  const bytesBefore = await registryBytes(emu);
  const started = performance.now();
  const build = await runStep(buildStep, { endpoint: emu.url }, f);
  const bytesAfterBuild = await registryBytes(emu);
  const records = Object.values(JSON.parse(build.outputs.builds)) as BuildRecord[];
  const repos = (status: BuildRecord['status']) =>
    records.filter((r) => r.status === status).map((r) => r.repository);
  const push = await runStep(
    pushStep,
    { builds: build.outputs.builds, endpoint: emu.url, 'create-repository': 'true' },
    f,
  );
  const wallMs = performance.now() - started;
  return {
    label,
    services: SERVICES.length,
    built: JSON.parse(build.outputs.built).length,
    reused: JSON.parse(build.outputs.reused).length,
    pushed: JSON.parse(push.outputs.pushed).length,
    bytesPushed: (await registryBytes(emu)).received - bytesBefore.received,
    bytesRetagging: movedIn(bytesBefore, bytesAfterBuild, repos('reused')),
    bytesCache: movedIn(bytesBefore, bytesAfterBuild, repos('built')),
    putImage: emu.calls({ since: mark, operation: 'PutImage' }).length,
    wallMs,
  };
}

export async function measureBuild(): Promise<BuildFigures> {
  const docker = dockerStatus();
  if (!docker.ok) return { skipped: docker.reason ?? 'docker is not available' };
  if (!BUSYBOX) return { skipped: 'busybox (static) is not installed; the fixture images need it' };
  const emu = await startEmulator({ region: 'eu-west-3' });
  const f = await makeFixture(SERVICES);
  try {
    const full = await round(emu, f, 'full release (5 services)');
    if (full.pushed > 0 && full.bytesPushed === 0)
      throw new Error('bench: images were pushed but the emulator state shows no ecr.blobBytesReceived');
    await f.write('services/game/app/message.txt', 'game v2\n');
    f.commit('game v2');
    const one = await round(emu, f, 'one service changed');
    return { rounds: [full, one] };
  } finally {
    // The fixture images are named for this emulator's port: remove them from the daemon.
    const ids = execFileSync('docker', ['images', '-q', '--filter', `reference=${emu.host}/fixture/*`], {
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean);
    if (ids.length > 0)
      execFileSync('docker', ['image', 'rm', '--force', ...new Set(ids)], { stdio: 'ignore' });
    await emu.stop();
    await rm(f.repo, { recursive: true, force: true });
    await rm(f.shimDir, { recursive: true, force: true });
  }
}
