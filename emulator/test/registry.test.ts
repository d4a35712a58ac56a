// The registry endpoint (OCI distribution API v2 on the emulator's port): basic auth with the ECR
// token, blob uploads with digest checks, cross-repository mounts, manifests with content
// negotiation, tag lists; then the real docker CLI: login, push, pull and the immutable-tag refusal.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  ECRClient,
} from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { EmulatorContext } from '../src/context.js';
import { ecrStore } from '../src/ecr/index.js';
import { type Emulator, startEmulator } from '../src/index.js';
import {
  buildImage,
  OCI_MANIFEST,
  pushImage,
  putManifest,
  registryLogin,
  sha256,
  uploadBlob,
} from './registry-support.js';

let emu: Emulator;
let ecr: ECRClient;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, clock: 'virtual' });
  ecr = new ECRClient({
    endpoint: emu.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  ecr?.destroy();
  await emu?.stop();
});

describe('registry API', () => {
  let authorization: string;
  beforeEach(async () => {
    await fetch(`${emu.url}/_cendence/reset`, { method: 'POST' });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'web' }));
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'other' }));
    ({ authorization } = await registryLogin(ecr));
  });

  it('challenges requests without a valid token with Basic auth, as ECR does', async () => {
    const anonymous = await fetch(`${emu.url}/v2/`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm="/);
    expect((await anonymous.json()).errors[0].code).toBe('UNAUTHORIZED');
    const wrong = await fetch(`${emu.url}/v2/`, {
      headers: { authorization: `Basic ${Buffer.from('AWS:not-a-token').toString('base64')}` },
    });
    expect(wrong.status).toBe(401);
    const ok = await fetch(`${emu.url}/v2/`, { headers: { authorization } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
  });

  it('verifies the sha256 of an upload and answers 404 NAME_UNKNOWN for a repository that does not exist', async () => {
    const start = await fetch(`${emu.url}/v2/web/blobs/uploads/`, {
      method: 'POST',
      headers: { authorization },
    });
    const location = new URL(start.headers.get('location')!, emu.url);
    await fetch(location, { method: 'PATCH', headers: { authorization }, body: Buffer.from('some bytes') });
    location.searchParams.set('digest', sha256('other bytes'));
    const put = await fetch(location, { method: 'PUT', headers: { authorization } });
    expect(put.status).toBe(400);
    expect((await put.json()).errors[0].code).toBe('DIGEST_INVALID');

    const unknown = await fetch(`${emu.url}/v2/nope/blobs/uploads/`, {
      method: 'POST',
      headers: { authorization },
    });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).errors[0]).toMatchObject({
      code: 'NAME_UNKNOWN',
      message: expect.stringContaining("The repository with name 'nope' does not exist"),
    });
  });

  it('accepts a monolithic upload and serves the blob only in repositories that hold it, until mounted', async () => {
    const data = Buffer.from('monolithic layer');
    const digest = sha256(data);
    const post = await fetch(`${emu.url}/v2/web/blobs/uploads/?digest=${digest}`, {
      method: 'POST',
      headers: { authorization },
      body: data,
    });
    expect(post.status).toBe(201);
    expect(post.headers.get('docker-content-digest')).toBe(digest);
    const head = await fetch(`${emu.url}/v2/web/blobs/${digest}`, {
      method: 'HEAD',
      headers: { authorization },
    });
    expect([head.status, head.headers.get('content-length')]).toEqual([200, String(data.length)]);
    expect(
      Buffer.from(
        await (
          await fetch(`${emu.url}/v2/web/blobs/${digest}`, { headers: { authorization } })
        ).arrayBuffer(),
      ),
    ).toEqual(data);

    expect(
      (await fetch(`${emu.url}/v2/other/blobs/${digest}`, { method: 'HEAD', headers: { authorization } }))
        .status,
    ).toBe(404);
    const mount = await fetch(`${emu.url}/v2/other/blobs/uploads/?mount=${digest}&from=web`, {
      method: 'POST',
      headers: { authorization },
    });
    expect(mount.status).toBe(201);
    expect(
      (await fetch(`${emu.url}/v2/other/blobs/${digest}`, { method: 'HEAD', headers: { authorization } }))
        .status,
    ).toBe(200);
  });

  it('serves manifests by tag and digest with Docker-Content-Digest, honouring Accept', async () => {
    const image = await buildImage(emu.url, authorization, 'web', 'oci content', OCI_MANIFEST);
    const put = await putManifest(emu.url, authorization, 'web', 'oci', image.manifest, OCI_MANIFEST);
    expect(put.status).toBe(201);
    expect(put.headers.get('docker-content-digest')).toBe(image.digest);

    const byTag = await fetch(`${emu.url}/v2/web/manifests/oci`, {
      headers: {
        authorization,
        accept: `${OCI_MANIFEST}, application/vnd.docker.distribution.manifest.v2+json`,
      },
    });
    expect(byTag.status).toBe(200);
    expect(byTag.headers.get('content-type')).toBe(OCI_MANIFEST);
    expect(await byTag.text()).toBe(image.manifest);
    const byDigest = await fetch(`${emu.url}/v2/web/manifests/${image.digest}`, {
      method: 'HEAD',
      headers: { authorization },
    });
    expect(byDigest.headers.get('docker-content-digest')).toBe(image.digest);
    // A client that only speaks docker schema2 does not get an OCI manifest.
    const dockerOnly = await fetch(`${emu.url}/v2/web/manifests/oci`, {
      headers: { authorization, accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    });
    expect(dockerOnly.status).toBe(404);

    const missingBlob = JSON.parse(image.manifest);
    missingBlob.layers[0].digest = sha256('never uploaded');
    const bad = await putManifest(
      emu.url,
      authorization,
      'web',
      'broken',
      JSON.stringify(missingBlob),
      OCI_MANIFEST,
    );
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors[0].code).toBe('MANIFEST_BLOB_UNKNOWN');
  });

  it('lists tags with n/last paging', async () => {
    for (const t of ['b', 'a', 'c']) await pushImage(emu.url, authorization, 'web', t);
    const all = await (await fetch(`${emu.url}/v2/web/tags/list`, { headers: { authorization } })).json();
    expect(all).toEqual({ name: 'web', tags: ['a', 'b', 'c'] });
    const page = await fetch(`${emu.url}/v2/web/tags/list?n=2`, { headers: { authorization } });
    expect((await page.json()).tags).toEqual(['a', 'b']);
    expect(page.headers.get('link')).toContain('last=b');
  });

  it('honours injected faults on the registry under the ECR operation names', async () => {
    const image = await buildImage(emu.url, authorization, 'web', 'faulty');
    const inject = (fault: object) =>
      fetch(`${emu.url}/_cendence/faults`, { method: 'POST', body: JSON.stringify(fault) });
    await inject({ service: 'ecr', operation: 'PutImage', error: 'ServiceUnavailable', times: 1 });
    const refused = await putManifest(emu.url, authorization, 'web', 'v1', image.manifest);
    expect(refused.status).toBe(503);
    expect((await refused.json()).errors[0].code).toBe('UNAVAILABLE');
    expect((await putManifest(emu.url, authorization, 'web', 'v1', image.manifest)).status).toBe(201);

    await inject({ service: 'ecr', operation: 'InitiateLayerUpload', drop: true, times: 1 });
    await expect(
      fetch(`${emu.url}/v2/web/blobs/uploads/`, { method: 'POST', headers: { authorization } }),
    ).rejects.toThrow();
    const calls = await (await fetch(`${emu.url}/_cendence/calls?service=ecr`)).json();
    expect(
      calls
        .filter((c: { error?: string }) => c.error)
        .map((c: { operation: string; error: string }) => [c.operation, c.error]),
    ).toEqual([
      ['PutImage', 'ServiceUnavailable'],
      ['InitiateLayerUpload', 'ConnectionDropped'],
    ]);
  });

  it('keeps large blobs off the heap and still serves them intact', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    const digest = await uploadBlob(emu.url, authorization, 'web', big);
    const store = ecrStore({
      clock: emu.clock,
      region: emu.region,
      accountId: emu.accountId,
      host: emu.host,
      world: emu.world,
    } as EmulatorContext);
    expect(store.blobs.onDisk(digest)).toBe(true);
    const back = Buffer.from(
      await (await fetch(`${emu.url}/v2/web/blobs/${digest}`, { headers: { authorization } })).arrayBuffer(),
    );
    expect(sha256(back)).toBe(digest);
  });
});

// ---- the real docker CLI ----

function run(
  cmd: string,
  args: string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
) {
  // Asynchronous on purpose: the emulator serves docker's requests from this same process.
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', (e) => resolve({ code: -1, stdout, stderr: String(e) }));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

describe('docker against the registry', () => {
  let dockerReady = false;
  let tmp: string;
  let env: NodeJS.ProcessEnv;
  let host: string;
  const refs: string[] = [];

  beforeAll(async () => {
    const info = await run('docker', ['info', '--format', '{{.ServerVersion}}']);
    dockerReady = info.code === 0;
    if (!dockerReady) {
      console.log(
        `skipping docker registry tests: docker info failed (${info.stderr.trim().split('\n')[0]})`,
      );
      return;
    }
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cendence-registry-test-'));
    env = { ...process.env, DOCKER_CONFIG: path.join(tmp, 'docker-config') };
    host = new URL(emu.url).host;
  });
  afterAll(async () => {
    if (!dockerReady) return;
    if (refs.length > 0) await run('docker', ['rmi', '--force', ...refs], { env });
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** Builds a FROM scratch image with one small file (no base image to pull). */
  async function build(ref: string, content: string) {
    const dir = fs.mkdtempSync(path.join(tmp, 'ctx-'));
    fs.writeFileSync(path.join(dir, 'hello.txt'), content);
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\n');
    const out = await run('docker', ['build', '-q', '-t', ref, dir], { env });
    expect({ code: out.code, stderr: out.code === 0 ? '' : out.stderr }).toEqual({ code: 0, stderr: '' });
    refs.push(ref, out.stdout.trim()); // the tag and the image id, so a re-tagged image is removed too
  }

  async function login(password: string) {
    return run('docker', ['login', '--username', 'AWS', '--password-stdin', host], { input: password, env });
  }

  it('logs in with the ECR token, pushes, pulls, and the pushed image is in BatchGetImage', async () => {
    if (!dockerReady) return;
    await fetch(`${emu.url}/_cendence/reset`, { method: 'POST' });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'docker/web' }));
    const { password } = await registryLogin(ecr);
    const loggedIn = await login(password);
    expect(loggedIn.stdout).toContain('Login Succeeded');

    const ref = `${host}/docker/web:v1`;
    await build(ref, `hello ${Date.now()}\n`);
    const push = await run('docker', ['push', ref], { env });
    expect(push.code).toBe(0);
    const digest = /digest: (sha256:[a-f0-9]{64})/.exec(push.stdout)?.[1];
    expect(digest).toBeDefined();

    const pushCalls = await (await fetch(`${emu.url}/_cendence/calls?service=ecr&mutates=true`)).json();
    expect(new Set(pushCalls.map((c: { operation: string }) => c.operation))).toEqual(
      new Set([
        'CreateRepository',
        'InitiateLayerUpload',
        'UploadLayerPart',
        'CompleteLayerUpload',
        'PutImage',
      ]),
    );
    const got = await ecr.send(
      new BatchGetImageCommand({ repositoryName: 'docker/web', imageIds: [{ imageTag: 'v1' }] }),
    );
    expect(got.images?.[0].imageId?.imageDigest).toBe(digest);
    expect(got.images?.[0].imageManifestMediaType).toBe(
      'application/vnd.docker.distribution.manifest.v2+json',
    );

    expect((await run('docker', ['rmi', ref], { env })).code).toBe(0);
    const pull = await run('docker', ['pull', ref], { env });
    expect(pull.code).toBe(0);
    expect(pull.stdout).toContain(`Digest: ${digest}`);
    const described = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'docker/web', imageIds: [{ imageTag: 'v1' }] }),
    );
    expect(described.imageDetails?.[0].lastRecordedPullTime).toBeInstanceOf(Date);
  });

  it('pulls an image seeded from a world file', async () => {
    if (!dockerReady) return;
    await fetch(`${emu.url}/_cendence/reset`, { method: 'POST' });
    await emu.seed({ repositories: [{ name: 'docker/seeded', images: ['v1'] }] });
    const { password } = await registryLogin(ecr);
    expect((await login(password)).code).toBe(0);
    const ref = `${host}/docker/seeded:v1`;
    refs.push(ref);
    const pull = await run('docker', ['pull', ref], { env });
    expect({ code: pull.code, stderr: pull.stderr }).toEqual({ code: 0, stderr: '' });
    const d = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'docker/seeded', imageIds: [{ imageTag: 'v1' }] }),
    );
    expect(pull.stdout).toContain(`Digest: ${d.imageDetails?.[0].imageDigest}`);
  });

  it('refuses a login with a wrong token', async () => {
    if (!dockerReady) return;
    const out = await login('not-the-token');
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain('401 Unauthorized');
  });

  it('refuses to overwrite an immutable tag on docker push', async () => {
    if (!dockerReady) return;
    await fetch(`${emu.url}/_cendence/reset`, { method: 'POST' });
    await ecr.send(
      new CreateRepositoryCommand({ repositoryName: 'docker/frozen', imageTagMutability: 'IMMUTABLE' }),
    );
    const { password } = await registryLogin(ecr);
    expect((await login(password)).code).toBe(0);
    const ref = `${host}/docker/frozen:v1`;
    await build(ref, 'first\n');
    expect((await run('docker', ['push', ref], { env })).code).toBe(0);
    await build(ref, 'second\n');
    const since = Math.max(
      0,
      ...(await (await fetch(`${emu.url}/_cendence/calls`)).json()).map((c: { seq: number }) => c.seq),
    );
    const again = await run('docker', ['push', ref], { env });
    expect(again.code).not.toBe(0);
    // The refused push is in the call log the way CloudTrail shows ECR pushes.
    const calls = await (await fetch(`${emu.url}/_cendence/calls?service=ecr&since=${since}`)).json();
    expect(calls.find((c: { operation: string }) => c.operation === 'PutImage')).toMatchObject({
      mutates: true,
      error: 'ImageTagAlreadyExistsException',
    });
    expect(again.stderr).toContain(
      "tag invalid: The image tag 'v1' already exists in the 'docker/frozen' repository and cannot be overwritten because the tag is immutable.",
    );
  });
});
