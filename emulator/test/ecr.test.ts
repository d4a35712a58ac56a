// ECR API through the real SDK client over HTTP: repositories, authorization tokens, images pushed
// over the registry API, re-tagging by manifest, immutable tags, lookups that throw or report
// failures, synthetic scan findings.

import {
  BatchCheckLayerAvailabilityCommand,
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImageScanFindingsCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  GetDownloadUrlForLayerCommand,
  ImageAlreadyExistsException,
  ImageNotFoundException,
  ImageTagAlreadyExistsException,
  InvalidParameterException,
  LayersNotFoundException,
  ListImagesCommand,
  PutImageCommand,
  RepositoryAlreadyExistsException,
  RepositoryNotFoundException,
  ScanNotFoundException,
} from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type Emulator, startEmulator } from '../src/index.js';
import { pushImage, putManifest, registryLogin, sha256 } from './registry-support.js';

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
beforeEach(async () => {
  await fetch(`${emu.url}/_cendence/reset`, { method: 'POST' });
});

const advance = (seconds: number) =>
  fetch(`${emu.url}/_cendence/clock/advance`, { method: 'POST', body: JSON.stringify({ seconds }) });

describe('repositories', () => {
  it('creates a repository with its settings and describes it; duplicates and unknown names are AWS errors', async () => {
    const host = new URL(emu.url).host;
    const created = await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: 'team/web',
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: { encryptionType: 'KMS' },
      }),
    );
    expect(created.repository).toMatchObject({
      repositoryName: 'team/web',
      repositoryUri: `${host}/team/web`,
      repositoryArn: expect.stringMatching(/^arn:aws:ecr:us-east-1:\d{12}:repository\/team\/web$/),
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: { encryptionType: 'KMS', kmsKey: expect.stringContaining('arn:aws:kms:') },
    });
    expect(created.repository?.createdAt).toBeInstanceOf(Date);

    const described = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['team/web'] }));
    expect(described.repositories?.map((r) => r.repositoryUri)).toEqual([`${host}/team/web`]);

    await expect(
      ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/web' })),
    ).rejects.toBeInstanceOf(RepositoryAlreadyExistsException);
    const missing = ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['nope'] }));
    await expect(missing).rejects.toBeInstanceOf(RepositoryNotFoundException);
    await expect(missing).rejects.toThrow("The repository with name 'nope' does not exist");
    await expect(
      ecr.send(new CreateRepositoryCommand({ repositoryName: 'Bad_Name' })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it('pages repositories with maxResults and nextToken', async () => {
    for (const name of ['a1', 'a2', 'a3'])
      await ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
    const first = await ecr.send(new DescribeRepositoriesCommand({ maxResults: 2 }));
    expect(first.repositories).toHaveLength(2);
    const second = await ecr.send(
      new DescribeRepositoriesCommand({ maxResults: 2, nextToken: first.nextToken }),
    );
    expect(second.repositories?.map((r) => r.repositoryName)).toEqual(['a3']);
    expect(second.nextToken).toBeUndefined();
  });
});

describe('GetAuthorizationToken', () => {
  it('returns base64 AWS:<password>, expiring 12 h later on the emulator clock, for the emulator registry', async () => {
    const before = Date.parse((await (await fetch(`${emu.url}/_cendence/state`)).json()).now);
    const out = await ecr.send(new GetAuthorizationTokenCommand({}));
    const data = out.authorizationData![0];
    const decoded = Buffer.from(data.authorizationToken!, 'base64').toString();
    expect(decoded).toMatch(/^AWS:.{32,}$/);
    expect(data.proxyEndpoint).toBe(emu.url.replace(/\/$/, ''));
    expect(data.expiresAt!.getTime() - before).toBe(12 * 3600 * 1000);

    // The password works on the registry until the emulator clock passes expiresAt.
    const { authorization } = { authorization: `Basic ${data.authorizationToken}` };
    expect((await fetch(`${emu.url}/v2/`, { headers: { authorization } })).status).toBe(200);
    await advance(12 * 3600);
    const expired = await fetch(`${emu.url}/v2/`, { headers: { authorization } });
    expect(expired.status).toBe(403);
    expect((await expired.json()).errors[0].code).toBe('DENIED');
  });
});

describe('images', () => {
  it('shows an image pushed over the registry in DescribeImages, ListImages and BatchGetImage', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'web' }));
    const { authorization } = await registryLogin(ecr);
    await advance(60);
    const pushed = await pushImage(emu.url, authorization, 'web', 'v1');

    const described = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'web', imageIds: [{ imageTag: 'v1' }] }),
    );
    const detail = described.imageDetails![0];
    expect(detail).toMatchObject({
      imageDigest: pushed.digest,
      imageTags: ['v1'],
      imageSizeInBytes: pushed.size,
      imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    });
    const state = await (await fetch(`${emu.url}/_cendence/state`)).json();
    expect(detail.imagePushedAt!.getTime()).toBe(Date.parse(state.now));

    const listed = await ecr.send(new ListImagesCommand({ repositoryName: 'web' }));
    expect(listed.imageIds).toEqual([{ imageDigest: pushed.digest, imageTag: 'v1' }]);

    const got = await ecr.send(
      new BatchGetImageCommand({
        repositoryName: 'web',
        imageIds: [{ imageTag: 'v1' }, { imageTag: 'absent' }],
      }),
    );
    expect(got.images?.[0]).toMatchObject({
      imageManifest: pushed.manifest,
      imageId: { imageDigest: pushed.digest, imageTag: 'v1' },
    });
    expect(got.failures).toEqual([
      {
        imageId: { imageTag: 'absent' },
        failureCode: 'ImageNotFound',
        failureReason: 'Requested image not found',
      },
    ]);

    const absent = ecr.send(
      new DescribeImagesCommand({ repositoryName: 'web', imageIds: [{ imageTag: 'absent' }] }),
    );
    await expect(absent).rejects.toBeInstanceOf(ImageNotFoundException);

    const layers = JSON.parse(pushed.manifest).layers.map((l: { digest: string }) => l.digest);
    const check = await ecr.send(
      new BatchCheckLayerAvailabilityCommand({
        repositoryName: 'web',
        layerDigests: [...layers, `sha256:${'0'.repeat(64)}`],
      }),
    );
    expect(check.layers?.map((l) => [l.layerDigest, l.layerAvailability])).toEqual([
      [layers[0], 'AVAILABLE'],
    ]);
    expect(check.failures?.[0].failureCode).toBe('MissingLayerDigest');
  });

  it('hands out a layer download URL that works without credentials for one hour', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'dl' }));
    const { authorization } = await registryLogin(ecr);
    const pushed = await pushImage(emu.url, authorization, 'dl', 'v1');
    const [layer, config] = [
      JSON.parse(pushed.manifest).layers[0].digest,
      JSON.parse(pushed.manifest).config.digest,
    ];
    const { downloadUrl } = await ecr.send(
      new GetDownloadUrlForLayerCommand({ repositoryName: 'dl', layerDigest: layer }),
    );
    const body = Buffer.from(await (await fetch(downloadUrl!)).arrayBuffer());
    expect(sha256(body)).toBe(layer);
    // The signature is for that blob only, and expires.
    expect((await fetch(downloadUrl!.replace(layer, config))).status).toBe(401);
    await advance(3600);
    expect((await fetch(downloadUrl!)).status).toBe(401);
    await expect(
      ecr.send(new GetDownloadUrlForLayerCommand({ repositoryName: 'dl', layerDigest: sha256('absent') })),
    ).rejects.toBeInstanceOf(LayersNotFoundException);
  });

  it('re-tags by manifest with PutImage, refuses an identical re-put, and moves tags in a mutable repository', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'api' }));
    const { authorization } = await registryLogin(ecr);
    const v1 = await pushImage(emu.url, authorization, 'api', 'sha-aaa');
    const v2 = await pushImage(emu.url, authorization, 'api', 'sha-bbb');

    const ecrState = async () => (await (await fetch(`${emu.url}/_cendence/state`)).json()).ecr;
    const received = async () => (await ecrState()).blobBytesReceived;
    const before = await received();
    const apiBefore = (await ecrState()).blobBytesByRepository.api;
    const retag = await ecr.send(
      new PutImageCommand({ repositoryName: 'api', imageManifest: v1.manifest, imageTag: 'prod' }),
    );
    expect(retag.image?.imageId).toEqual({ imageDigest: v1.digest, imageTag: 'prod' });
    expect(before).toBeGreaterThan(0);
    expect(await received()).toBe(before); // a re-tag moves no blob bytes
    expect((await ecrState()).blobBytesByRepository.api).toEqual(apiBefore);
    // Bytes are also counted per repository, both ways: the two pushes' blobs in, one layer read out.
    const layer = JSON.parse(v1.manifest).layers[0];
    const got = await fetch(`${emu.url}/v2/api/blobs/${layer.digest}`, { headers: { authorization } });
    expect(Buffer.from(await got.arrayBuffer()).length).toBe(layer.size);
    const sizes = (m: string) => JSON.parse(m).layers[0].size + JSON.parse(m).config.size;
    expect((await ecrState()).blobBytesByRepository.api).toEqual({
      received: sizes(v1.manifest) + sizes(v2.manifest),
      served: layer.size,
    });
    const again = ecr.send(
      new PutImageCommand({ repositoryName: 'api', imageManifest: v1.manifest, imageTag: 'prod' }),
    );
    await expect(again).rejects.toBeInstanceOf(ImageAlreadyExistsException);

    // Mutable: prod moves to v2, and v1 keeps its other tag.
    await ecr.send(
      new PutImageCommand({ repositoryName: 'api', imageManifest: v2.manifest, imageTag: 'prod' }),
    );
    const images = await ecr.send(new DescribeImagesCommand({ repositoryName: 'api' }));
    const tagsByDigest = Object.fromEntries(
      images.imageDetails!.map((d) => [d.imageDigest, [...(d.imageTags ?? [])].sort()]),
    );
    expect(tagsByDigest).toEqual({ [v1.digest]: ['sha-aaa'], [v2.digest]: ['prod', 'sha-bbb'] });
  });

  it('refuses to move a tag in an immutable repository, through PutImage and through the registry', async () => {
    await ecr.send(
      new CreateRepositoryCommand({ repositoryName: 'frozen', imageTagMutability: 'IMMUTABLE' }),
    );
    const { authorization } = await registryLogin(ecr);
    const v1 = await pushImage(emu.url, authorization, 'frozen', 'v1');
    const v2 = await pushImage(emu.url, authorization, 'frozen', 'v2');

    const move = ecr.send(
      new PutImageCommand({ repositoryName: 'frozen', imageManifest: v2.manifest, imageTag: 'v1' }),
    );
    await expect(move).rejects.toBeInstanceOf(ImageTagAlreadyExistsException);
    await expect(move).rejects.toThrow(
      "The image tag 'v1' already exists in the 'frozen' repository and cannot be overwritten because the tag is immutable.",
    );

    const res = await putManifest(emu.url, authorization, 'frozen', 'v1', v2.manifest);
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0]).toMatchObject({
      code: 'TAG_INVALID',
      message: expect.stringContaining('immutable'),
    });

    // A new tag on an existing image is fine; v1 still points at the first image.
    await ecr.send(
      new PutImageCommand({ repositoryName: 'frozen', imageManifest: v1.manifest, imageTag: 'release' }),
    );
    const d = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'frozen', imageIds: [{ imageTag: 'v1' }] }),
    );
    expect(d.imageDetails?.[0].imageDigest).toBe(v1.digest);
    expect([...(d.imageDetails?.[0].imageTags ?? [])].sort()).toEqual(['release', 'v1']);
  });

  it('pages DescribeImages and filters untagged images', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'many' }));
    const { authorization } = await registryLogin(ecr);
    for (const tag of ['t1', 't2', 't3']) await pushImage(emu.url, authorization, 'many', tag);
    await pushImage(emu.url, authorization, 'many', 't1', 'moved'); // t1 moves: the first image is untagged now
    const page1 = await ecr.send(new DescribeImagesCommand({ repositoryName: 'many', maxResults: 3 }));
    expect(page1.imageDetails).toHaveLength(3);
    const page2 = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'many', maxResults: 3, nextToken: page1.nextToken }),
    );
    expect(page2.imageDetails).toHaveLength(1);
    const untagged = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'many', filter: { tagStatus: 'UNTAGGED' } }),
    );
    expect(untagged.imageDetails?.map((d) => d.imageTags)).toEqual([undefined]);
  });
});

describe('scan findings', () => {
  it('reports a COMPLETE synthetic scan with severity counts on scan-on-push repositories, and ScanNotFound otherwise', async () => {
    await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: 'scanned',
        imageScanningConfiguration: { scanOnPush: true },
      }),
    );
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'plain' }));
    const { authorization } = await registryLogin(ecr);
    await pushImage(emu.url, authorization, 'scanned', 'v1');
    await pushImage(emu.url, authorization, 'plain', 'v1');

    const found = await ecr.send(
      new DescribeImageScanFindingsCommand({ repositoryName: 'scanned', imageId: { imageTag: 'v1' } }),
    );
    expect(found.imageScanStatus?.status).toBe('COMPLETE');
    const counts = found.imageScanFindings?.findingSeverityCounts ?? {};
    expect(counts.CRITICAL ?? 0).toBe(0);
    const total = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
    expect(found.imageScanFindings?.findings).toHaveLength(total);

    const none = ecr.send(
      new DescribeImageScanFindingsCommand({ repositoryName: 'plain', imageId: { imageTag: 'v1' } }),
    );
    await expect(none).rejects.toBeInstanceOf(ScanNotFoundException);
  });
});

describe('world files', () => {
  it('seeds repositories with images that the API and the registry both serve', async () => {
    await emu.seed({
      repositories: [
        {
          name: 'seeded/web',
          imageTagMutability: 'IMMUTABLE',
          scanOnPush: true,
          images: ['v1', { tags: ['v2', 'latest'], scanFindings: { HIGH: 2 } }],
        },
      ],
    });
    const repo = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['seeded/web'] }));
    expect(repo.repositories?.[0].imageTagMutability).toBe('IMMUTABLE');
    const images = await ecr.send(new DescribeImagesCommand({ repositoryName: 'seeded/web' }));
    expect(images.imageDetails?.map((d) => [...(d.imageTags ?? [])].sort())).toEqual([
      ['v1'],
      ['latest', 'v2'],
    ]);
    const scan = await ecr.send(
      new DescribeImageScanFindingsCommand({ repositoryName: 'seeded/web', imageId: { imageTag: 'latest' } }),
    );
    expect(scan.imageScanFindings?.findingSeverityCounts).toEqual({ HIGH: 2 });

    const { authorization } = await registryLogin(ecr);
    const manifest = await fetch(`${emu.url}/v2/seeded/web/manifests/v1`, { headers: { authorization } });
    expect(manifest.headers.get('docker-content-digest')).toBe(images.imageDetails?.[0].imageDigest);
    const layer = (await manifest.json()).layers[0].digest;
    expect(
      (await fetch(`${emu.url}/v2/seeded/web/blobs/${layer}`, { method: 'HEAD', headers: { authorization } }))
        .status,
    ).toBe(200);
  });

  it('rejects a malformed repositories entry with a message naming it', async () => {
    await expect(
      emu.seed({ repositories: [{ name: 'x1', imageTagMutability: 'SOMETIMES' as 'MUTABLE' }] }),
    ).rejects.toThrow('world file: repositories[0]: imageTagMutability must be one of');
  });
});
