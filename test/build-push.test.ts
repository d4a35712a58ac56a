// build → test → push end to end: fixture services (FROM scratch + COPY) built by the real Docker engine,
// tested inside their images, pushed to the emulator's ECR through the token flow; then one service
// changes and only that one is built and pushed while the others are re-tagged with no bytes moved.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EmulatorContext } from '../emulator/src/context.js';
import { ecrStore } from '../emulator/src/ecr/index.js';
import { type Emulator, startEmulator } from '../emulator/src/index.js';
import {
  argvLines,
  BUSYBOX,
  CapturingRunner,
  dockerConfigDirs,
  dockerStatus,
  type Fixture,
  makeFixture,
  removeImages,
  runStep,
  summaryFile,
} from '../harness/build-push.js';
import { StepFailed, UserError } from '../shared/src/errors.js';
import { DockerEngine } from '../shared/src/image/docker.js';
import { buildStep } from '../shared/src/steps/build.js';
import { pushStep } from '../shared/src/steps/push.js';
import { testStep } from '../shared/src/steps/test.js';

// These runs are about re-use and the token flow; the registry cache has its own test (build-cache.test.ts).
const NO_CACHE = { 'cache-from': 'none', 'cache-to': 'none' };
const docker = dockerStatus();
const ready = docker.ok && BUSYBOX !== undefined;
if (!ready) {
  process.stdout.write(
    `skipping build/push end-to-end tests: ${docker.reason ?? 'busybox (static) is not installed; fixture images need it (apt-get install busybox-static)'}\n`,
  );
}

(ready ? describe : describe.skip)('build, test and push with Docker against the emulator', () => {
  let emu: Emulator;
  let f: Fixture;
  let ecr: ECRClient;
  const runners: CapturingRunner[] = [];
  const figures: Record<string, number> = {};
  let run1: { builds: string; images: Record<string, string>; sha: string };
  let run2: { builds: string; images: Record<string, string>; sha: string };

  const bytesReceived = () =>
    ecrStore({
      world: emu.world,
      clock: emu.clock,
      region: emu.region,
      accountId: emu.accountId,
      host: emu.host,
    } as EmulatorContext).blobs.stats.bytesReceived;
  const step = async <S, R>(
    s: Parameters<typeof runStep<S, R>>[0],
    inputs: Record<string, string | undefined>,
  ) => {
    const r = await runStep(s, inputs, f);
    runners.push(r.runner);
    return r;
  };
  const tagsOf = async (repositoryName: string, imageTag: string) =>
    (await ecr.send(new DescribeImagesCommand({ repositoryName, imageIds: [{ imageTag }] })))
      .imageDetails?.[0];

  beforeAll(async () => {
    emu = await startEmulator({ region: 'eu-west-3' });
    f = await makeFixture();
    ecr = new ECRClient({ region: 'eu-west-3', endpoint: emu.url });
  });

  afterAll(async () => {
    ecr?.destroy();
    await emu?.stop();
    if (f) {
      // Remove the fixture images from the daemon: they are named for this emulator's port.
      removeImages(`${emu.host}/fixture/*`);
      await rm(f.repo, { recursive: true, force: true });
      await rm(f.shimDir, { recursive: true, force: true });
    }
  });

  it('first run: builds every service, tests them in their images (JUnit), pushes them with the ECR token', async () => {
    const sha = f.git('rev-parse', 'HEAD');
    const started = Date.now();
    const build = await step(buildStep, { ...NO_CACHE, endpoint: emu.url, 'builds-file': 'out/builds.json' });
    const afterBuild = Date.now();
    expect(JSON.parse(build.outputs.built)).toEqual(['api', 'web', 'worker']);
    const builds = JSON.parse(build.outputs.builds);
    expect(builds.web).toMatchObject({ image: `${emu.host}/fixture/web`, gitTag: sha, status: 'built' });
    expect(builds.web.contentTag).toMatch(/^c-[0-9a-f]{16}$/);
    const labels = JSON.parse(
      execFileSync(
        'docker',
        ['image', 'inspect', '--format', '{{json .Config.Labels}}', `${builds.web.image}:${sha}`],
        {
          encoding: 'utf8',
        },
      ),
    );
    expect(labels['org.opencontainers.image.revision']).toBe(sha);
    expect(Date.parse(labels['org.opencontainers.image.created'])).toBeGreaterThan(0);

    // test reads the builds file the build step wrote, as a later CI job would.
    const test = await step(testStep, { builds: 'out/builds.json' });
    expect(test.outputs.passed).toBe('true');
    const junit = JSON.parse(test.outputs.junit);
    expect(Object.keys(junit)).toEqual(['web']);
    expect(await readFile(junit.web, 'utf8')).toContain('<testcase name="message"/>');
    expect(test.runner.output).toContain('testing api');

    const configsBefore = (await dockerConfigDirs(f)).length;
    const pushStarted = Date.now();
    const push = await step(pushStep, {
      builds: build.outputs.builds,
      endpoint: emu.url,
      'create-repository': 'true',
    });
    figures.fullBuildAndPushMs = afterBuild - started + (Date.now() - pushStarted);
    const images = JSON.parse(push.outputs.images) as Record<string, string>;
    expect(Object.keys(images)).toEqual(['api', 'web', 'worker']);
    for (const [svc, uri] of Object.entries(images)) {
      expect(uri).toMatch(new RegExp(`^${emu.host}/fixture/${svc}@sha256:[0-9a-f]{64}$`));
      const detail = await tagsOf(`fixture/${svc}`, sha);
      expect(detail?.imageDigest).toBe(uri.split('@')[1]);
      expect(detail?.imageTags?.sort()).toEqual([builds[svc].contentTag, sha].sort());
    }
    expect(emu.calls({ operation: 'CreateRepository' })).toHaveLength(3);
    // The login's private docker config folder (one for the whole push) is gone. Named, not counted:
    // suites in other jest workers make and remove folders of their own in the same place meanwhile.
    const configs = (await dockerConfigDirs(f)).slice(configsBefore);
    expect(configs).toHaveLength(1);
    expect(path.basename(configs[0])).toMatch(/^cendence-registry-/);
    expect(existsSync(configs[0])).toBe(false);
    // Login through stdin with a private config, then logout; nothing was printed before the token was masked.
    const argv = await argvLines(f);
    expect(argv.filter((a) => a.startsWith('login '))).toEqual([
      `login --username AWS --password-stdin ${emu.host}`,
    ]);
    expect(argv.filter((a) => a.startsWith('logout '))).toEqual([`logout ${emu.host}`]);
    expect(push.runner.maskedAt[0]).toBe(0);
    const summary = await readFile(summaryFile(f), 'utf8');
    expect(summary).toContain('### cendence push: 3 pushed, 0 already in the registry');
    run1 = { builds: build.outputs.builds, images, sha };
  });

  it('second run with one service changed: builds and pushes only it, re-tags the others without moving bytes', async () => {
    await f.write('services/api/app/message.txt', 'api v2\n');
    await f.write('services/web/notes/todo.md', 'an ignored file changed too\n');
    const sha = f.commit('api v2');
    const mark = emu.calls().length;
    const argvMark = (await argvLines(f)).length;
    const bytesBefore = bytesReceived();

    const started = Date.now();
    const build = await step(buildStep, { ...NO_CACHE, endpoint: emu.url });
    const afterBuild = Date.now();
    expect(JSON.parse(build.outputs.built)).toEqual(['api']);
    expect(JSON.parse(build.outputs.reused)).toEqual(['web', 'worker']);
    // The re-tags are ECR PutImage calls; nothing reached the registry's blob endpoints.
    const since = emu.calls({ since: mark });
    expect(since.filter((c) => c.operation === 'PutImage')).toHaveLength(2);
    expect(since.filter((c) => c.operation === 'BatchGetImage')).toHaveLength(2);
    expect(bytesReceived()).toBe(bytesBefore);
    for (const svc of ['web', 'worker']) {
      const detail = await tagsOf(`fixture/${svc}`, sha);
      expect(`${emu.host}/fixture/${svc}@${detail?.imageDigest}`).toBe(run1.images[svc]);
    }

    const test = await step(testStep, { builds: build.outputs.builds });
    expect(test.result.results.map((r) => [r.service, r.outcome])).toEqual([
      ['api', 'passed'],
      ['web', 'not built (content already pushed)'],
      ['worker', 'no test command'],
    ]);

    const pushStarted = Date.now();
    const push = await step(pushStep, { builds: build.outputs.builds, endpoint: emu.url });
    figures.oneChangeBuildAndPushMs = afterBuild - started + (Date.now() - pushStarted);
    expect(JSON.parse(push.outputs.pushed)).toEqual(['api']);
    const images = JSON.parse(push.outputs.images);
    expect(images.web).toBe(run1.images.web);
    expect(images.worker).toBe(run1.images.worker);
    expect(images.api).not.toBe(run1.images.api);
    expect(bytesReceived()).toBeGreaterThan(bytesBefore);
    const pushes = (await argvLines(f)).slice(argvMark).filter((a) => a.startsWith('push '));
    expect(pushes).toEqual([
      `push ${emu.host}/fixture/api:${JSON.parse(build.outputs.builds).api.contentTag}`,
      `push ${emu.host}/fixture/api:${sha}`,
    ]);
    expect(emu.calls({ since: mark, operation: 'CreateRepository' })).toHaveLength(0);
    run2 = { builds: build.outputs.builds, images, sha };
    process.stdout.write(
      `build+push wall time: all 3 fixture services ${figures.fullBuildAndPushMs} ms; one service changed ${figures.oneChangeBuildAndPushMs} ms\n`,
    );
  });

  it('pushing again is success when the immutable tags already point at the same digests', async () => {
    const push = await step(pushStep, { builds: run2.builds, endpoint: emu.url });
    expect(JSON.parse(push.outputs.images)).toEqual(run2.images);
    expect(push.result.pushes.find((p) => p.service === 'api')).toMatchObject({
      status: 'already in registry',
      bytesEstimate: 0,
    });
  });

  it('an immutable tag that points at another digest is a clear error', async () => {
    await f.write('services/api/app/message.txt', 'api v3\n');
    f.commit('api v3');
    // Build the new content but tag it with the previous commit's sha, which already names api v2.
    const build = await step(buildStep, {
      ...NO_CACHE,
      endpoint: emu.url,
      services: 'api',
      'git-sha': run2.sha,
    });
    const err = await step(pushStep, { builds: build.outputs.builds, endpoint: emu.url }).catch((e) => e);
    expect(err).toBeInstanceOf(StepFailed);
    expect(err.message).toContain(
      `fixture/api:${run2.sha} already points at ${run2.images.api.split('@')[1]}`,
    );
    expect(err.message).toContain('immutable');
  });

  it('a failing test fails the step and shows the test output', async () => {
    await f.write('services/api/app/message.txt', 'api v4 broken\n');
    f.commit('api broken');
    const build = await step(buildStep, { ...NO_CACHE, endpoint: emu.url, services: 'api' });
    const r = new CapturingRunner(path.join(f.shimDir, 'failing-summary.md'));
    runners.push(r);
    const err = await runStep(testStep, { builds: build.outputs.builds }, f, r).catch((e) => e);
    expect(err).toBeInstanceOf(StepFailed);
    expect(err.message).toBe('tests failed in api (exit 3); their output is shown above');
    expect(r.output).toContain('error: api: tests failed (exit 3)');
    expect(r.output).toContain('assertion failed: message is broken');
  });

  it('bad input exits 2 before any push or mutating call', async () => {
    const mark = emu.calls().length;
    const argvMark = (await argvLines(f)).length;
    const unknown = await step(buildStep, { ...NO_CACHE, endpoint: emu.url, services: 'api,billing' }).catch(
      (e) => e,
    );
    expect(unknown).toBeInstanceOf(UserError);
    expect(unknown.message).toBe("unknown service 'billing' (known: api, web, worker)");

    const webManifest = await readFile(path.join(f.repo, 'services/web/service.yml'), 'utf8');
    await f.write('services/web/service.yml', `${webManifest}build: { dockerfile: Dockerfile.prod }\n`);
    const missing = await step(buildStep, { ...NO_CACHE, endpoint: emu.url }).catch((e) => e);
    expect(missing.exitCode).toBe(2);
    expect(missing.where).toBe('services/web/service.yml');
    expect(missing.message).toBe('build.dockerfile: Dockerfile not found: services/web/Dockerfile.prod');
    await f.write('services/web/service.yml', webManifest);

    const down = await runStep(
      buildStep,
      { endpoint: emu.url },
      { ...f, env: { ...f.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' } },
    ).catch((e) => e);
    expect(down).toBeInstanceOf(UserError);
    expect(down.message).toMatch(/^docker is not running: /);
    expect(down.fix).toContain('--engine buildah');
    // The ECR login runs beside the engine check (steps/connect-beside-engine.ts): at most that read, no mutation.
    expect(emu.calls({ since: mark, mutates: true })).toEqual([]);
    for (const c of emu.calls({ since: mark })) expect(c.operation).toBe('GetAuthorizationToken');

    // A repository that does not exist, without create-repository: refused after login, before any push.
    const builds = JSON.parse(run2.builds);
    builds.api = { ...builds.api, repository: 'fixture/absent', image: `${emu.host}/fixture/absent` };
    const absent = await step(pushStep, { builds: JSON.stringify(builds), endpoint: emu.url }).catch(
      (e) => e,
    );
    expect(absent).toBeInstanceOf(UserError);
    expect(absent.message).toBe("ECR repository 'fixture/absent' does not exist");
    expect(absent.where).toBe('create-repository');
    expect(emu.calls({ since: mark, mutates: true })).toEqual([]);
    expect((await argvLines(f)).slice(argvMark).filter((a) => a.startsWith('push '))).toEqual([]);
  });

  it('a refused registry login is a UserError (exit 2)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cendence-login-'));
    try {
      const err = await new DockerEngine(f.env)
        .login({ registry: emu.host, username: 'AWS', password: 'not-a-token', insecure: true }, dir)
        .catch((e) => e);
      expect(err).toBeInstanceOf(UserError);
      expect(err.message).toMatch(new RegExp(`^docker login to ${emu.host} failed`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('no secret appears in any captured output, summary or docker argv', async () => {
    const secrets = runners.flatMap((r) => r.masked);
    expect(secrets.length).toBeGreaterThanOrEqual(10); // token + password, for each step that logged in
    const everything = [
      ...runners.map((r) => r.output),
      await readFile(summaryFile(f), 'utf8'),
      ...(await argvLines(f)),
    ].join('\n');
    for (const s of secrets) expect(everything.includes(s)).toBe(false);
  });
});
