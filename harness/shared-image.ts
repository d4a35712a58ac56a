// Work several test suites need done once (the CLI image of Dockerfile.cli, the services' compile): done
// once per test run and shared by every suite and jest worker of that run, instead of once per suite.
// The first worker to ask does it under a lock; the others wait for it. Tags carry the run's id (set by test/global-setup.ts),
// so concurrent runs on one engine never share or remove each other's images; the global teardown
// (test/global-teardown.ts) removes what the run built.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_LABEL, sharedLockDir } from '../test/global-teardown.js';

/** The test run's id: one per `jest` invocation (global setup), else this process. */
export function testRunId(): string {
  return process.env.CENDENCE_TEST_RUN ?? `p${process.pid}`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `work` once per test run, whichever suite or worker asks first; the others wait for it to end
 * and share its outcome (a failure fails them too, with its message).
 */
export async function oncePerRun(name: string, work: () => unknown, waitMs = 600_000): Promise<void> {
  const dir = sharedLockDir(testRunId(), name);
  const state = join(dir, 'state');
  for (const deadline = Date.now() + waitMs; Date.now() < deadline; ) {
    try {
      mkdirSync(dir);
    } catch {
      // Someone holds (or held) the lock: done, failed, at work, or dead mid-way.
      let s: { pid?: number; done?: boolean; error?: string } = {};
      try {
        s = JSON.parse(readFileSync(state, 'utf8'));
      } catch {}
      if (s.done) return;
      if (s.error) throw new Error(`${name} failed in another suite of this run: ${s.error}`);
      if (s.pid !== undefined && !alive(s.pid)) rmSync(dir, { recursive: true, force: true });
      await sleep(500);
      continue;
    }
    writeFileSync(state, JSON.stringify({ pid: process.pid }));
    try {
      await work();
      writeFileSync(state, JSON.stringify({ pid: process.pid, done: true }));
      return;
    } catch (err) {
      writeFileSync(state, JSON.stringify({ pid: process.pid, error: String(err).slice(0, 2000) }));
      throw err;
    }
  }
  throw new Error(`${name}: not finished within ${waitMs / 1000} s`);
}

/**
 * The tag of the run's shared image `name`, built by `build(tag, label)` the first time any suite asks.
 * `build` must label the images it makes with `label` (KEY=VALUE) so the teardown finds them.
 */
export async function sharedImage(
  name: string,
  build: (tag: string, label: string) => void,
): Promise<string> {
  const tag = `cendence-test-shared/${name}:${testRunId()}`;
  await oncePerRun(`image-${name}`, () => build(tag, `${SHARED_LABEL}=${testRunId()}`));
  return tag;
}
