// Each GitHub action run the way the runner runs it: `node actions/<step>/dist/index.js` (the committed
// bundle), inputs as INPUT_* with action.yml's defaults applied, outputs read back from $GITHUB_OUTPUT and
// the summary from $GITHUB_STEP_SUMMARY. One chain against the emulator and the Docker engine:
// plan → build → test → push → render → deploy → rollback, each step fed the previous steps' outputs.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import { BUSYBOX, dockerStatus } from './build-push-support.js';
import { type DoorWorld, deployableWorld, disposeWorld, REGION, run } from './doors-fixture.js';

const ROOT = join(import.meta.dirname, '..');
const docker = dockerStatus();
const ready = docker.ok && Boolean(BUSYBOX);
if (!ready)
  console.warn(`actions e2e skipped: ${docker.reason ?? 'no busybox binary to build the fixture image'}`);

interface ActionRun {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

/** $GITHUB_OUTPUT holds `name<<delimiter\nvalue\ndelimiter` blocks (@actions/core's file command format). */
function readOutputs(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) out[m[1]] = m[3];
  return out;
}

const ROLE = 'arn:aws:iam::123456789012:role/cendence-deploy';

/** The runner's OIDC token service (ACTIONS_ID_TOKEN_REQUEST_URL): answers {value: <JWT>} for an audience. */
async function fakeRunnerTokenService() {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const jwt = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ aud: 'sts.amazonaws.com', exp, sub: 'repo:o/r:environment:production' })}.c2lnbmF0dXJl`;
  const requests: { audience: string | null; auth?: string }[] = [];
  const server = createServer((req, res) => {
    requests.push({
      audience: new URL(req.url ?? '/', 'http://x').searchParams.get('audience'),
      auth: req.headers.authorization,
    });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ value: jwt }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/token?api-version=2.0`,
    jwt,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Runs actions/<step> from its bundle in the world's repository, as the runner would. */
function actionRunner(getWorld: () => DoorWorld, getDir: () => string) {
  let n = 0;
  return async function action(
    step: string,
    inputs: Record<string, string>,
    extraEnv = {},
  ): Promise<ActionRun> {
    const world = getWorld();
    const dir = getDir();
    const meta = parse(readFileSync(join(ROOT, 'actions', step, 'action.yml'), 'utf8'));
    const env: NodeJS.ProcessEnv = { ...world.fixture.env, GITHUB_ACTIONS: 'true', ...extraEnv };
    // The runner passes every declared input, its default when the workflow gives none.
    for (const [name, spec] of Object.entries<{ default?: string }>(meta.inputs ?? {})) {
      env[`INPUT_${name.toUpperCase()}`] = inputs[name] ?? spec.default ?? '';
    }
    n++;
    env.GITHUB_OUTPUT = join(dir, `${n}-${step}.output`);
    env.GITHUB_STEP_SUMMARY = join(dir, `${n}-${step}.summary`);
    writeFileSync(env.GITHUB_OUTPUT, '');
    writeFileSync(env.GITHUB_STEP_SUMMARY, '');
    const r = await run(process.execPath, [join(ROOT, 'actions', step, meta.runs.main)], {
      cwd: world.fixture.repo,
      env,
    });
    return {
      code: r.code,
      stdout: r.stdout,
      outputs: readOutputs(env.GITHUB_OUTPUT),
      summary: readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8'),
    };
  };
}

/** Exit code 0; on failure the assertion shows the action's log. */
function succeeded(r: ActionRun): void {
  expect([r.code, r.code === 0 ? 'ok' : r.stdout]).toEqual([0, 'ok']);
}

/** A world for one describe block: the emulator and fixture repository, an ECS client, a scratch folder. */
function actionsWorld(names: string[], prefix: string) {
  const s = {} as { world: DoorWorld; ecs: ECSClient; dir: string };
  beforeAll(async () => {
    if (!ready) return;
    s.dir = mkdtempSync(join(tmpdir(), prefix));
    s.world = await deployableWorld(names);
    s.ecs = new ECSClient({
      region: REGION,
      endpoint: s.world.emulator.url,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'emulator-secret-key-example' },
    });
  });
  afterAll(async () => {
    s.ecs?.destroy();
    if (s.dir) rmSync(s.dir, { recursive: true, force: true });
    await disposeWorld(s.world);
  });
  return {
    s,
    action: actionRunner(
      () => s.world,
      () => s.dir,
    ),
  };
}

describe('GitHub actions, run from their bundles like the runner does', () => {
  const { s, action } = actionsWorld(['web'], 'cendence-actions-');

  /** Every value announced with ::add-mask:: appears nowhere else in the log. */
  function expectMasked(stdout: string): void {
    for (const [, secret] of stdout.matchAll(/^::add-mask::(.+)$/gm)) {
      expect(stdout.split(secret).length - 1).toBe(1);
    }
  }

  const maybe = ready ? test : test.skip;

  maybe(
    'bad input fails before any AWS change: exit 2 and an error annotation naming the input',
    async () => {
      const before = s.world.emulator.calls({ mutates: true }).length;
      const r = await action('deploy', { services: 'nope', endpoint: s.world.emulator.url, region: REGION });
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(/^::error::services: unknown service.*nope/m);
      expect(s.world.emulator.calls({ mutates: true }).length).toBe(before);
    },
  );

  maybe('plan → build → test → push → render → deploy → rollback, chained through outputs', async () => {
    const aws = { endpoint: s.world.emulator.url, region: REGION };
    const service = async () =>
      (await s.ecs.send(new DescribeServicesCommand({ cluster: 'doors', services: ['web'] }))).services![0];
    const seeded = (await service()).taskDefinition!;

    const plan = await action('plan', { all: 'true' });
    succeeded(plan);
    expect(plan.outputs.services).toBe('["web"]');
    expect(JSON.parse(plan.outputs.matrix).include).toEqual([
      expect.objectContaining({ service: 'web', wave: 0 }),
    ]);

    const build = await action('build', { services: plan.outputs.services, ...aws });
    succeeded(build);
    expect(Object.keys(JSON.parse(build.outputs.builds))).toEqual(['web']);

    const tested = await action('test', { builds: build.outputs.builds });
    succeeded(tested);
    expect(tested.outputs.passed).toBe('true');

    const push = await action('push', { builds: build.outputs.builds, ...aws });
    succeeded(push);
    const images = JSON.parse(push.outputs.images) as Record<string, string>;
    expect(images.web).toMatch(/\/fixture\/web@sha256:[0-9a-f]{64}$/);
    // The ECR password is masked before anything prints, and only the mask command carries it.
    expect(push.stdout).toMatch(/^::add-mask::/m);
    expectMasked(push.stdout);

    const render = await action('render', { services: 'web', images: push.outputs.images, region: REGION });
    succeeded(render);
    const rendered = JSON.parse(readFileSync(JSON.parse(render.outputs['task-definitions']).web, 'utf8'));
    expect(rendered.containerDefinitions[0].image).toBe(images.web);

    const deploy = await action('deploy', { services: 'web', images: push.outputs.images, ...aws });
    succeeded(deploy);
    expect(deploy.outputs.status).toBe('succeeded');
    expect(JSON.parse(deploy.outputs['previous-revision'])).toEqual({ web: seeded });
    expect(deploy.summary).toContain('web');
    expect(existsSync(deploy.outputs['record-file'])).toBe(true);
    expectMasked(deploy.stdout);
    const live = (await service()).taskDefinition!;
    expect(live).not.toBe(seeded);
    const td = await s.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: live }));
    expect(td.taskDefinition!.containerDefinitions![0].image).toBe(images.web);

    // The rollback authenticates the way a workflow with `permissions: id-token: write` does: the runner's
    // token service hands out a JWT, STS exchanges it for the role's credentials.
    const runnerTokens = await fakeRunnerTokenService();
    const sts = s.world.emulator.calls({ operation: 'AssumeRoleWithWebIdentity' }).length;
    const rollback = await action(
      'rollback',
      { 'record-file': deploy.outputs['record-file'], 'role-to-assume': ROLE, ...aws },
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: runnerTokens.url,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runner-request-token-1234',
      },
    );
    await runnerTokens.close();
    succeeded(rollback);
    expect(runnerTokens.requests).toEqual([
      { audience: 'sts.amazonaws.com', auth: 'Bearer runner-request-token-1234' },
    ]);
    expect(s.world.emulator.calls({ operation: 'AssumeRoleWithWebIdentity' }).length).toBe(sts + 1);
    const assumedAt = s.world.emulator.calls({ operation: 'AssumeRoleWithWebIdentity' }).at(-1)!.seq;
    const ecsCalls = s.world.emulator.calls({ service: 'ecs' }).filter((c) => c.seq > assumedAt);
    expect(ecsCalls.length).toBeGreaterThan(0);
    expect(new Set(ecsCalls.map((c) => c.accessKeyId)).has('AKIDEXAMPLE')).toBe(false);
    expect(rollback.stdout).toContain(`::add-mask::${runnerTokens.jwt}`);
    expectMasked(rollback.stdout);
    expect(rollback.outputs.status).toBe('succeeded');
    expect(JSON.parse(rollback.outputs.revisions)).toEqual({ web: seeded });
    expect((await service()).taskDefinition).toBe(seeded);
  });
});

describe("release.yml's data flow for a four-wave release, through the action bundles", () => {
  const NAMES = ['db', 'api', 'game', 'web'];
  const { s, action } = actionsWorld(NAMES, 'cendence-actions-waves-');

  (ready ? test : test.skip)(
    'plan → images per matrix entry → one deploy of every planned service: all four waves deployed, in order',
    async () => {
      const aws = { endpoint: s.world.emulator.url, region: REGION };
      const plan = await action('plan', { all: 'true' });
      succeeded(plan);
      expect(JSON.parse(plan.outputs.waves)).toEqual(NAMES.map((n) => [n]));
      // The images job: one matrix entry per service, each uploading its own images file.
      const images: Record<string, string> = {};
      for (const entry of JSON.parse(plan.outputs.matrix).include as { service: string }[]) {
        const build = await action('build', { services: entry.service, ...aws });
        succeeded(build);
        succeeded(await action('test', { builds: build.outputs.builds }));
        const push = await action('push', { builds: build.outputs.builds, ...aws });
        succeeded(push);
        Object.assign(images, JSON.parse(push.outputs.images)); // jq -s 'add' over the downloaded files
      }
      expect(Object.keys(images).sort()).toEqual([...NAMES].sort());
      const before = s.world.emulator.calls({ operation: 'UpdateService' }).length;
      const deploy = await action('deploy', {
        services: plan.outputs.services,
        images: JSON.stringify(images),
        ...aws,
      });
      succeeded(deploy);
      expect(deploy.outputs.status).toBe('succeeded');
      // Every wave reached ECS, one UpdateService per service, dependencies first.
      expect(deploy.stdout).toContain(`waves: ${NAMES.join(' → ')}`);
      expect(s.world.emulator.calls({ operation: 'UpdateService' }).length - before).toBe(NAMES.length);
      const started: number[] = [];
      for (const name of NAMES) {
        const svc = (await s.ecs.send(new DescribeServicesCommand({ cluster: 'doors', services: [name] })))
          .services![0];
        started.push(svc.deployments!.find((d) => d.status === 'PRIMARY')!.createdAt!.getTime());
      }
      expect([...started].sort((a, b) => a - b)).toEqual(started);
      for (const name of NAMES) {
        const live = (await s.ecs.send(new DescribeServicesCommand({ cluster: 'doors', services: [name] })))
          .services![0].taskDefinition!;
        const td = await s.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: live }));
        expect(td.taskDefinition!.containerDefinitions![0].image).toBe(images[name]);
      }
    },
  );
});
