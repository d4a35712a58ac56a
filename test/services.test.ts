// The Transcendence services (services/): the payload the pipeline builds and deploys. Each service's own
// unit tests run on the host; auth runs against a real PostgreSQL server (a throwaway cluster); game and
// matchmaking run as processes talking over HTTP; and one image is built from the local base image and
// runs its manifest's test command inside, as the pipeline's `test` step does.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { terraformWorld } from '../emulator/src/terraform/world.js';
import { loadManifests } from '../shared/src/manifest/load.js';
import { renderTaskDefinition } from '../shared/src/taskdef/render.js';
import { applyTerraformOutputs } from '../shared/src/terraform/apply.js';
import { parseTerraformOutputs } from '../shared/src/terraform/outputs.js';

const root = path.resolve(import.meta.dirname, '..');
const servicesDir = path.join(root, 'services');
const SERVICES = ['ai', 'auth', 'frontend', 'game', 'matchmaking'];
const BASE_IMAGE = 'cendence/base:node20';
const PG_BIN = '/usr/lib/postgresql/15/bin';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Result> {
  return new Promise((resolve) => {
    execFile(cmd, args, { ...opts, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function mustRun(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = await run(cmd, args, opts);
  if (r.code !== 0)
    throw new Error(
      `${cmd} ${args.join(' ')} (in ${opts.cwd ?? '.'}) exited ${r.code}:\n${r.stdout}\n${r.stderr}`,
    );
  return r;
}

/** Installs (once) and compiles a service package, as its Dockerfile's build stage does. */
async function build(name: string) {
  const cwd = path.join(servicesDir, name);
  if (!existsSync(path.join(cwd, 'node_modules'))) {
    await mustRun('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], { cwd });
  }
  await mustRun('npm', ['run', 'build'], { cwd });
}

/** A TCP port nobody listens on right now (for the PostgreSQL server, which cannot take port 0). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Node's JUnit report: counts of test cases and failures. */
function junitCounts(xml: string) {
  return { cases: (xml.match(/<testcase /g) ?? []).length, failures: (xml.match(/<failure/g) ?? []).length };
}

beforeAll(async () => {
  await build('common');
  await Promise.all(SERVICES.map(build));
}, 180_000);

describe('each service', () => {
  it.each(SERVICES)('%s: unit tests pass with node --test and write a JUnit report', async (name) => {
    const dir = await mkdtemp(path.join(tmpdir(), `svc-${name}-`));
    const junit = path.join(dir, 'junit.xml');
    const r = await run(
      'node',
      [
        '--test',
        '--test-reporter=spec',
        '--test-reporter=junit',
        `--test-reporter-destination=stdout`,
        `--test-reporter-destination=${junit}`,
        'dist/test/',
      ],
      { cwd: path.join(servicesDir, name), env: { ...process.env, DATABASE_URL: '' } },
    );
    expect(r.stderr + r.stdout).toMatch(/fail 0/);
    expect(r.code).toBe(0);
    const counts = junitCounts(await readFile(junit, 'utf8'));
    expect(counts.cases).toBeGreaterThanOrEqual(4);
    expect(counts.failures).toBe(0);
    await rm(dir, { recursive: true });
  });

  it('manifests validate and their task definition templates render for Fargate', async () => {
    // Names come from terraform/ (its outputs for staging, as `terraform output -json` would print them).
    const tf = await terraformWorld(path.join(root, 'terraform'), {
      accountId: '123456789012',
      varFiles: [path.join(root, 'terraform/environments/staging.tfvars')],
    });
    const outputs = parseTerraformOutputs(JSON.stringify(tf.outputs), 'infra.json');
    const manifests = applyTerraformOutputs(loadManifests(root), outputs, 'infra.json');
    expect(manifests.map((m) => m.name)).toEqual(SERVICES);
    for (const m of manifests) {
      // One naming rule for repositories: the manifest's is the one terraform/ecr.tf creates.
      expect(m.repository).toBe(outputs.services[m.name].repositoryName);
      const image = `123456789012.dkr.ecr.eu-west-3.amazonaws.com/${m.repository}@sha256:${'a'.repeat(64)}`;
      const r = await renderTaskDefinition({
        manifest: m,
        root,
        images: { [m.name]: image },
        region: 'eu-west-3',
      });
      expect(r.family).toBe(`transcendence-staging-${m.name}`);
      expect(r.taskDefinition.executionRoleArn).toBe(outputs.services[m.name].executionRoleArn);
      expect(r.taskDefinition.containerDefinitions?.[0].image).toBe(image);
      expect(r.warnings).toEqual([]);
      expect(m.build.paths).toEqual(['services/common']);
    }
    const byName = Object.fromEntries(manifests.map((m) => [m.name, m]));
    expect(byName.matchmaking.dependsOn).toEqual(['game']);
    expect(byName.auth.deploy?.preDeployTask?.command).toEqual(['node', 'dist/migrate.js']);
    expect(byName.frontend.deploy?.strategy).toBe('blue-green');
  });
});

/** A service started from its compiled server, with its JSON log lines collected. */
interface Running {
  proc: ChildProcess;
  logs: Record<string, unknown>[];
  url: string;
  exited: Promise<number | null>;
}

function start(name: string, env: Record<string, string> = {}, script = 'dist/server.js'): Promise<Running> {
  const proc = spawn('node', [script], {
    cwd: path.join(servicesDir, name),
    env: { PATH: process.env.PATH, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const logs: Record<string, unknown>[] = [];
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      logs.push(entry);
      if (entry.msg === 'listening') resolve({ proc, logs, url: `http://127.0.0.1:${entry.port}`, exited });
    });
    exited.then((code) =>
      reject(new Error(`${name} exited with ${code} before listening: ${JSON.stringify(logs)}`)),
    );
  });
}

async function stop(service: Running): Promise<number | null> {
  service.proc.kill('SIGTERM');
  return service.exited;
}

const json = (url: string, init?: RequestInit) =>
  fetch(url, init).then(async (r) => ({ status: r.status, body: await r.json() }));
const postJson = (url: string, body: unknown) => json(url, { method: 'POST', body: JSON.stringify(body) });

describe('services running together', () => {
  it('matchmaking creates the game through the game service named by GAME_URL; both stop cleanly on SIGTERM', async () => {
    const game = await start('game');
    const matchmaking = await start('matchmaking', { GAME_URL: game.url });
    try {
      expect((await postJson(`${matchmaking.url}/queue`, { player: 'ann' })).body.status).toBe('waiting');
      const match = await postJson(`${matchmaking.url}/queue`, { player: 'bob' });
      expect(match.status).toBe(201);
      const state = await json(`${game.url}/games/${match.body.gameId}`);
      expect(state.status).toBe(200);
      expect([state.body.paddles.left.player, state.body.paddles.right.player]).toEqual(['ann', 'bob']);
    } finally {
      expect(await stop(matchmaking)).toBe(0);
      expect(await stop(game)).toBe(0);
    }
    for (const logs of [game.logs, matchmaking.logs]) {
      expect(logs.map((l) => l.msg)).toEqual(
        expect.arrayContaining(['listening', 'shutting down', 'stopped']),
      );
      expect(logs.every((l) => typeof l.time === 'string' && typeof l.level === 'string')).toBe(true);
    }
    expect(game.logs).toContainEqual(
      expect.objectContaining({ msg: 'game created', players: ['ann', 'bob'] }),
    );
  });

  it('matchmaking refuses to start without GAME_URL, saying what to set', async () => {
    const r = await run('node', ['dist/server.js'], {
      cwd: path.join(servicesDir, 'matchmaking'),
      env: { PATH: process.env.PATH },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/GAME_URL is not set/);
  });
});

describe('auth with a real PostgreSQL server', () => {
  let dir = '';
  let databaseUrl = '';
  const asPostgres = (cmd: string, args: string[]) =>
    process.getuid?.() === 0
      ? mustRun('runuser', ['-u', 'postgres', '--', cmd, ...args])
      : mustRun(cmd, args);

  beforeAll(async () => {
    if (!existsSync(`${PG_BIN}/initdb`)) return;
    dir = await mkdtemp(path.join(tmpdir(), 'svc-pg-'));
    if (process.getuid?.() === 0)
      await chown(dir, Number((await mustRun('id', ['-u', 'postgres'])).stdout), 0);
    const port = await freePort();
    await asPostgres(`${PG_BIN}/initdb`, ['-D', `${dir}/data`, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    await asPostgres(`${PG_BIN}/pg_ctl`, [
      '-D',
      `${dir}/data`,
      '-l',
      `${dir}/log`,
      '-w',
      'start',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    ]);
    databaseUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  }, 60_000);

  afterAll(async () => {
    if (!dir) return;
    await asPostgres(`${PG_BIN}/pg_ctl`, ['-D', `${dir}/data`, '-m', 'immediate', 'stop']).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  });

  it('the migration (the pre-deploy task) creates the schema once, and the store contract holds on it', async () => {
    if (!databaseUrl) return console.warn(`skipped: PostgreSQL 15 not found under ${PG_BIN}`);
    const cwd = path.join(servicesDir, 'auth');
    const env = { PATH: process.env.PATH, DATABASE_URL: databaseUrl };
    const first = await mustRun('node', ['dist/migrate.js'], { cwd, env });
    expect(JSON.parse(first.stdout)).toMatchObject({ msg: 'migrations applied', applied: [1] });
    const again = await mustRun('node', ['dist/migrate.js'], { cwd, env });
    expect(JSON.parse(again.stdout)).toMatchObject({ msg: 'schema already current', applied: [] });

    const tests = await run('node', ['--test', 'dist/test/'], { cwd, env });
    expect(tests.stdout).toMatch(/ok \d+ - postgresql store\n/);
    expect(tests.stdout).not.toMatch(/postgresql store # SKIP/);
    expect(tests.code).toBe(0);
  });

  it('accounts made through the HTTP API land in PostgreSQL, with only the scrypt hash stored', async () => {
    if (!databaseUrl) return console.warn(`skipped: PostgreSQL 15 not found under ${PG_BIN}`);
    const auth = await start('auth', { DATABASE_URL: databaseUrl });
    try {
      expect(auth.logs).toContainEqual(
        expect.objectContaining({ msg: 'store selected', store: 'postgresql' }),
      );
      expect(
        (await postJson(`${auth.url}/signup`, { username: 'pgann', password: 'hunter2hunter2' })).status,
      ).toBe(201);
      const login = await postJson(`${auth.url}/login`, { username: 'pgann', password: 'hunter2hunter2' });
      const me = await json(`${auth.url}/me`, { headers: { authorization: `Bearer ${login.body.token}` } });
      expect(me.body.username).toBe('pgann');
      expect((await json(`${auth.url}/health`)).status).toBe(200);
    } finally {
      expect(await stop(auth)).toBe(0);
    }
    const stored = await mustRun('psql', [
      databaseUrl,
      '-Atc',
      "SELECT password_hash FROM users WHERE username = 'pgann'",
    ]);
    expect(stored.stdout).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(stored.stdout).not.toContain('hunter2');
    expect(auth.logs.map((l) => JSON.stringify(l)).join('\n')).not.toContain('hunter2');
  });
});

describe('a service image from the local base image', () => {
  it('builds game and runs its manifest test command inside, with the JUnit report copied out', async () => {
    if ((await run('docker', ['info'])).code !== 0) return console.warn('skipped: docker is not reachable');
    if ((await run('docker', ['image', 'inspect', BASE_IMAGE])).code !== 0) {
      return console.warn(`skipped: ${BASE_IMAGE} is missing (make it with .ci/base-image.sh)`);
    }
    const [game] = loadManifests(root).filter((m) => m.name === 'game');
    const tag = `cendence-test/game:${process.pid}`;
    await mustRun(
      'docker',
      [
        'build',
        '-q',
        '--network',
        'host',
        '--build-arg',
        `BASE_IMAGE=${BASE_IMAGE}`,
        '-t',
        tag,
        '-f',
        path.join(game.dir, game.build.dockerfile),
        path.join(game.dir, game.build.context),
      ],
      { cwd: root },
    );
    const container = `cendence-test-game-${process.pid}`;
    const out = path.join(await mkdtemp(path.join(tmpdir(), 'svc-junit-')), 'junit.xml');
    try {
      await mustRun('docker', ['create', '--name', container, tag, ...(game.test?.command ?? [])]);
      const r = await run('docker', ['start', '-a', container]);
      expect(r.stdout).toMatch(/fail 0/);
      expect(r.code).toBe(0);
      expect((await run('docker', ['inspect', '-f', '{{.Config.User}}', tag])).stdout.trim()).toBe('node');
      await mustRun('docker', ['cp', `${container}:${game.test?.junit}`, out]);
      expect(junitCounts(await readFile(out, 'utf8'))).toMatchObject({ failures: 0 });
    } finally {
      await run('docker', ['rm', '-f', container]);
      await run('docker', ['rmi', '--no-prune', tag]); // keeps the layers: the next run builds from cache
      await rm(path.dirname(out), { recursive: true, force: true });
    }
  }, 120_000);
});
