// Image manifests as ECR stores them: which media types it accepts, how a manifest's media type is
// decided, which blobs and child manifests it references, and its digest. Pure functions; storage
// and the tag rules live in store.ts.
import { createHash } from 'node:crypto';

export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
} as const;

/** Media types ECR accepts for a pushed manifest (schema1 is not modelled). */
export const SUPPORTED_MANIFEST_TYPES: readonly string[] = [
  MEDIA_TYPES.dockerManifest,
  MEDIA_TYPES.dockerList,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.ociIndex,
];

export interface Descriptor {
  mediaType?: string;
  digest: string;
  size: number;
}

export interface ParsedManifest {
  mediaType: string;
  /** Config blob (image manifests only). */
  config?: Descriptor;
  /** Layer blobs (image manifests only). */
  layers: Descriptor[];
  /** Child manifests (lists and indexes only). */
  manifests: Descriptor[];
  /** Media type of the config, reported by ECR as artifactMediaType. */
  artifactMediaType?: string;
  /** OCI `subject` (referrers), reported as subjectManifestDigest. */
  subjectDigest?: string;
}

export class ManifestError extends Error {}

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function isDigest(ref: string): boolean {
  return DIGEST_RE.test(ref);
}

export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/**
 * Parses a manifest and decides its media type: the declared `mediaType` field, else the type the
 * client sent (Content-Type or imageManifestMediaType), else inferred from the shape as OCI does.
 */
export function parseManifest(raw: Buffer | string, declaredType?: string): ParsedManifest {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(raw.toString()) as Record<string, unknown>;
  } catch {
    throw new ManifestError('manifest is not valid JSON');
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new ManifestError('manifest is not an object');
  if (doc.schemaVersion !== 2)
    throw new ManifestError(`unsupported schemaVersion ${String(doc.schemaVersion)}`);
  const inner = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  const declared = declaredType && SUPPORTED_MANIFEST_TYPES.includes(declaredType) ? declaredType : undefined;
  if (inner && declared && inner !== declared) {
    throw new ManifestError(`mediaType ${inner} in the manifest does not match ${declared}`);
  }
  const mediaType =
    inner ?? declared ?? (Array.isArray(doc.manifests) ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.ociManifest);
  if (!SUPPORTED_MANIFEST_TYPES.includes(mediaType))
    throw new ManifestError(`unsupported media type ${mediaType}`);

  const isList = mediaType === MEDIA_TYPES.dockerList || mediaType === MEDIA_TYPES.ociIndex;
  const subject = descriptor(doc.subject, 'subject', true);
  if (isList) {
    if (!Array.isArray(doc.manifests)) throw new ManifestError('manifests must be a list');
    return {
      mediaType,
      layers: [],
      manifests: doc.manifests.map((m, i) => descriptor(m, `manifests[${i}]`)!),
      subjectDigest: subject?.digest,
    };
  }
  const config = descriptor(doc.config, 'config')!;
  if (!Array.isArray(doc.layers)) throw new ManifestError('layers must be a list');
  return {
    mediaType,
    config,
    layers: doc.layers.map((l, i) => descriptor(l, `layers[${i}]`)!),
    manifests: [],
    artifactMediaType: config.mediaType,
    subjectDigest: subject?.digest,
  };
}

function descriptor(value: unknown, where: string, optional = false): Descriptor | undefined {
  if (value === undefined && optional) return undefined;
  const d = value as Partial<Descriptor> | undefined;
  if (!d || typeof d !== 'object' || typeof d.digest !== 'string' || !isDigest(d.digest)) {
    throw new ManifestError(`${where} needs a sha256 digest`);
  }
  if (typeof d.size !== 'number' || d.size < 0) throw new ManifestError(`${where} needs a size`);
  return { mediaType: d.mediaType, digest: d.digest, size: d.size };
}

/** ECR's imageSizeInBytes: the compressed layers of an image (for an index, its manifests' sizes). */
export function imageSize(m: ParsedManifest): number {
  const parts = m.manifests.length > 0 ? m.manifests : m.layers;
  return parts.reduce((sum, d) => sum + d.size, 0);
}

/**
 * Whether a stored manifest of `mediaType` may be served for an Accept header. No header (or a
 * wildcard) accepts anything; otherwise the type must be listed, as a registry refuses to hand an OCI
 * manifest to a client that only speaks docker schema2.
 */
export function accepts(acceptHeader: string | string[] | undefined, mediaType: string): boolean {
  const values = (Array.isArray(acceptHeader) ? acceptHeader.join(',') : (acceptHeader ?? ''))
    .split(',')
    .map((v) => v.split(';')[0].trim())
    .filter(Boolean);
  if (values.length === 0) return true;
  return values.some((v) => v === mediaType || v === '*/*' || v === 'application/*');
}
