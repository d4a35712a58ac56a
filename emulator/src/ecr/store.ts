// ECR's state and its rules, shared by the ECR API (api.ts) and the registry endpoint (registry.ts):
// repositories, images (manifest + tags), which blobs each repository holds, tag mutability, scans,
// and the registry passwords handed out by GetAuthorizationToken. Both doors push through
// putManifest() so that a docker push and a PutImage obey the same immutable-tag rule.
import { randomBytes } from 'node:crypto';
import type { HandlerContext } from '../types.js';
import { BlobStore } from './blobs.js';
import {
  imageSize,
  isDigest,
  type ManifestError,
  type ParsedManifest,
  parseManifest,
  sha256Digest,
} from './manifest.js';

export type TagMutability = 'MUTABLE' | 'IMMUTABLE' | 'IMMUTABLE_WITH_EXCLUSION' | 'MUTABLE_WITH_EXCLUSION';
export const TAG_MUTABILITIES: readonly TagMutability[] = [
  'MUTABLE',
  'IMMUTABLE',
  'IMMUTABLE_WITH_EXCLUSION',
  'MUTABLE_WITH_EXCLUSION',
];

export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL' | 'UNDEFINED';
export type SeverityCounts = Partial<Record<Severity, number>>;

export interface Scan {
  status: 'COMPLETE';
  completedAt: number;
  counts: SeverityCounts;
}

export interface Image {
  digest: string;
  manifest: Buffer;
  mediaType: string;
  parsed: ParsedManifest;
  size: number;
  pushedAt: number;
  lastPulledAt?: number;
  scan?: Scan;
}

export interface Repository {
  name: string;
  arn: string;
  registryId: string;
  uri: string;
  createdAt: number;
  mutability: TagMutability;
  /** Wildcard tag filters that flip the mutability (the *_WITH_EXCLUSION settings). */
  exclusionFilters: string[];
  scanOnPush: boolean;
  encryption: { encryptionType: string; kmsKey?: string };
  resourceTags: { Key: string; Value: string }[];
  images: Map<string, Image>;
  /** tag → digest */
  tags: Map<string, string>;
  /** Blob digests pushed to (or mounted into) this repository. */
  blobs: Set<string>;
}

export interface RegistryToken {
  password: string;
  expiresAt: number;
  /** The access key that asked for it: registry requests are authorised as that caller (IAM worlds). */
  accessKeyId?: string;
}

/** Why a manifest push was refused; the API and the registry each translate it to their own error. */
export type PushRefusal =
  | 'TAG_IMMUTABLE'
  | 'IMAGE_EXISTS'
  | 'BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'DIGEST_MISMATCH'
  | 'REFERENCED_IMAGE_UNKNOWN';

/** The ECR API exception for each refusal (PutImage's, and what CloudTrail would log for a docker push). */
export const REFUSAL_API_CODES: Record<PushRefusal, string> = {
  TAG_IMMUTABLE: 'ImageTagAlreadyExistsException',
  IMAGE_EXISTS: 'ImageAlreadyExistsException',
  BLOB_UNKNOWN: 'LayersNotFoundException',
  REFERENCED_IMAGE_UNKNOWN: 'ReferencedImagesNotFoundException',
  MANIFEST_INVALID: 'InvalidParameterException',
  DIGEST_MISMATCH: 'ImageDigestDoesNotMatchException',
};

export class PushRefused extends Error {
  constructor(
    readonly reason: PushRefusal,
    message: string,
  ) {
    super(message);
  }
}

export const TOKEN_TTL_MS = 12 * 60 * 60 * 1000;
const DOWNLOAD_URL_TTL_MS = 60 * 60 * 1000;

export class EcrStore {
  readonly repositories = new Map<string, Repository>();
  readonly blobs = new BlobStore();
  private tokens = new Map<string, RegistryToken>();
  private downloads = new Map<string, { repositoryName: string; digest: string; expiresAt: number }>();
  /** Findings set ahead of a scan (world file or tests), keyed by `<repo>@<digest>` or `<repo>:<tag>`. */
  private presetFindings = new Map<string, SeverityCounts>();

  /** Frees the blobs (and their temp dir); called when the world is discarded. */
  dispose(): void {
    this.blobs.clear();
  }

  /**
   * What GET /_cendence/state shows: repositories with their settings, tags and image digests, and the
   * blob bytes the registry received and served (a re-tag moves none).
   */
  snapshot(): unknown {
    const repositories = [...this.repositories.values()].map((r) => ({
      name: r.name,
      uri: r.uri,
      imageTagMutability: r.mutability,
      scanOnPush: r.scanOnPush,
      images: [...r.images.values()].map((img) => ({
        digest: img.digest,
        tags: tagsOf(r, img.digest),
        mediaType: img.mediaType,
        size: img.size,
        pushedAt: new Date(img.pushedAt).toISOString(),
      })),
    }));
    return {
      repositories,
      blobBytesReceived: this.blobs.stats.bytesReceived,
      blobBytesServed: this.blobs.stats.bytesServed,
      blobBytesByRepository: Object.fromEntries(this.blobs.stats.byRepository),
    };
  }

  // ---- repositories ----

  createRepository(
    ctx: HandlerContext,
    opts: {
      name: string;
      mutability?: TagMutability;
      exclusionFilters?: string[];
      scanOnPush?: boolean;
      encryption?: { encryptionType: string; kmsKey?: string };
      tags?: { Key: string; Value: string }[];
    },
  ): Repository {
    const repo: Repository = {
      name: opts.name,
      arn: `arn:aws:ecr:${ctx.region}:${ctx.accountId}:repository/${opts.name}`,
      registryId: ctx.accountId,
      uri: `${ctx.host}/${opts.name}`,
      createdAt: ctx.clock.now(),
      mutability: opts.mutability ?? 'MUTABLE',
      exclusionFilters: opts.exclusionFilters ?? [],
      scanOnPush: opts.scanOnPush ?? false,
      encryption: opts.encryption ?? { encryptionType: 'AES256' },
      resourceTags: opts.tags ?? [],
      images: new Map(),
      tags: new Map(),
      blobs: new Set(),
    };
    this.repositories.set(opts.name, repo);
    return repo;
  }

  isTagImmutable(repo: Repository, tag: string): boolean {
    const excluded = repo.exclusionFilters.some((f) => wildcard(f).test(tag));
    switch (repo.mutability) {
      case 'IMMUTABLE':
        return true;
      case 'IMMUTABLE_WITH_EXCLUSION':
        return !excluded;
      case 'MUTABLE_WITH_EXCLUSION':
        return excluded;
      default:
        return false;
    }
  }

  // ---- images ----

  /** Finds an image by tag or digest (both given: they must agree). */
  findImage(repo: Repository, id: { imageTag?: string; imageDigest?: string }): Image | undefined {
    const byTag = id.imageTag !== undefined ? repo.tags.get(id.imageTag) : undefined;
    if (id.imageTag !== undefined && !byTag) return undefined;
    const digest = id.imageDigest ?? byTag;
    if (!digest || (byTag && byTag !== digest)) return undefined;
    return repo.images.get(digest);
  }

  /**
   * Stores a manifest and points `tag` at it. Refuses what ECR refuses: a tag that would move in an
   * immutable repository, an identical re-put (API only: a registry push of the same image is a no-op),
   * a manifest whose blobs or child manifests are not in the repository.
   */
  putManifest(
    repo: Repository,
    raw: Buffer,
    opts: { mediaType?: string; tag?: string; digest?: string; now: number; via: 'api' | 'registry' },
  ): { image: Image; created: boolean } {
    let parsed: ParsedManifest;
    try {
      parsed = parseManifest(raw, opts.mediaType);
    } catch (e) {
      throw new PushRefused('MANIFEST_INVALID', (e as ManifestError).message);
    }
    const digest = sha256Digest(raw);
    if (opts.digest && opts.digest !== digest) {
      throw new PushRefused(
        'DIGEST_MISMATCH',
        `The image digest '${opts.digest}' does not match '${digest}'.`,
      );
    }
    const existing = repo.images.get(digest);
    const tag = opts.tag;
    if (tag !== undefined) {
      const current = repo.tags.get(tag);
      if (current === digest) {
        if (opts.via === 'api') {
          throw new PushRefused(
            'IMAGE_EXISTS',
            `Image with digest '${digest}' and tag '${tag}' already exists in the repository with name '${repo.name}' in registry with id '${repo.registryId}'`,
          );
        }
        return { image: existing!, created: false };
      }
      if (current !== undefined && this.isTagImmutable(repo, tag)) {
        throw new PushRefused(
          'TAG_IMMUTABLE',
          `The image tag '${tag}' already exists in the '${repo.name}' repository and cannot be overwritten because the tag is immutable.`,
        );
      }
    } else if (existing && opts.via === 'api') {
      throw new PushRefused(
        'IMAGE_EXISTS',
        `Image with digest '${digest}' already exists in the repository with name '${repo.name}' in registry with id '${repo.registryId}'`,
      );
    }
    if (!existing) this.checkReferences(repo, parsed);

    const image: Image = existing ?? {
      digest,
      manifest: raw,
      mediaType: parsed.mediaType,
      parsed,
      size: imageSize(parsed),
      pushedAt: opts.now,
    };
    if (!existing) {
      repo.images.set(digest, image);
      if (repo.scanOnPush) this.scan(repo, image, opts.now, tag);
    }
    if (tag !== undefined) repo.tags.set(tag, digest);
    return { image, created: !existing };
  }

  private checkReferences(repo: Repository, parsed: ParsedManifest): void {
    const missingBlobs = [parsed.config, ...parsed.layers]
      .filter((d) => d !== undefined)
      .filter((d) => !repo.blobs.has(d.digest) || !this.blobs.has(d.digest));
    if (missingBlobs.length > 0) {
      throw new PushRefused('BLOB_UNKNOWN', `blob unknown to registry: ${missingBlobs[0].digest}`);
    }
    const missingChildren = parsed.manifests.filter((d) => !repo.images.has(d.digest));
    if (missingChildren.length > 0) {
      throw new PushRefused(
        'REFERENCED_IMAGE_UNKNOWN',
        `manifest unknown to registry: ${missingChildren[0].digest} is referenced but not in the repository`,
      );
    }
  }

  /** Removes an image and all its tags. */
  deleteImage(repo: Repository, digest: string): string[] {
    const tags = tagsOf(repo, digest);
    for (const t of tags) repo.tags.delete(t);
    repo.images.delete(digest);
    return tags;
  }

  // ---- blobs ----

  /** A blob this repository may serve (pushed to or mounted into it). */
  hasBlob(repo: Repository, digest: string): boolean {
    return repo.blobs.has(digest) && this.blobs.has(digest);
  }

  linkBlob(repo: Repository, digest: string): void {
    repo.blobs.add(digest);
  }

  // ---- scans ----

  presetScanFindings(repositoryName: string, ref: string, counts: SeverityCounts): void {
    this.presetFindings.set(`${repositoryName}${isDigest(ref) ? '@' : ':'}${ref}`, counts);
  }

  /**
   * A synthetic scan that completes at once. Findings come from presetScanFindings() when set, else
   * a deterministic handful of MEDIUM/LOW/INFORMATIONAL derived from the digest (never CRITICAL or
   * HIGH, so a severity gate passes unless a test asks otherwise).
   */
  scan(repo: Repository, image: Image, now: number, tag?: string): Scan {
    const tags = tag ? [tag, ...tagsOf(repo, image.digest)] : tagsOf(repo, image.digest);
    const preset =
      this.presetFindings.get(`${repo.name}@${image.digest}`) ??
      tags.map((t) => this.presetFindings.get(`${repo.name}:${t}`)).find((c) => c !== undefined);
    const hex = image.digest.slice('sha256:'.length);
    const counts: SeverityCounts = preset ?? {
      MEDIUM: Number.parseInt(hex.slice(0, 2), 16) % 3,
      LOW: Number.parseInt(hex.slice(2, 4), 16) % 5,
      INFORMATIONAL: Number.parseInt(hex.slice(4, 6), 16) % 4,
    };
    image.scan = {
      status: 'COMPLETE',
      completedAt: now,
      counts: Object.fromEntries(Object.entries(counts).filter(([, n]) => (n ?? 0) > 0)),
    };
    return image.scan;
  }

  // ---- registry credentials ----

  /** A download signature for one blob, valid 1 h (GetDownloadUrlForLayer's presigned URL). */
  signDownload(repositoryName: string, digest: string, now: number): string {
    const signature = randomBytes(24).toString('hex');
    this.downloads.set(signature, { repositoryName, digest, expiresAt: now + DOWNLOAD_URL_TTL_MS });
    return signature;
  }

  checkDownloadSignature(signature: string, repositoryName: string, digest: string, now: number): boolean {
    const d = this.downloads.get(signature);
    return d !== undefined && d.repositoryName === repositoryName && d.digest === digest && now < d.expiresAt;
  }

  issueToken(ctx: HandlerContext): RegistryToken {
    const token: RegistryToken = {
      password: randomBytes(48).toString('base64'),
      expiresAt: ctx.clock.now() + TOKEN_TTL_MS,
      accessKeyId: ctx.accessKeyId,
    };
    this.tokens.set(token.password, token);
    return token;
  }

  /**
   * Checks a `Basic base64(AWS:<password>)` header: the token when it was issued and has not expired,
   * `expired` for a known token past its expiry (ECR answers 403 then), else undefined.
   */
  authenticate(authorization: string | undefined, now: number): RegistryToken | 'expired' | undefined {
    const m = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
    if (!m) return undefined;
    const decoded = Buffer.from(m[1], 'base64').toString();
    const colon = decoded.indexOf(':');
    if (colon < 0 || decoded.slice(0, colon) !== 'AWS') return undefined;
    const token = this.tokens.get(decoded.slice(colon + 1));
    if (!token) return undefined;
    return now >= token.expiresAt ? 'expired' : token;
  }
}

/** The tags pointing at an image. */
export function tagsOf(repo: Repository, digest: string): string[] {
  return [...repo.tags].filter(([, d]) => d === digest).map(([t]) => t);
}

function wildcard(filter: string): RegExp {
  return new RegExp(`^${filter.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
}
