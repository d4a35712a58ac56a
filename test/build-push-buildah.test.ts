// buildah, for daemonless runners: one fixture service built with `buildah bud` (chroot isolation, vfs,
// private storage) and pushed in Docker format to the emulator's ECR through the token flow.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchGetImageCommand, ECRClient } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Emulator, startEmulator } from '../emulator/src/index.js';
import { BUSYBOX, type Fixture, hasTool, makeFixture, runStep } from '../harness/build-push.js';
import { buildStep } from '../shared/src/steps/build.js';
import { pushStep } from '../shared/src/steps/push.js';

const ready = hasTool('buildah') && BUSYBOX !== undefined;
if (!ready) {
  process.stdout.write(
    `skipping the buildah test: ${hasTool('buildah') ? 'busybox (static) is not installed' : 'buildah is not installed (apt-get install buildah)'}\n`,
  );
}

(ready ? describe : describe.skip)('build and push with buildah', () => {
  let emu: Emulator;
  let f: Fixture;
  let storage: string;

  beforeAll(async () => {
    emu = await startEmulator({ region: 'eu-west-3' });
    f = await makeFixture(['worker']);
    storage = await mkdtemp(path.join(tmpdir(), 'cendence-buildah-test-'));
  });
  afterAll(async () => {
    await emu?.stop();
    if (f) await rm(f.repo, { recursive: true, force: true });
    if (f) await rm(f.shimDir, { recursive: true, force: true });
    if (storage) await rm(storage, { recursive: true, force: true });
  });

  it('builds one service with buildah and pushes a Docker-format image the ECR API can read', async () => {
    const engine = { engine: 'buildah', 'buildah-root': storage, endpoint: emu.url };
    const build = await runStep(buildStep, engine, f);
    const builds = JSON.parse(build.outputs.builds);
    expect(builds.worker).toMatchObject({ status: 'built', image: `${emu.host}/fixture/worker` });
    expect(build.runner.output).toContain('COMMIT');

    const push = await runStep(
      pushStep,
      { ...engine, builds: build.outputs.builds, 'create-repository': 'true' },
      f,
    );
    const uri = JSON.parse(push.outputs.images).worker as string;
    expect(uri).toMatch(new RegExp(`^${emu.host}/fixture/worker@sha256:[0-9a-f]{64}$`));
    const ecr = new ECRClient({ region: 'eu-west-3', endpoint: emu.url });
    try {
      const got = await ecr.send(
        new BatchGetImageCommand({
          repositoryName: 'fixture/worker',
          imageIds: [{ imageTag: builds.worker.gitTag }],
        }),
      );
      expect(got.images?.[0]?.imageId?.imageDigest).toBe(uri.split('@')[1]);
      expect(got.images?.[0]?.imageManifestMediaType).toBe(
        'application/vnd.docker.distribution.manifest.v2+json',
      );
    } finally {
      ecr.destroy();
    }
    for (const secret of push.runner.masked) expect(push.runner.output.includes(secret)).toBe(false);
  });
});
