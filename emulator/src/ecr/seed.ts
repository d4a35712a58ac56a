// World-file seeding for ECR: `repositories:` entries become repositories, and their `images:` become
// small but real (pullable) images, so a rehearsal can deploy tags that "were pushed earlier" without
// docker. Each seeded image has an empty layer and a config naming repo:tag, hence its own digest.
import { gzipSync } from 'node:zlib';
import type { HandlerContext } from '../types.js';
import { MEDIA_TYPES, sha256Digest } from './manifest.js';
import {
  type EcrStore,
  type Repository,
  type SeverityCounts,
  TAG_MUTABILITIES,
  type TagMutability,
} from './store.js';

export interface SeedImage {
  /** Tags of the image; a plain string entry in `images:` is one tag. */
  tags: string[];
  /** Preset scan findings for the image (otherwise synthetic low-severity counts when scanned). */
  scanFindings?: SeverityCounts;
}

export interface RepositorySpec {
  name: string;
  imageTagMutability?: TagMutability;
  /** Wildcard tag filters excluded from the mutability setting (IMMUTABLE_WITH_EXCLUSION). */
  exclusionFilters?: string[];
  scanOnPush?: boolean;
  images?: (string | SeedImage)[];
}

// An empty tar archive (two zero blocks), gzipped: a valid layer that adds no files.
const EMPTY_TAR = Buffer.alloc(1024);
const EMPTY_LAYER = gzipSync(EMPTY_TAR);

function fail(where: string, message: string): never {
  throw new Error(`world file: repositories${where}: ${message}`);
}

/** Validates `spec.repositories` (from YAML/JSON) and creates each repository and its images. */
export function seedRepositories(
  store: EcrStore,
  ctx: HandlerContext,
  spec: { repositories?: unknown },
): void {
  const list = spec.repositories;
  if (list === undefined) return;
  if (!Array.isArray(list)) fail('', 'must be a list');
  list.forEach((raw: RepositorySpec, i) => {
    const where = `[${i}]`;
    if (!raw || typeof raw.name !== 'string' || raw.name === '') fail(where, 'needs a name');
    if (raw.imageTagMutability !== undefined && !TAG_MUTABILITIES.includes(raw.imageTagMutability)) {
      fail(where, `imageTagMutability must be one of ${TAG_MUTABILITIES.join(', ')}`);
    }
    if (list.slice(0, i).some((r: RepositorySpec) => r?.name === raw.name))
      fail(where, `repository ${raw.name} is listed twice`);
    // A repository an earlier seed created (e.g. the Terraform world) receives the images listed here.
    const repo =
      store.repositories.get(raw.name) ??
      store.createRepository(ctx, {
        name: raw.name,
        mutability: raw.imageTagMutability,
        exclusionFilters: raw.exclusionFilters,
        scanOnPush: raw.scanOnPush === true,
      });
    (raw.images ?? []).forEach((entry, j) => {
      const image: SeedImage = typeof entry === 'string' ? { tags: [entry] } : entry;
      if (!Array.isArray(image?.tags) || image.tags.length === 0) fail(`${where}.images[${j}]`, 'needs tags');
      if (image.scanFindings) store.presetScanFindings(repo.name, image.tags[0], image.scanFindings);
      const manifest = syntheticImage(store, repo, image.tags[0]);
      for (const tag of image.tags) {
        store.putManifest(repo, manifest, { tag, now: ctx.clock.now(), via: 'registry' });
      }
    });
  });
}

/** Stores the blobs of a minimal image in `repo` and returns its docker schema2 manifest. */
function syntheticImage(store: EcrStore, repo: Repository, tag: string): Buffer {
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: { 'dev.cendence.emulator.seed': `${repo.name}:${tag}` } },
      rootfs: { type: 'layers', diff_ids: [sha256Digest(EMPTY_TAR)] },
    }),
  );
  const configDigest = sha256Digest(config);
  const layerDigest = sha256Digest(EMPTY_LAYER);
  store.blobs.putBuffer(configDigest, config);
  store.blobs.putBuffer(layerDigest, EMPTY_LAYER);
  store.linkBlob(repo, configDigest);
  store.linkBlob(repo, layerDigest);
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.dockerManifest,
      config: { mediaType: MEDIA_TYPES.dockerConfig, size: config.length, digest: configDigest },
      layers: [{ mediaType: MEDIA_TYPES.dockerLayer, size: EMPTY_LAYER.length, digest: layerDigest }],
    }),
  );
}
