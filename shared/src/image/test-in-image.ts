// Runs a service's test command inside its built image with docker. The command replaces the image's
// entrypoint, so it runs exactly as written in the manifest. When the manifest names a JUnit report, the
// container is kept under a unique name until the report is copied out (docker cp), then removed.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Manifest } from '../manifest/schema.js';
import { exec, tail } from './exec.js';

export interface InImageTest {
  service: string;
  image: string;
  test: NonNullable<Manifest['test']>;
  /** Folder JUnit reports are copied into, as <service>.xml. */
  junitDir: string;
  network?: string;
  env?: NodeJS.ProcessEnv;
  onLine?: (line: string) => void;
}

export interface InImageTestResult {
  service: string;
  passed: boolean;
  exitCode: number;
  /** The command's output (stdout and stderr). */
  output: string;
  junit?: string;
  /** Why the JUnit report could not be copied, when it was expected. */
  junitProblem?: string;
  seconds: number;
}

export async function testInImage(t: InImageTest): Promise<InImageTestResult> {
  const started = Date.now();
  const name = `cendence-test-${t.service}-${randomBytes(4).toString('hex')}`;
  const keep = Boolean(t.test.junit);
  const [entrypoint, ...args] = t.test.command;
  const argv = ['run', ...(keep ? ['--name', name] : ['--rm']), '--entrypoint', entrypoint];
  for (const [k, v] of Object.entries(t.test.env)) argv.push('--env', `${k}=${v}`);
  if (t.network) argv.push('--network', t.network);
  argv.push(t.image, ...args);
  const docker = (a: string[]) => exec('docker', a, { env: t.env, onLine: t.onLine });
  try {
    const r = await docker(argv);
    const result: InImageTestResult = {
      service: t.service,
      passed: r.code === 0,
      exitCode: r.code,
      output: r.output,
      seconds: (Date.now() - started) / 1000,
    };
    if (keep && t.test.junit) {
      await mkdir(t.junitDir, { recursive: true });
      const dest = path.join(t.junitDir, `${t.service}.xml`);
      const cp = await exec('docker', ['cp', `${name}:${t.test.junit}`, dest], { env: t.env });
      if (cp.code === 0) result.junit = dest;
      else
        result.junitProblem = `no JUnit report at ${t.test.junit} in the container: ${tail(cp.stderr, 2).trim()}`;
    }
    return result;
  } finally {
    if (keep) await exec('docker', ['rm', '--force', name], { env: t.env });
  }
}
