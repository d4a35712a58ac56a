// Removes what the run's suites shared (harness/shared-image.ts makes it). Jest loads this file outside
// its module mapping, so it imports nothing of ours: the shared image's label and lock names live here.
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The label on every shared image: its value is the run's id. */
export const SHARED_LABEL = 'cendence.test.shared';

/** Where run `run` keeps the lock folder of its shared image `name`. */
export function sharedLockDir(run: string, name = ''): string {
  return join(tmpdir(), `cendence-shared-image-${run}-${name}`);
}

/** Removes the images and lock folders of run `run`. */
export function removeSharedImages(run: string): void {
  const prefix = `cendence-shared-image-${run}-`;
  for (const f of readdirSync(tmpdir()).filter((n) => n.startsWith(prefix)))
    rmSync(join(tmpdir(), f), { recursive: true, force: true });
  try {
    const ids = execFileSync('docker', ['images', '-q', '--filter', `label=${SHARED_LABEL}=${run}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .split('\n')
      .filter(Boolean);
    if (ids.length > 0) execFileSync('docker', ['rmi', '-f', ...new Set(ids)], { stdio: 'ignore' });
  } catch {} // no engine: nothing was built
}

export default function globalTeardown(): void {
  const run = process.env.CENDENCE_TEST_RUN;
  if (run) removeSharedImages(run);
}
