// The five Transcendence services from source to the emulator's ECR with the real Docker engine and the
// local base image (.ci/base-image.sh), then one service changed: only it is built and pushed. Opt-in
// (CENDENCE_E2E_SERVICES=1): `npm ci` inside five builds takes minutes; the fixture test
// (build-push.test.ts) covers the same behaviour in seconds on every run.
import { execFileSync } from 'node:child_process';
import { cp, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Emulator, startEmulator } from '../emulator/src/index.js';
import { dockerStatus, type Fixture, makeFixture, removeImages, runStep } from '../harness/build-push.js';
import { buildStep } from '../shared/src/steps/build.js';
import { pushStep } from '../shared/src/steps/push.js';
import { testStep } from '../shared/src/steps/test.js';

const BASE = process.env.CENDENCE_BASE_IMAGE ?? 'cendence/base:node20';
const SERVICES = ['ai', 'auth', 'frontend', 'game', 'matchmaking'];

function skipReason(): string | undefined {
  if (process.env.CENDENCE_E2E_SERVICES !== '1')
    return 'set CENDENCE_E2E_SERVICES=1 to build the real services';
  const docker = dockerStatus();
  if (!docker.ok) return docker.reason;
  try {
    execFileSync('docker', ['image', 'inspect', BASE], { stdio: 'ignore' });
  } catch {
    return `base image ${BASE} is missing (run .ci/base-image.sh)`;
  }
  return undefined;
}
const reason = skipReason();
if (reason) process.stdout.write(`skipping the real-services build/push test: ${reason}\n`);

(reason ? describe.skip : describe)('the five services: build, test in image, push, then one change', () => {
  let emu: Emulator;
  let f: Fixture;
  const inputs = () => ({ endpoint: emu.url, network: 'host', 'build-args': `BASE_IMAGE=${BASE}` });

  beforeAll(async () => {
    emu = await startEmulator({ region: 'eu-west-3' });
    f = await makeFixture([]);
    // The services as they are in this checkout, without installed or built files.
    await cp(path.join(__dirname_(), '..', 'services'), path.join(f.repo, 'services'), {
      recursive: true,
      filter: (src) => !/[\\/](node_modules|dist|coverage)([\\/]|$)/.test(src),
    });
    f.commit('the services');
  });
  afterAll(async () => {
    await emu?.stop();
    if (f) {
      removeImages(`${emu.host}/*`);
      await rm(f.repo, { recursive: true, force: true });
      await rm(f.shimDir, { recursive: true, force: true });
    }
  });

  it('builds all five, runs their tests inside the images, pushes; a one-service change builds and pushes only it', async () => {
    const t0 = Date.now();
    const build1 = await runStep(buildStep, inputs(), f);
    const buildMs = Date.now() - t0;
    expect(JSON.parse(build1.outputs.built).sort()).toEqual(SERVICES);
    const test1 = await runStep(testStep, { builds: build1.outputs.builds }, f);
    expect(test1.outputs.passed).toBe('true');
    expect(Object.keys(JSON.parse(test1.outputs.junit)).sort()).toEqual(SERVICES);
    const t1 = Date.now();
    const push1 = await runStep(
      pushStep,
      { ...inputs(), builds: build1.outputs.builds, 'create-repository': 'true' },
      f,
    );
    const full = buildMs + (Date.now() - t1);
    const images1 = JSON.parse(push1.outputs.images);

    await f.write('services/ai/src/change-marker.ts', 'export const changed = true;\n');
    f.commit('ai changed');
    const t2 = Date.now();
    const build2 = await runStep(buildStep, inputs(), f);
    expect(JSON.parse(build2.outputs.built)).toEqual(['ai']);
    const push2 = await runStep(pushStep, { ...inputs(), builds: build2.outputs.builds }, f);
    const one = Date.now() - t2;
    expect(JSON.parse(push2.outputs.pushed)).toEqual(['ai']);
    const images2 = JSON.parse(push2.outputs.images);
    for (const s of SERVICES.filter((x) => x !== 'ai')) expect(images2[s]).toBe(images1[s]);
    expect(images2.ai).not.toBe(images1.ai);
    const secs = (b: string) =>
      Object.values(JSON.parse(b) as Record<string, { service: string; seconds: number; status: string }>)
        .map((r) => `${r.service} ${r.status} ${r.seconds.toFixed(1)} s`)
        .join(', ');
    process.stdout.write(
      `real services build+push: all five ${full} ms (${secs(build1.outputs.builds)}); ` +
        `one service changed ${one} ms (${secs(build2.outputs.builds)})\n`,
    );
  }, 900_000);
});

function __dirname_(): string {
  return path.dirname(new URL(import.meta.url).pathname);
}
