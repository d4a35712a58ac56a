// A small client of the OCI distribution API for what the engines do not do: push an artifact (an SBOM,
// a provenance statement) whose `subject` is an image digest, read manifests, and list an image's
// referrers (GET /v2/<name>/referrers/<digest>, OCI 1.1, which ECR serves). Basic auth with the ECR
// token's password; the password only ever goes into the Authorization header.
import { createHash } from 'node:crypto';
import { currentCallScope } from '../aws/retry.js';
import { StepFailed } from '../errors.js';
import type { RegistryLogin } from '../image/engine.js';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const EMPTY_CONFIG = { mediaType: 'application/vnd.oci.empty.v1+json', data: Buffer.from('{}') };
const MANIFEST_ACCEPT = [
  OCI_MANIFEST,
  OCI_INDEX,
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  platform?: { os?: string; architecture?: string; variant?: string };
}

export const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

export class OciRegistry {
  private readonly base: string;
  private readonly auth: string;

  constructor(login: RegistryLogin) {
    this.base = `${login.insecure ? 'http' : 'https'}://${login.registry}/v2`;
    this.auth = `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}`;
  }

  private async call(method: string, url: string, headers: Record<string, string> = {}, body?: Buffer) {
    const res = await fetch(url.startsWith('http') ? url : `${this.base}${url}`, {
      method,
      headers: { Authorization: this.auth, ...headers },
      body: body ? new Uint8Array(body) : undefined,
      // The step's deadline (push's call scope) bounds these uploads as it bounds the engine's.
      signal: currentCallScope()?.signal,
    });
    return res;
  }

  private async expect(res: Response, ok: number[], what: string): Promise<Response> {
    if (!ok.includes(res.status)) {
      const text = await res.text().catch(() => '');
      throw new StepFailed(`registry ${what}: HTTP ${res.status} ${text.slice(0, 300)}`);
    }
    return res;
  }

  /** Uploads a blob unless the repository has it (HEAD first), monolithically. */
  async pushBlob(repository: string, data: Buffer): Promise<string> {
    const digest = sha256(data);
    const head = await this.call('HEAD', `/${repository}/blobs/${digest}`);
    if (head.status === 200) return digest;
    const start = await this.expect(
      await this.call('POST', `/${repository}/blobs/uploads/`),
      [202],
      `upload to ${repository}`,
    );
    const location = start.headers.get('location') ?? '';
    const url = new URL(location, `${this.base}/`);
    url.searchParams.set('digest', digest);
    await this.expect(
      await this.call('PUT', url.toString(), { 'Content-Type': 'application/octet-stream' }, data),
      [201],
      `blob ${digest} to ${repository}`,
    );
    return digest;
  }

  async putManifest(repository: string, reference: string, manifest: Buffer, mediaType: string) {
    const res = await this.expect(
      await this.call(
        'PUT',
        `/${repository}/manifests/${reference}`,
        { 'Content-Type': mediaType },
        manifest,
      ),
      [201],
      `manifest of ${repository}`,
    );
    return res.headers.get('docker-content-digest') ?? sha256(manifest);
  }

  /** A manifest by tag or digest: its media type, raw bytes and parsed JSON; undefined when absent. */
  async manifest(repository: string, reference: string) {
    const res = await this.call('GET', `/${repository}/manifests/${reference}`, { Accept: MANIFEST_ACCEPT });
    if (res.status === 404) return undefined;
    await this.expect(res, [200], `manifest ${repository}@${reference}`);
    const raw = Buffer.from(await res.arrayBuffer());
    return {
      mediaType: res.headers.get('content-type') ?? '',
      raw,
      json: JSON.parse(raw.toString('utf8')) as {
        mediaType?: string;
        manifests?: Descriptor[];
        config?: Descriptor;
        layers?: Descriptor[];
        artifactType?: string;
        annotations?: Record<string, string>;
      },
    };
  }

  async blob(repository: string, digest: string): Promise<Buffer> {
    const res = await this.expect(
      await this.call('GET', `/${repository}/blobs/${digest}`),
      [200],
      `blob ${digest}`,
    );
    return Buffer.from(await res.arrayBuffer());
  }

  /** The referrers of `digest`, optionally of one artifact type. */
  async referrers(repository: string, digest: string, artifactType?: string): Promise<Descriptor[]> {
    const q = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
    const res = await this.call('GET', `/${repository}/referrers/${digest}${q}`, { Accept: OCI_INDEX });
    if (res.status === 404) return [];
    await this.expect(res, [200], `referrers of ${repository}@${digest}`);
    return ((await res.json()) as { manifests?: Descriptor[] }).manifests ?? [];
  }

  /**
   * Pushes `data` as an OCI artifact referring to `subject` (OCI 1.1: artifactType, the empty config, one
   * layer, subject), untagged as referrers are. Returns the artifact manifest's descriptor.
   */
  async pushReferrer(
    repository: string,
    subject: Descriptor,
    artifactType: string,
    data: Buffer,
    annotations: Record<string, string>,
  ): Promise<Descriptor> {
    const configDigest = await this.pushBlob(repository, EMPTY_CONFIG.data);
    const layerDigest = await this.pushBlob(repository, data);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        artifactType,
        config: { mediaType: EMPTY_CONFIG.mediaType, digest: configDigest, size: EMPTY_CONFIG.data.length },
        layers: [{ mediaType: artifactType, digest: layerDigest, size: data.length }],
        subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
        annotations,
      }),
    );
    const digest = sha256(manifest);
    await this.putManifest(repository, digest, manifest, OCI_MANIFEST);
    return { mediaType: OCI_MANIFEST, digest, size: manifest.length, artifactType, annotations };
  }
}
