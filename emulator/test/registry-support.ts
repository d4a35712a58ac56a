// Test support for the ECR tests: a registry login from GetAuthorizationToken and a minimal OCI
// distribution client that pushes small images over HTTP, the way docker does (blob upload POST →
// PATCH → PUT ?digest=, then the manifest PUT).
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { type ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';

export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

export const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** `Basic base64(AWS:<password>)` from a fresh authorization token, and the password itself. */
export async function registryLogin(ecr: ECRClient): Promise<{ authorization: string; password: string }> {
  const out = await ecr.send(new GetAuthorizationTokenCommand({}));
  const token = out.authorizationData![0].authorizationToken!;
  const password = Buffer.from(token, 'base64').toString().slice('AWS:'.length);
  return { authorization: `Basic ${token}`, password };
}

/** Uploads a blob in one chunk: POST to start, PATCH the bytes, PUT with the digest. */
export async function uploadBlob(
  base: string,
  authorization: string,
  repo: string,
  data: Buffer,
): Promise<string> {
  const start = await fetch(`${base}/v2/${repo}/blobs/uploads/`, {
    method: 'POST',
    headers: { authorization },
  });
  if (start.status !== 202) throw new Error(`upload start ${start.status}: ${await start.text()}`);
  const location = new URL(start.headers.get('location')!, base);
  const patch = await fetch(location, {
    method: 'PATCH',
    headers: { authorization },
    body: new Uint8Array(data),
  });
  if (patch.status !== 202) throw new Error(`upload patch ${patch.status}: ${await patch.text()}`);
  const digest = sha256(data);
  const put = new URL(patch.headers.get('location')!, base);
  put.searchParams.set('digest', digest);
  const done = await fetch(put, { method: 'PUT', headers: { authorization } });
  if (done.status !== 201) throw new Error(`upload put ${done.status}: ${await done.text()}`);
  return digest;
}

/** A small docker schema2 image whose layer holds `content`; returns its manifest (not yet pushed). */
export async function buildImage(
  base: string,
  authorization: string,
  repo: string,
  content: string,
  mediaType = DOCKER_MANIFEST,
): Promise<{ manifest: string; digest: string; size: number }> {
  const layer = gzipSync(Buffer.from(content));
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [sha256(content)] },
    }),
  );
  const layerDigest = await uploadBlob(base, authorization, repo, layer);
  const configDigest = await uploadBlob(base, authorization, repo, config);
  const oci = mediaType === OCI_MANIFEST;
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType,
    config: {
      mediaType: oci
        ? 'application/vnd.oci.image.config.v1+json'
        : 'application/vnd.docker.container.image.v1+json',
      size: config.length,
      digest: configDigest,
    },
    layers: [
      {
        mediaType: oci
          ? 'application/vnd.oci.image.layer.v1.tar+gzip'
          : 'application/vnd.docker.image.rootfs.diff.tar.gzip',
        size: layer.length,
        digest: layerDigest,
      },
    ],
  });
  return { manifest, digest: sha256(manifest), size: layer.length };
}

/** PUT a manifest by tag (or digest); returns the response for the caller to check. */
export function putManifest(
  base: string,
  authorization: string,
  repo: string,
  ref: string,
  manifest: string,
  mediaType = DOCKER_MANIFEST,
): Promise<Response> {
  return fetch(`${base}/v2/${repo}/manifests/${ref}`, {
    method: 'PUT',
    headers: { authorization, 'content-type': mediaType },
    body: manifest,
  });
}

/** Builds and pushes an image under `tag`; returns its digest. */
export async function pushImage(
  base: string,
  authorization: string,
  repo: string,
  tag: string,
  content = `${repo}:${tag}`,
) {
  const image = await buildImage(base, authorization, repo, content);
  const res = await putManifest(base, authorization, repo, tag, image.manifest);
  if (res.status !== 201) throw new Error(`manifest put ${res.status}: ${await res.text()}`);
  return image;
}
