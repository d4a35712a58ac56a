// The Transcendence services (services/): the payload the pipeline builds and deploys. Each service's own
// unit tests run on the host; auth runs against a real PostgreSQL server (a throwaway cluster); game and
// matchmaking run as processes talking over HTTP; and one image is built from the local base image and
// runs its manifest's test command inside, as the pipeline's `test` step does.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import WebSocket from 'ws';
import { terraformWorld } from '../emulator/src/terraform/world.js';
import { loadManifests } from '../shared/src/manifest/load.js';
import { renderTaskDefinition } from '../shared/src/taskdef/render.js';
import { applyTerraformOutputs } from '../shared/src/terraform/apply.js';
import { parseTerraformOutputs } from '../shared/src/terraform/outputs.js';
import {
  buildAll,
  buildkitDocker,
  type LocalSystem,
  mustRun,
  type Postgres,
  postgresMissing,
  run,
  SERVICES,
  servicesDir,
  start,
  startPostgres,
  startSystem,
  stop,
} from './helpers/transcendence.js';

const root = path.resolve(import.meta.dirname, '..');
const BASE_IMAGE = 'cendence/base:node20';

/** Node's JUnit report: counts of test cases and failures. */
function junitCounts(xml: string) {
  return { cases: (xml.match(/<testcase /g) ?? []).length, failures: (xml.match(/<failure/g) ?? []).length };
}

beforeAll(buildAll, 180_000);

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

  it('every package compiles with the esbuild the images use (services/toolchain)', async () => {
    const pkg = async (dir: string) =>
      JSON.parse(await readFile(path.join(servicesDir, dir, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
        devDependencies: Record<string, string>;
      };
    const version = (await pkg('toolchain')).devDependencies.esbuild;
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    for (const dir of ['common', ...SERVICES]) {
      const p = await pkg(dir);
      expect({ dir, esbuild: p.devDependencies.esbuild }).toEqual({ dir, esbuild: version });
      expect(p.scripts.build).toMatch(/^esbuild /);
      expect(p.scripts.typecheck).toMatch(/^tsc\b/);
    }
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
      expect(m.build.paths).toEqual(['services/common', 'services/toolchain']);
    }
    const byName = Object.fromEntries(manifests.map((m) => [m.name, m]));
    expect(byName.matchmaking.dependsOn).toEqual(['game']);
    expect(byName.game.dependsOn).toEqual(['auth']);
    expect(byName.auth.deploy?.preDeployTask?.command).toEqual(['node', 'dist/migrate.js']);
    // The three services that keep state share the database, with TLS verified (terraform's settings).
    for (const name of ['auth', 'game', 'matchmaking']) {
      expect([name, byName[name].deploy?.environment?.PGSSLMODE]).toEqual([name, 'verify-full']);
      expect(Object.keys(byName[name].deploy?.secrets ?? {}).sort()).toEqual(['PGPASSWORD', 'PGUSER']);
    }
    expect(byName.frontend.deploy?.strategy).toBe('blue-green');
  });
});

const json = (url: string, init?: RequestInit) =>
  fetch(url, init).then(async (r) => ({ status: r.status, body: await r.json() }));
const postJson = (url: string, body: unknown) => json(url, { method: 'POST', body: JSON.stringify(body) });

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const noDatabase = postgresMissing();

describe('the services against a real PostgreSQL server', () => {
  let pg: Postgres | undefined;
  beforeAll(async () => {
    if (!noDatabase) pg = await startPostgres();
  }, 60_000);
  afterAll(() => pg?.stop());

  it('the migration (the pre-deploy task) creates the schema once; every store contract holds on it', async () => {
    if (!pg) return console.warn(`skipped: ${noDatabase}`);
    const env = { PATH: process.env.PATH, DATABASE_URL: pg.url, PGSSLMODE: 'disable' };
    const cwd = path.join(servicesDir, 'auth');
    const first = await mustRun('node', ['dist/migrate.js'], { cwd, env });
    expect(JSON.parse(first.stdout)).toMatchObject({ msg: 'migrations applied', applied: [1, 2, 3] });
    const again = await mustRun('node', ['dist/migrate.js'], { cwd, env });
    expect(JSON.parse(again.stdout)).toMatchObject({ msg: 'schema already current', applied: [] });
    for (const [name, suite] of [
      ['auth', 'postgresql store'],
      ['game', 'postgresql store'],
      ['matchmaking', 'postgresql queue'],
    ]) {
      const tests = await run('node', ['--test', 'dist/test/'], { cwd: path.join(servicesDir, name), env });
      expect(`${name}: ${tests.stdout}`).toMatch(new RegExp(`ok \\d+ - ${suite}\\n`));
      expect(tests.stdout).not.toMatch(new RegExp(`${suite} # SKIP`));
      expect(tests.code).toBe(0);
    }
  });

  it('accounts made through the HTTP API land in PostgreSQL, with only the scrypt hash stored', async () => {
    if (!pg) return console.warn(`skipped: ${noDatabase}`);
    await mustRun('node', ['dist/migrate.js'], {
      cwd: path.join(servicesDir, 'auth'),
      env: { PATH: process.env.PATH, DATABASE_URL: pg.url, PGSSLMODE: 'disable' },
    });
    const auth = await start('auth', { DATABASE_URL: pg.url, PGSSLMODE: 'disable' });
    let kid = '';
    try {
      expect(auth.logs).toContainEqual(
        expect.objectContaining({ msg: 'store selected', store: 'postgresql', tls: 'disabled' }),
      );
      const signup = await postJson(`${auth.url}/signup`, { username: 'pgann', password: 'hunter2hunter2' });
      expect([signup.status, signup.body, auth.logs.filter((l) => l.level === 'error')]).toEqual([
        201,
        expect.anything(),
        [],
      ]);
      const login = await postJson(`${auth.url}/login`, { username: 'pgann', password: 'hunter2hunter2' });
      const me = await json(`${auth.url}/me`, { headers: bearer(login.body.token) });
      kid = JSON.parse(Buffer.from(login.body.token.split('.')[0], 'base64url').toString()).kid;
      expect(me.body.username).toBe('pgann');
      expect((await json(`${auth.url}/health`)).status).toBe(200);
    } finally {
      expect(await stop(auth)).toBe(0);
    }
    const stored = await pg.psql("SELECT password_hash FROM users WHERE username = 'pgann'");
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(stored).not.toContain('hunter2');
    expect(auth.logs.map((l) => JSON.stringify(l)).join('\n')).not.toContain('hunter2');
    // Only the public half of the signing key is in the database.
    expect(await pg.psql("SELECT count(*) FROM signing_keys WHERE public_key LIKE '%PRIVATE%'")).toBe('0\n');
    expect(await pg.psql(`SELECT public_key FROM signing_keys WHERE kid = '${kid}'`)).toMatch(
      /^-----BEGIN PUBLIC KEY-----\n.+\n-----END PUBLIC KEY-----\n+$/,
    );
  });

  describe('running together, two game replicas sharing the database', () => {
    let sys: LocalSystem | undefined;
    const players: Record<string, { token: string; id: string }> = {};
    beforeAll(async () => {
      if (!pg) return;
      sys = await startSystem(pg.url, 2);
      for (const username of ['ann', 'bob', 'eve']) {
        const credentials = { username, password: `${username}-password` };
        expect((await postJson(`${sys.baseUrl}/api/auth/signup`, credentials)).status).toBe(201);
        const login = await postJson(`${sys.baseUrl}/api/auth/login`, credentials);
        players[username] = { token: login.body.token, id: login.body.user.id };
      }
    }, 60_000);
    afterAll(() => sys?.stop());

    const as = (who: string, url: string, body?: unknown) =>
      json(url, {
        method: body === undefined ? 'GET' : 'POST',
        body: body === undefined ? undefined : JSON.stringify(body),
        headers: bearer(players[who].token),
      });

    async function pair(): Promise<string> {
      const waiting = await as('ann', `${sys!.baseUrl}/api/matchmaking/queue`, {});
      expect(waiting.body.status).toBe('waiting');
      const matched = await as('bob', `${sys!.baseUrl}/api/matchmaking/queue`, {});
      expect(matched.status).toBe(201);
      const ticket = await as('ann', `${sys!.baseUrl}/api/matchmaking/queue/ann`);
      expect(ticket.body).toEqual({
        status: 'matched',
        player: 'ann',
        opponent: 'bob',
        gameId: matched.body.gameId,
      });
      return matched.body.gameId;
    }

    it('any replica serves any request; one dying loses nothing; the finished game and its score are stored', async () => {
      if (!sys || !pg) return console.warn(`skipped: ${noDatabase}`);
      const [b, a] = sys.games; // the frontend talks to the first; the second dies
      const id = await pair();
      const onA = await as('ann', `${a.url}/games/${id}`);
      expect(onA.status).toBe(200);
      expect([onA.body.paddles.left.player, onA.body.paddles.right.player]).toEqual(['ann', 'bob']);
      // A move through replica B is what replica A serves next.
      expect((await as('bob', `${b.url}/games/${id}/moves`, { direction: -1 })).status).toBe(200);
      expect((await as('ann', `${a.url}/games/${id}`)).body.paddles.right.direction).toBe(-1);
      // Replica A dies without warning (a Spot interruption); B carries the game on.
      await stop(a, 'SIGKILL');
      expect((await as('ann', `${b.url}/games/${id}/moves`, { direction: 1 })).status).toBe(200);
      let state = (await as('eve', `${b.url}/games/${id}`)).body;
      expect(state.paddles.left.direction).toBe(1);
      const deadline = Date.now() + 60_000;
      while (state.status === 'playing' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        state = (await as('ann', `${b.url}/games/${id}`)).body;
      }
      expect(state.status).toBe('finished');
      const row = await pg.psql(
        `SELECT left_username, left_score, right_username, right_score, winner, ranked FROM results WHERE game_id = '${id}'`,
      );
      const [left, leftScore, right, rightScore, winner, ranked] = row.trim().split('|');
      expect([left, right, ranked]).toEqual(['ann', 'bob', 't']);
      expect(Math.max(Number(leftScore), Number(rightScore))).toBe(5);
      expect(winner).toBe(state.winner);
      const results = await as('bob', `${sys.baseUrl}/api/game/results`);
      expect(results.body[0]).toMatchObject({ gameId: id, winner: state.winner });
    }, 90_000);

    it('forged tokens are refused by game and matchmaking; nobody moves a paddle that is not theirs', async () => {
      if (!sys) return console.warn(`skipped: ${noDatabase}`);
      const game = sys.games[0].url;
      const id = await pair();
      // eve takes bob's token apart and claims to be bob, keeping bob's signature.
      const [head, , signature] = players.eve.token.split('.');
      const claims = { sub: players.bob.id, name: 'bob', iat: 0, exp: 4e9 };
      const forged = `${head}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
      const moves = `${game}/games/${id}/moves`;
      for (const [url, init] of [
        [moves, { method: 'POST', body: '{"direction":1}' }],
        [`${sys.baseUrl}/api/matchmaking/queue`, { method: 'POST', body: '{}' }],
        [`${sys.baseUrl}/api/game/results`, {}],
      ] as const) {
        const res = await json(url, { ...init, headers: bearer(forged) });
        expect([url, res.status, res.body.error]).toEqual([url, 401, expect.stringMatching(/signature/)]);
        expect((await json(url, init)).status).toBe(401);
      }
      const annMovesBob = await as('ann', moves, { direction: 1, side: 'right' });
      expect([annMovesBob.status, annMovesBob.body.error]).toEqual([
        403,
        'the right paddle is not yours to move',
      ]);
      expect((await as('eve', moves, { direction: 1 })).status).toBe(403);
      expect((await as('bob', `${sys.baseUrl}/api/matchmaking/queue/ann`)).status).toBe(403);
      expect((await as('ann', `${game}/games/${id}`)).body.paddles.right.direction).toBe(0);
    });

    it('live state over WebSocket on the /ws/ path, through the frontend; moves over the socket', async () => {
      if (!sys) return console.warn(`skipped: ${noDatabase}`);
      const id = await pair();
      const ws = new WebSocket(`${sys.baseUrl.replace('http', 'ws')}/ws/game/games/${id}`);
      const states: { paddles: { left: { direction: number } }; elapsedMs: number }[] = [];
      ws.on('message', (data) => {
        const message = JSON.parse(String(data));
        if (message.type === 'state') states.push(message.game);
      });
      await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject));
      ws.send(JSON.stringify({ type: 'auth', token: players.ann.token }));
      const until = async (pred: () => boolean) => {
        for (let i = 0; i < 100 && !pred(); i++) await new Promise((r) => setTimeout(r, 20));
        return pred();
      };
      expect(await until(() => states.length >= 5)).toBe(true);
      expect(states.at(-1)!.elapsedMs).toBeGreaterThan(states[0].elapsedMs);
      ws.send(JSON.stringify({ type: 'move', direction: -1 }));
      expect(await until(() => states.at(-1)!.paddles.left.direction === -1)).toBe(true);
      ws.close();
    });

    it('every process stops cleanly on SIGTERM', async () => {
      if (!sys) return console.warn(`skipped: ${noDatabase}`);
      const alive = [sys.auth, sys.games[0], sys.matchmaking, sys.ai, sys.frontend];
      expect(await Promise.all(alive.map((r) => stop(r)))).toEqual([0, 0, 0, 0, 0]);
      for (const r of alive)
        expect(r.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down', 'stopped']));
    });
  });

  it('game and matchmaking refuse to start without a way to verify tokens, saying what to set', async () => {
    for (const name of ['game', 'matchmaking']) {
      const r = await run('node', ['dist/server.js'], {
        cwd: path.join(servicesDir, name),
        env: { PATH: process.env.PATH },
      });
      expect([name, r.code]).toEqual([name, 2]);
      expect(r.stdout).toMatch(/set DATABASE_URL \(or PGHOST…\) or AUTH_URL/);
    }
  });
});

describe('database TLS, chosen by PGSSLMODE', () => {
  let pg: Postgres | undefined;
  let certs = '';
  beforeAll(async () => {
    if (noDatabase) return;
    // A CA of our own and a server certificate for localhost, as RDS has its CA and endpoint name.
    certs = await mkdtemp(path.join(tmpdir(), 'svc-tls-'));
    const ssl = (...args: string[]) => mustRun('openssl', args, { cwd: certs });
    for (const ca of ['ca', 'other-ca']) {
      await ssl(
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '2',
        '-subj',
        `/CN=Test ${ca}`,
        '-keyout',
        `${ca}.key`,
        '-out',
        `${ca}.pem`,
      );
    }
    await ssl(
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      '/CN=localhost',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
    );
    await writeFile(path.join(certs, 'san.ext'), 'subjectAltName=DNS:localhost\n');
    await ssl(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      'san.ext',
      '-out',
      'server.pem',
    );
    pg = await startPostgres({
      cert: await readFile(path.join(certs, 'server.pem'), 'utf8'),
      key: await readFile(path.join(certs, 'server.key'), 'utf8'),
    });
  }, 60_000);
  afterAll(async () => {
    await pg?.stop();
    if (certs) await rm(certs, { recursive: true, force: true });
  });

  const migrate = (host: string, env: Record<string, string>) =>
    run('node', ['dist/migrate.js'], {
      cwd: path.join(servicesDir, 'auth'),
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: `postgres://postgres@${host}:${pg!.port}/postgres`,
        ...env,
      },
    });

  it('verify-full connects only to the server its CA vouches for, under the name it was issued', async () => {
    if (!pg) return console.warn(`skipped: ${noDatabase}`);
    const ca = (name: string) => path.join(certs, `${name}.pem`);
    const good = await migrate('localhost', { PGSSLMODE: 'verify-full', PGSSLROOTCERT: ca('ca') });
    expect([good.code, good.stdout]).toEqual([0, expect.stringMatching(/migrations applied/)]);
    const wrongCa = await migrate('localhost', { PGSSLMODE: 'verify-full', PGSSLROOTCERT: ca('other-ca') });
    expect([wrongCa.code, wrongCa.stdout]).toEqual([
      1,
      expect.stringMatching(/migration failed.*certificate/),
    ]);
    const rdsBundle = await migrate('localhost', {});
    expect([rdsBundle.code, rdsBundle.stdout]).toEqual([
      1,
      expect.stringMatching(/migration failed.*certificate/),
    ]);
    const wrongName = await migrate('127.0.0.1', { PGSSLMODE: 'verify-full', PGSSLROOTCERT: ca('ca') });
    expect([wrongName.code, wrongName.stdout]).toEqual([
      1,
      expect.stringMatching(/migration failed.*(altnames|IP)/),
    ]);
  });

  it('a verified service really talks TLS; disable is plain; modes that do not verify are refused', async () => {
    if (!pg) return console.warn(`skipped: ${noDatabase}`);
    const auth = await start('auth', {
      DATABASE_URL: `postgres://postgres@localhost:${pg.port}/postgres`,
      PGSSLMODE: 'verify-full',
      PGSSLROOTCERT: path.join(certs, 'ca.pem'),
    });
    try {
      expect((await json(`${auth.url}/health`)).status).toBe(200);
      expect(
        await pg.psql(
          "SELECT bool_and(ssl) FROM pg_stat_ssl JOIN pg_stat_activity USING (pid) WHERE datname = 'postgres' AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
        ),
      ).toBe('t\n');
    } finally {
      await stop(auth);
    }
    expect((await migrate('127.0.0.1', { PGSSLMODE: 'disable' })).code).toBe(0);
    for (const mode of ['require', 'no-verify']) {
      const refused = await migrate('localhost', { PGSSLMODE: mode });
      expect([mode, refused.code, refused.stdout]).toEqual([
        mode,
        2,
        expect.stringMatching(`PGSSLMODE=${mode} does not verify`),
      ]);
    }
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
    const docker = await buildkitDocker();
    await mustRun(
      docker.tool,
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
      { cwd: root, env: docker.env },
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
