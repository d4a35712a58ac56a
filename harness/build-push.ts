// Support for the build/test/push end-to-end tests and bench/build.ts: fixture services in a temp git repository (Dockerfiles
// `FROM scratch` + COPY, so no base image is pulled), a `docker` shim on PATH that records argv (to show the
// password never reaches it), and a runner that captures everything printed and every masked value.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { CACHE_TAG_FILTER } from '../shared/src/image/cache.js';
import { TerminalRunner } from '../shared/src/runner/terminal.js';
import type { Step, StepContext } from '../shared/src/steps/step.js';

export const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));

/** True when a docker daemon answers; the reason otherwise. */
export function dockerStatus(): { ok: boolean; reason?: string } {
  try {
    execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { stdio: 'pipe' });
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: `docker is not available: ${(err as Error).message.split('\n')[0]}` };
  }
}

export function hasTool(tool: string): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** A TerminalRunner on a PassThrough stream (debug on, so engine output is captured too) that keeps what it masked. */
export class CapturingRunner extends TerminalRunner {
  readonly masked: string[] = [];
  /** Length of the captured output when each value was masked. */
  readonly maskedAt: number[] = [];
  private text = '';
  constructor(summaryFile: string) {
    const stream = new PassThrough();
    super({ stream, debug: true, summaryFile });
    stream.on('data', (c: Buffer) => {
      this.text += c.toString();
    });
  }
  override mask(secret: string): void {
    this.masked.push(secret);
    this.maskedAt.push(this.text.length);
    super.mask(secret);
  }
  get output(): string {
    return this.text;
  }
}

export interface Fixture {
  repo: string;
  shimDir: string;
  argvLog: string;
  env: NodeJS.ProcessEnv;
  git(...args: string[]): string;
  write(file: string, text: string): Promise<void>;
  commit(message: string): string;
}

/** Services web (test + JUnit), api (test) and worker, in a fresh git repository. */
export async function makeFixture(names = ['api', 'web', 'worker']): Promise<Fixture> {
  const repo = await mkdtemp(path.join(tmpdir(), 'cendence-e2e-'));
  const shimDir = await mkdtemp(path.join(tmpdir(), 'cendence-shim-'));
  const argvLog = path.join(shimDir, 'argv.log');
  const realDocker = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim();
  // Records each docker invocation's argv (one line) and its private DOCKER_CONFIG folder if any, then
  // runs the real client; stdin passes through.
  await writeFile(
    path.join(shimDir, 'docker'),
    `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\n` +
      `[ -z "$DOCKER_CONFIG" ] || printf '%s\\n' "$DOCKER_CONFIG" >> '${path.join(shimDir, 'configs.log')}'\n` +
      `exec '${realDocker}' "$@"\n`,
  );
  await chmod(path.join(shimDir, 'docker'), 0o755);
  // The SDK's default credential chain reads process.env; the emulator accepts any signed request.
  process.env.AWS_ACCESS_KEY_ID ??= 'AKIDEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'emulator-secret-key-example';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${shimDir}:${process.env.PATH}`,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'emulator-secret-key-example',
    AWS_REGION: 'eu-west-3',
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.com',
  };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env, encoding: 'utf8' }).trim();
  const write = async (file: string, text: string) => {
    await mkdir(path.dirname(path.join(repo, file)), { recursive: true });
    await writeFile(path.join(repo, file), text);
  };
  git('init', '-q', '-b', 'main');
  for (const name of names) {
    const dir = `services/${name}`;
    const tests: Record<string, string> = {
      web: 'test:\n  command: [/bin/busybox, sh, /app/test.sh]\n  junit: /app/junit.xml\n',
      api: 'test:\n  command: [/bin/busybox, sh, /app/test.sh]\n',
    };
    await write(`${dir}/service.yml`, `name: ${name}\nrepository: fixture/${name}\n${tests[name] ?? ''}`);
    await write(
      `${dir}/Dockerfile`,
      'FROM scratch\nCOPY busybox /bin/busybox\nCOPY app/ /app/\nENTRYPOINT ["/bin/busybox", "cat", "/app/message.txt"]\n',
    );
    await write(`${dir}/.dockerignore`, 'notes/\n');
    await write(`${dir}/notes/todo.md`, 'not part of the image\n');
    await write(`${dir}/app/message.txt`, `${name} v1\n`);
    await write(
      `${dir}/app/test.sh`,
      [
        'set -e',
        `echo "testing ${name}"`,
        '/bin/busybox grep -q v /app/message.txt',
        'echo \'<testsuite name="fixture" tests="1"><testcase name="message"/></testsuite>\' > /app/junit.xml',
        'if /bin/busybox grep -q broken /app/message.txt; then echo "assertion failed: message is broken"; exit 3; fi',
        '',
      ].join('\n'),
    );
    if (BUSYBOX) await copyFile(BUSYBOX, path.join(repo, dir, 'busybox'));
  }
  const commit = (message: string) => {
    git('add', '-A');
    git('commit', '-q', '--allow-empty', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  commit('fixture services');
  return { repo, shimDir, argvLog, env, git, write, commit };
}

/** The private DOCKER_CONFIG folders docker was run with, in first-use order. */
export async function dockerConfigDirs(f: Fixture): Promise<string[]> {
  const text = await readFile(path.join(f.shimDir, 'configs.log'), 'utf8').catch(() => '');
  return [...new Set(text.split('\n').filter(Boolean))];
}

export async function argvLines(f: Fixture): Promise<string[]> {
  return existsSync(f.argvLog) ? (await readFile(f.argvLog, 'utf8')).split('\n').filter(Boolean) : [];
}

/** Removes the images a test pushed (named <registry host>/...), by name; best effort. */
export function removeImages(reference: string): void {
  try {
    const names = execFileSync(
      'docker',
      ['images', '--format', '{{.Repository}}:{{.Tag}}', '--filter', `reference=${reference}`],
      {
        encoding: 'utf8',
      },
    )
      .split('\n')
      .filter(Boolean);
    if (names.length > 0) execFileSync('docker', ['image', 'rm', '--force', ...names], { stdio: 'ignore' });
  } catch {
    // Leftover images only cost disk space; the test's outcome does not depend on them.
  }
}

/** The job summary every step of a fixture appends to (the CLI's --summary file). */
export function summaryFile(f: Fixture): string {
  return path.join(f.shimDir, 'summary.md');
}

/** Runs a step as the CLI does (settings from inputs, then run), returning result, outputs and the runner. */
export async function runStep<S, R>(
  step: Step<S, R>,
  inputs: Record<string, string | undefined>,
  f: Fixture,
  runner = new CapturingRunner(summaryFile(f)),
) {
  const ctx: StepContext = { runner, signal: new AbortController().signal, env: f.env, cwd: f.repo };
  const settings = await step.settings((n) => inputs[n], ctx);
  const result = await step.run(settings, ctx);
  return { result, outputs: step.outputValues(result), runner };
}

/** An ECR repository as terraform makes it: immutable tags but the build cache's (buildcache*). */
export async function createCacheRepository(endpoint: string, repositoryName: string): Promise<void> {
  const ecr = new ECRClient({ region: 'eu-west-3', endpoint });
  try {
    await ecr.send(
      new CreateRepositoryCommand({
        repositoryName,
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filter: CACHE_TAG_FILTER, filterType: 'WILDCARD' }],
      }),
    );
  } finally {
    ecr.destroy();
  }
}
