// The Transcendence services run for real on this machine: compiled once, started as node processes
// (PORT=0, 127.0.0.1) against a throwaway PostgreSQL cluster, the frontend as the single entry point the
// load balancer would send everything to (/, /api/*, /ws/*). Used by the service and browser tests.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { oncePerRun } from '../../harness/shared-image.js';
import { DockerEngine } from '../../shared/src/image/docker.js';

export const servicesDir = path.resolve(import.meta.dirname, '../../services');
export const SERVICES = ['ai', 'auth', 'frontend', 'game', 'matchmaking'];
export const PG_BIN = '/usr/lib/postgresql/15/bin';

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(
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

/** Builds a service's Dockerfile with the build step's own engine (BuildKit client, content-named Dockerfile). */
export async function buildServiceImage(opts: {
  dockerfile: string;
  context: string;
  tag: string;
  baseImage: string;
  labels?: Record<string, string>;
}): Promise<void> {
  const request = {
    dockerfile: opts.dockerfile,
    context: opts.context,
    tags: [opts.tag],
    buildArgs: { BASE_IMAGE: opts.baseImage },
    labels: opts.labels ?? {},
    cacheFrom: [],
    network: 'host',
  };
  await new DockerEngine().build(request, () => {});
}

export async function mustRun(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
) {
  const r = await run(cmd, args, opts);
  if (r.code !== 0)
    throw new Error(
      `${cmd} ${args.join(' ')} (in ${opts.cwd ?? '.'}) exited ${r.code}:\n${r.stdout}\n${r.stderr}`,
    );
  return r;
}

/**
 * Installs (once) and compiles a service package, as its Dockerfile's build stage does (esbuild, no type
 * check), then type-checks it: the images only transpile, so this is where a service's types are checked
 * (common's also writes the declarations the others check against).
 */
export async function build(name: string) {
  const cwd = path.join(servicesDir, name);
  if (!existsSync(path.join(cwd, 'node_modules'))) {
    await mustRun('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], { cwd });
  }
  await mustRun('npm', ['run', 'build'], { cwd });
  await mustRun('npm', ['run', 'typecheck'], { cwd });
}

/**
 * common first (the others link to it), then the five services, once per test run: the suites that need
 * them share one build (harness/shared-image.ts). Runs in one checkout at the same time build one at a
 * time (a lock directory), so none reads a dist/ another is rewriting.
 */
export function buildAll(): Promise<void> {
  return oncePerRun('services-build', buildEach);
}

async function buildEach() {
  // Outside services/: suites that copy the services folder must never meet a lock coming and going.
  const lock = path.join(
    tmpdir(),
    `cendence-services-build-${createHash('sha256').update(servicesDir).digest('hex').slice(0, 12)}`,
  );
  for (let waited = 0; ; waited += 250) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock older than the longest build is a crashed run's: take it over.
      if (waited > 300_000) await rm(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    await build('common');
    await Promise.all(SERVICES.map(build));
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** A TCP port nobody listens on right now (for the PostgreSQL server, which cannot take port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface Postgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  dir: string;
  psql(sql: string): Promise<string>;
  stop(): Promise<void>;
}

/** Undefined (with the reason) when PostgreSQL 15 is not installed. */
export function postgresMissing(): string | undefined {
  return existsSync(`${PG_BIN}/initdb`) ? undefined : `PostgreSQL 15 not found under ${PG_BIN}`;
}

/**
 * A throwaway cluster on 127.0.0.1 (trust authentication, fsync off). With `tls`, it also serves TLS
 * with that certificate and key (PEM), so clients can be made to verify it.
 */
export async function startPostgres(tls?: { cert: string; key: string }): Promise<Postgres> {
  const dir = await mkdtemp(path.join(tmpdir(), 'svc-pg-'));
  const asRoot = process.getuid?.() === 0;
  const asPostgres = (cmd: string, args: string[]) =>
    asRoot ? mustRun('runuser', ['-u', 'postgres', '--', cmd, ...args]) : mustRun(cmd, args);
  if (asRoot) await chown(dir, Number((await mustRun('id', ['-u', 'postgres'])).stdout), 0);
  const port = await freePort();
  await asPostgres(`${PG_BIN}/initdb`, ['-D', `${dir}/data`, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  let options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  if (tls) {
    await writeFile(`${dir}/data/server.crt`, tls.cert);
    await writeFile(`${dir}/data/server.key`, tls.key, { mode: 0o600 });
    if (asRoot) {
      const uid = Number((await mustRun('id', ['-u', 'postgres'])).stdout);
      await chown(`${dir}/data/server.crt`, uid, 0);
      await chown(`${dir}/data/server.key`, uid, 0);
    }
    options += ' -c ssl=on';
  }
  await asPostgres(`${PG_BIN}/pg_ctl`, [
    '-D',
    `${dir}/data`,
    '-l',
    `${dir}/log`,
    '-w',
    'start',
    '-o',
    options,
  ]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    dir,
    psql: async (sql) =>
      (await mustRun('psql', [url, '-Atc', sql], { env: { PATH: process.env.PATH, PGSSLMODE: 'prefer' } }))
        .stdout,
    async stop() {
      await asPostgres(`${PG_BIN}/pg_ctl`, ['-D', `${dir}/data`, '-m', 'immediate', 'stop']).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A service started from its compiled server, with its JSON log lines collected. */
export interface Running {
  proc: ChildProcess;
  logs: Record<string, unknown>[];
  url: string;
  exited: Promise<number | null>;
}

export function start(
  name: string,
  env: Record<string, string> = {},
  script = 'dist/server.js',
): Promise<Running> {
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

export async function stop(service: Running, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (service.proc.exitCode === null && service.proc.signalCode === null) service.proc.kill(signal);
  return service.exited;
}

export interface LocalSystem {
  /** The frontend: the one origin a browser talks to. */
  baseUrl: string;
  auth: Running;
  games: Running[];
  matchmaking: Running;
  ai: Running;
  frontend: Running;
  stop(): Promise<void>;
}

/**
 * The whole system against one database: auth's migration task first (as the pre-deploy task runs it),
 * then auth, `gameReplicas` game processes, matchmaking, ai and the frontend. The frontend's GAME_URL
 * names the first game replica; tests reach the others directly.
 */
export async function startSystem(databaseUrl: string, gameReplicas = 1): Promise<LocalSystem> {
  const db = { DATABASE_URL: databaseUrl, PGSSLMODE: 'disable' };
  await mustRun('node', ['dist/migrate.js'], {
    cwd: path.join(servicesDir, 'auth'),
    env: { PATH: process.env.PATH, ...db },
  });
  const started: Running[] = [];
  const track = async (p: Promise<Running>) => {
    const r = await p;
    started.push(r);
    return r;
  };
  try {
    const [auth, ai, matchmaking, ...games] = await Promise.all([
      track(start('auth', db)),
      track(start('ai')),
      track(start('matchmaking', db)),
      ...Array.from({ length: gameReplicas }, () => track(start('game', db))),
    ]);
    const frontend = await track(
      start('frontend', {
        AUTH_URL: auth.url,
        GAME_URL: games[0].url,
        MATCHMAKING_URL: matchmaking.url,
        AI_URL: ai.url,
      }),
    );
    return {
      baseUrl: frontend.url,
      auth,
      games,
      matchmaking,
      ai,
      frontend,
      stop: async () => void (await Promise.all(started.map((r) => stop(r)))),
    };
  } catch (error) {
    await Promise.all(started.map((r) => stop(r)));
    throw error;
  }
}
