// The registry layer cache, build secrets and the attestations, end to end with the real engines and the
// emulator's ECR: a fixture service (FROM scratch + busybox, two stages) built on a Docker engine of its
// own, its cache exported to ECR; the engine wiped (a new runner) and a file changed: the build stage's
// RUN comes from the registry cache. Bad inputs end with exit 2 and no mutating call.
import { execFileSync } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFreshDocker } from '../bench/fresh-docker.js';
import { type Emulator, startEmulator } from '../emulator/src/index.js';
import {
  argvLines,
  BUSYBOX,
  CapturingRunner,
  createCacheRepository,
  dockerStatus,
  type Fixture,
  makeFixture,
  runStep,
  summaryFile,
} from '../harness/build-push.js';
import { AwsClients } from '../shared/src/aws/clients.js';
import { UserError } from '../shared/src/errors.js';
import type { BuildRecord } from '../shared/src/image/build.js';
import { ecrLogin } from '../shared/src/registry/ecr-auth.js';
import { OciRegistry } from '../shared/src/registry/oci.js';
import { PROVENANCE_TYPE, SBOM_TYPE } from '../shared/src/registry/referrers.js';
import { buildStep } from '../shared/src/steps/build.js';
import { pushStep } from '../shared/src/steps/push.js';
import type { Problem } from '../shared/src/taskdef/problems.js';
import { checkImageContents } from '../shared/src/verify/image-contents.js';

const docker = dockerStatus();
const root = process.getuid?.() === 0;
const ready = docker.ok && BUSYBOX !== undefined && root;
if (!ready) {
  process.stdout.write(
    `skipping the build cache tests: ${docker.reason ?? (BUSYBOX ? 'needs root (a dockerd of its own)' : 'busybox-static is not installed')}\n`,
  );
}

const DOCKERFILE = [
  'FROM scratch AS deps',
  'COPY busybox /bin/busybox',
  'COPY deps.txt /deps.txt',
  // Stands in for `npm ci`: slow-ish work that depends only on the lockfile.
  'RUN ["/bin/busybox", "sh", "-c", "/bin/busybox cp /deps.txt /installed.txt && echo installed"]',
  'FROM scratch',
  'COPY busybox /bin/busybox',
  'COPY --from=deps /installed.txt /installed.txt',
  // The secret is readable by this RUN only; what stays in the image is its size, never its value.
  'RUN --mount=type=secret,id=npmrc ["/bin/busybox", "sh", "-c", "/bin/busybox wc -c < /run/secrets/npmrc > /secret-size || echo 0 > /secret-size"]',
  'COPY app/ /app/',
  'ENTRYPOINT ["/bin/busybox", "cat", "/app/message.txt"]',
  '',
].join('\n');

(ready ? describe : describe.skip)(
  'registry layer cache, secrets and attestations (Docker, emulator ECR)',
  () => {
    let emu: Emulator;
    let f: Fixture;
    let fresh: Awaited<ReturnType<typeof startFreshDocker>>;
    const secret = `npm-token-${Math.random().toString(36).slice(2)}${Date.now()}`;
    const first: { build?: BuildRecord; runner?: CapturingRunner; pushed?: string } = {};

    const build = async (inputs: Record<string, string> = {}) => {
      const r = await runStep(
        buildStep,
        { endpoint: emu.url, services: 'api', secrets: 'id=npmrc,env=CENDENCE_TEST_NPM_TOKEN', ...inputs },
        f,
      );
      return {
        record: JSON.parse(r.outputs.builds).api as BuildRecord,
        runner: r.runner,
        builds: r.outputs.builds,
      };
    };

    beforeAll(async () => {
      fresh = await startFreshDocker();
      emu = await startEmulator({ region: 'eu-west-3' });
      f = await makeFixture(['api']);
      await f.write('services/api/Dockerfile', DOCKERFILE);
      await f.write('services/api/deps.txt', 'left-pad@1.3.0\n');
      f.commit('two stages');
      f.env.DOCKER_HOST = fresh.host;
      f.env.CENDENCE_TEST_NPM_TOKEN = secret;
      await createCacheRepository(emu.url, 'fixture/api');
    }, 60_000);

    afterAll(async () => {
      await emu?.stop();
      await fresh?.stop();
      if (f) {
        await rm(f.repo, { recursive: true, force: true });
        await rm(f.shimDir, { recursive: true, force: true });
      }
    });

    it('a first build with no cache in the registry warns and builds cold, then saves the cache (mode max)', async () => {
      const { record, runner } = await build();
      expect(record.status).toBe('built');
      expect(record.cache?.hits).toBe(0);
      expect(record.cache?.ran.some((r) => r.includes('cp /deps.txt'))).toBe(true);
      expect(runner.output).toMatch(/warning: api: cache \S+fixture\/api:buildcache could not be read/);
      // Mode max: the deps stage has its own cache image beside the final one.
      expect(record.cacheTo).toEqual([
        `${emu.host}/fixture/api:buildcache-deps`,
        `${emu.host}/fixture/api:buildcache`,
      ]);
      first.build = record;
      first.runner = runner;
    }, 120_000);

    it('on a wiped engine, a changed file rebuilds with the deps stage from the registry cache', async () => {
      await fresh.wipe();
      await f.write('services/api/app/message.txt', 'api v2\n');
      f.commit('api v2');
      const { record, runner } = await build();
      expect(record.status).toBe('built');
      // The lockfile stand-in did not run again; the changed COPY (and what follows it) did.
      expect(record.cache?.ran.some((r) => r.includes('cp /deps.txt'))).toBe(false);
      expect(record.cache?.ran).toEqual(['COPY app/ /app/']);
      expect(record.cache?.hits).toBeGreaterThanOrEqual(4);
      expect(runner.output).not.toMatch(/warning:/);
      // The deps stage came whole from its registry cache: it is not rebuilt or pushed again, only the image's.
      expect(record.cache?.stagesRan).not.toContain('deps');
      expect(record.cacheTo).toEqual([`${emu.host}/fixture/api:buildcache`]);
      expect(runner.output).toContain('buildcache-deps is unchanged');
    }, 120_000);

    it('push adds an SBOM and a provenance statement as OCI referrers and as files; the secret is nowhere', async () => {
      const { builds, record } = await build();
      const push = await runStep(pushStep, { builds, endpoint: emu.url, 'attestations-dir': 'attest' }, f);
      const pushed = push.result.pushes[0];
      expect(pushed.status).toBe('pushed');
      first.pushed = pushed.uri;
      expect(pushed.attestations?.signed).toBe(false);
      // Through the registry's referrers API, as any OCI client would see them.
      const runner = new CapturingRunner(summaryFile(f));
      const aws = new AwsClients({ region: 'eu-west-3', endpoint: emu.url });
      const reg = new OciRegistry(await ecrLogin(aws, runner));
      const refs = await reg.referrers('fixture/api', pushed.digest);
      expect(refs.map((r) => r.artifactType).sort()).toEqual([PROVENANCE_TYPE, SBOM_TYPE].sort());
      expect(refs.every((r) => r.annotations?.['io.cendence.signature']?.startsWith('unsigned'))).toBe(true);
      const provenance = JSON.parse(
        await readFile(path.join(f.repo, 'attest', 'api.provenance.json'), 'utf8'),
      );
      expect(provenance.subject[0].digest.sha256).toBe(pushed.digest.slice('sha256:'.length));
      expect(provenance.predicate.buildDefinition.externalParameters.source.commit).toBe(record.gitTag);
      expect(provenance.predicate.buildDefinition.externalParameters.secrets).toEqual(['npmrc']);
      expect(provenance.predicate.buildDefinition.internalParameters.cacheFrom).toEqual([
        `${emu.host}/fixture/api:buildcache`,
      ]);
      const sbom = JSON.parse(await readFile(path.join(f.repo, 'attest', 'api.cdx.json'), 'utf8'));
      expect(sbom.bomFormat).toBe('CycloneDX');
      expect(sbom.metadata.component.version).toBe(pushed.digest);

      // The RUN saw the secret (its size is in the image) ...
      const size = execFileSync(
        'docker',
        ['-H', fresh.host, 'run', '--rm', '--network', 'none', `${record.image}:${record.contentTag}`],
        { encoding: 'utf8' },
      );
      expect(size).toContain('api v2');
      const sizeFile = execFileSync(
        'docker',
        [
          '-H',
          fresh.host,
          'run',
          '--rm',
          '--network',
          'none',
          '--entrypoint',
          '/bin/busybox',
          `${record.image}:${record.contentTag}`,
          'cat',
          '/secret-size',
        ],
        { encoding: 'utf8' },
      );
      expect(Number(sizeFile.trim())).toBe(secret.length);
      // ... but its value is in no layer, no argv, no log, no summary, no provenance or SBOM.
      const saved = execFileSync(
        'docker',
        ['-H', fresh.host, 'save', `${record.image}:${record.contentTag}`],
        {
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      expect(saved.includes(Buffer.from(secret))).toBe(false);
      const files = (await readdir(path.join(f.repo, 'attest'))).map((n) => path.join(f.repo, 'attest', n));
      const everything = [
        ...(await argvLines(f)),
        first.runner?.output ?? '',
        push.runner.output,
        await readFile(summaryFile(f), 'utf8'),
        ...(await Promise.all(files.map((p) => readFile(p, 'utf8')))),
        JSON.stringify(refs),
      ].join('\n');
      expect(everything).not.toContain(secret);
      aws.destroy();
    }, 120_000);

    it('verify refuses an ARM64 task for this amd64-only image, and passes X86_64 with its attestations', async () => {
      const image = first.pushed!;
      const runner = new CapturingRunner(summaryFile(f));
      const aws = new AwsClients({ region: 'eu-west-3', endpoint: emu.url });
      const check = async (cpuArchitecture: string) => {
        const problems: Problem[] = [];
        const checked: string[] = [];
        const t = {
          name: 'api',
          file: 'services/api/service.yml',
          images: [image],
          cpuArchitecture,
          requireAttestations: 'manifest' as const,
        };
        await checkImageContents(aws, [t], problems, checked, runner);
        return { problems, checked };
      };
      const arm = await check('ARM64');
      expect(arm.problems).toHaveLength(1);
      expect(arm.problems[0].message).toBe(
        'the task definition runs ARM64, but the pushed image offers only amd64',
      );
      expect(arm.problems[0].fix).toContain('--platforms linux/amd64,linux/arm64');
      const x86 = await check('X86_64');
      expect(x86.problems).toEqual([]);
      expect(x86.checked).toContain(`image ${image} has an SBOM and a provenance statement (unsigned)`);
      aws.destroy();
    }, 60_000);

    it.each([
      [
        'a cache in another registry',
        { 'cache-from': 'registry.example.invalid/cache:x' },
        'cache-from',
        /not in 127\.0\.0\.1:\d+/,
      ],
      [
        'an unknown platform',
        { platforms: 'linux/amd64,linux/s390x' },
        'platforms',
        /'linux\/s390x', which Fargate does not run/,
      ],
      [
        'a secret file that does not exist',
        { secrets: 'id=npmrc,src=missing/.npmrc' },
        'secrets',
        /the source of 'npmrc' does not exist/,
      ],
      [
        'a secret variable that is not set',
        { secrets: 'id=npmrc,env=CENDENCE_UNSET_VARIABLE' },
        'secrets',
        /the variable CENDENCE_UNSET_VARIABLE is not set/,
      ],
    ])('%s: exit 2 naming the input, no mutating call', async (_name, inputs, input, message) => {
      const mark = emu.calls().length;
      const err = await build(inputs).catch((e) => e);
      expect(err).toBeInstanceOf(UserError);
      expect(err.exitCode).toBe(2);
      expect(err.where).toBe(input);
      expect(err.message).toMatch(message);
      expect(err.fix).toBeTruthy();
      expect(emu.calls({ since: mark }).filter((c) => c.mutates)).toEqual([]);
    });

    it('a base image without the requested architecture: exit 2 naming platforms, nothing built or pushed', async () => {
      // An amd64 base in the fresh engine: the fixture image itself, as a local image.
      const { record } = await build();
      await f.write(
        'services/api/Dockerfile',
        `FROM ${record.image}:${record.contentTag}\nCOPY app/ /app/\n`,
      );
      f.commit('FROM a local amd64 image');
      const mark = emu.calls().length;
      const err = await build({ platforms: 'linux/arm64' }).catch((e) => e);
      expect(err).toBeInstanceOf(UserError);
      expect(err.where).toBe('platforms');
      expect(err.message).toMatch(/has no linux\/arm64 variant \(it is amd64\)/);
      expect(emu.calls({ since: mark }).filter((c) => c.mutates)).toEqual([]);
      await f.write('services/api/Dockerfile', DOCKERFILE);
      f.commit('back to two stages');
    });
  },
);
