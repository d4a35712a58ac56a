// arm64 for Fargate Graviton: a fixture service built for linux/amd64 and linux/arm64 with buildah (the
// arm64 RUN executes under qemu-user-static through binfmt_misc), pushed as one image index to the
// emulator's ECR with its registry cache; then Docker pulls the arm64 image from the index and runs it
// under emulation. The arm64 root is a static busybox from Debian (.ci/arm64-busybox.sh): tiny and fast.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchGetImageCommand, ECRClient } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Emulator, startEmulator } from '../emulator/src/index.js';
import { AwsClients } from '../shared/src/aws/clients.js';
import { exec } from '../shared/src/image/exec.js';
import { ecrLogin } from '../shared/src/registry/ecr-auth.js';
import { buildStep } from '../shared/src/steps/build.js';
import { pushStep } from '../shared/src/steps/push.js';
import type { Problem } from '../shared/src/taskdef/problems.js';
import { checkImageContents } from '../shared/src/verify/image-contents.js';
import {
  BUSYBOX,
  CapturingRunner,
  createCacheRepository,
  dockerStatus,
  type Fixture,
  hasTool,
  makeFixture,
  runStep,
  summaryFile,
} from './build-push-support.js';

const binfmt = '/proc/sys/fs/binfmt_misc/qemu-aarch64';
function skipReason(): string | undefined {
  if (!hasTool('buildah')) return 'buildah is not installed';
  if (!BUSYBOX) return 'busybox-static is not installed';
  if (!existsSync(binfmt)) return `qemu-aarch64 is not registered in binfmt_misc (.ci/run phase binfmt)`;
  if (!dockerStatus().ok) return 'docker is not available';
  return undefined;
}
const reason = skipReason();
if (reason) process.stdout.write(`skipping the arm64 test: ${reason}\n`);

const DOCKERFILE = [
  'FROM scratch',
  'ARG TARGETARCH',
  'COPY busybox-$TARGETARCH /bin/busybox',
  // Runs on the target architecture: under qemu for arm64.
  'RUN ["/bin/busybox", "sh", "-c", "/bin/busybox mkdir -p /usr/bin && /bin/busybox --install -s /bin && echo built-on-$(uname -m) > /arch"]',
  'CMD ["/bin/sh", "-c", "cat /arch; uname -m"]',
  '',
].join('\n');

/** One platform, no ARG: what the buildah cache test builds. */
const SINGLE = [
  'FROM scratch',
  'COPY busybox-amd64 /bin/busybox',
  'RUN ["/bin/busybox", "sh", "-c", "echo cached > /layer"]',
  '',
].join('\n');

(reason ? describe.skip : describe)('arm64: a multi-arch image index with buildah and qemu', () => {
  let emu: Emulator;
  let f: Fixture;
  let storage: string;
  let dockerConfig: string;
  let image: string;

  beforeAll(async () => {
    emu = await startEmulator({ region: 'eu-west-3' });
    f = await makeFixture(['edge']);
    storage = await mkdtemp(path.join(tmpdir(), 'cendence-buildah-arm64-'));
    dockerConfig = await mkdtemp(path.join(tmpdir(), 'cendence-docker-config-'));
    const arm64 = execFileSync('bash', [path.join(__dirname_(), '..', '.ci', 'arm64-busybox.sh')], {
      encoding: 'utf8',
    }).trim();
    await copyFile(arm64, path.join(f.repo, 'services/edge/busybox-arm64'));
    await copyFile(BUSYBOX!, path.join(f.repo, 'services/edge/busybox-amd64'));
    await f.write('services/edge/Dockerfile', DOCKERFILE);
    f.commit('edge, for amd64 and arm64');
    await createCacheRepository(emu.url, 'fixture/edge');
  }, 60_000);

  afterAll(async () => {
    if (image) {
      try {
        execFileSync('docker', ['image', 'rm', '--force', image], { stdio: 'ignore' });
      } catch {}
    }
    await emu?.stop();
    for (const d of [storage, dockerConfig, f?.repo, f?.shimDir])
      if (d) await rm(d, { recursive: true, force: true });
  });

  it('builds linux/amd64 + linux/arm64, pushes one index, and Docker runs its arm64 image under emulation', async () => {
    const engine = { engine: 'buildah', 'buildah-root': storage, endpoint: emu.url };
    const build = await runStep(buildStep, { ...engine, platforms: 'linux/amd64,linux/arm64' }, f);
    const record = JSON.parse(build.outputs.builds).edge;
    expect(record).toMatchObject({ status: 'built', platforms: ['linux/amd64', 'linux/arm64'] });
    expect(build.runner.output).toContain('[linux/arm64] STEP');
    // buildah keys its remote cache without the platform: a multi-platform build says so and skips it.
    expect(build.runner.output).toContain(
      'the registry cache is not used for a multi-platform buildah build',
    );
    expect(record.cacheTo).toEqual([]);

    const push = await runStep(pushStep, { ...engine, builds: build.outputs.builds }, f);
    const uri = JSON.parse(push.outputs.images).edge as string;
    image = uri;
    const ecr = new ECRClient({ region: 'eu-west-3', endpoint: emu.url });
    const got = await ecr.send(
      new BatchGetImageCommand({ repositoryName: 'fixture/edge', imageIds: [{ imageTag: record.gitTag }] }),
    );
    ecr.destroy();
    const index = JSON.parse(got.images?.[0]?.imageManifest ?? '{}');
    expect(got.images?.[0]?.imageId?.imageDigest).toBe(uri.split('@')[1]);
    expect(
      index.manifests.map((m: { platform: { architecture: string } }) => m.platform.architecture).sort(),
    ).toEqual(['amd64', 'arm64']);
    expect(push.result.pushes[0].attestations?.sbom).toMatch(/^sha256:/);

    // Docker picks the arm64 image out of the index and runs it through qemu.
    const aws = new AwsClients({ region: 'eu-west-3', endpoint: emu.url });
    const runner = new CapturingRunner(summaryFile(f));
    const login = await ecrLogin(aws, runner);
    const env = { ...process.env, DOCKER_CONFIG: dockerConfig };
    // Async: the emulator answers the daemon from this same process.
    const docker = async (args: string[], stdin?: string) => {
      const r = await exec('docker', args, { env, stdin });
      if (r.code !== 0) throw new Error(`docker ${args[0]}: ${r.output}`);
      return r.stdout;
    };
    await docker(['login', '--username', login.username, '--password-stdin', login.registry], login.password);
    await docker(['pull', '--quiet', '--platform', 'linux/arm64', uri]);
    const out = await docker(['run', '--rm', '--network', 'none', '--platform', 'linux/arm64', uri]);
    expect(out.trim().split('\n')).toEqual(['built-on-aarch64', 'aarch64']);

    // verify: an ARM64 task definition is satisfied by this index.
    const problems: Problem[] = [];
    const checked: string[] = [];
    await checkImageContents(
      aws,
      [{ name: 'edge', file: 'services/edge/service.yml', images: [uri], cpuArchitecture: 'ARM64' }],
      problems,
      checked,
      runner,
    );
    expect(problems).toEqual([]);
    expect(checked).toEqual([`image ${uri} offers ARM64`]);
    aws.destroy();
    expect(await readFile(summaryFile(f), 'utf8')).toContain('linux/amd64, linux/arm64');
  }, 180_000);

  it('buildah registry cache: a new runner (empty storage) takes COPY and RUN from ECR', async () => {
    const storages = [0, 1].map(() => mkdtemp(path.join(tmpdir(), 'cendence-buildah-cache-')));
    const [first, second] = await Promise.all(storages);
    const build = (root: string) =>
      runStep(buildStep, { engine: 'buildah', 'buildah-root': root, endpoint: emu.url }, f).then(
        (r) => JSON.parse(r.outputs.builds).edge,
      );
    try {
      await f.write('services/edge/Dockerfile', SINGLE);
      f.commit('edge, one platform');
      const cold = await build(first);
      expect(cold.cache.hits).toBe(0);
      expect(cold.cacheTo.length).toBeGreaterThan(0); // --cache-to, after the build succeeded
      await f.write('services/edge/Dockerfile', `${SINGLE}ENV EDGE_VERSION=2\n`);
      f.commit('edge v2');
      const warm = await build(second);
      // COPY and RUN came from the cache pulled from ECR; nothing ran.
      expect(warm.cache).toEqual({ hits: 2, misses: 0, ran: [] });
    } finally {
      for (const d of [first, second]) await rm(d, { recursive: true, force: true });
    }
  }, 180_000);
});

function __dirname_(): string {
  return path.dirname(new URL(import.meta.url).pathname);
}
