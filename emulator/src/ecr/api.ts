// The ECR API (awsJson1_1, target prefix AmazonEC2ContainerRegistry_V20150921): repositories,
// authorization tokens, images, re-tagging by manifest, layer checks and uploads, synthetic scans.
// Handlers validate the decoded input, act on the EcrStore and answer in ECR's shapes and errors.
import { AwsError, type HandlerContext, type ServiceHandlers } from '../types.js';
import { MEDIA_TYPES } from './manifest.js';
import {
  type EcrStore,
  type Image,
  PushRefused,
  REFUSAL_API_CODES,
  type Repository,
  TAG_MUTABILITIES,
  type TagMutability,
  tagsOf,
} from './store.js';

// biome-ignore lint/suspicious/noExplicitAny: wire input is untyped until validated here
type Input = any;
interface ImageId {
  imageTag?: string;
  imageDigest?: string;
}

const REPO_NAME_RE = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
/** ECR's multipart layer upload: parts smaller than this (except the last) are refused. */
const PART_SIZE = 5 * 1024 * 1024;

const seconds = (ms: number) => ms / 1000;

function invalid(message: string): AwsError {
  return new AwsError('InvalidParameterException', message);
}

function requireString(input: Input, field: string): string {
  const v = input?.[field];
  if (typeof v !== 'string' || v.length === 0) throw invalid(`${field} must be specified.`);
  return v;
}

function repositoryNotFound(name: string, registryId: string): AwsError {
  return new AwsError(
    'RepositoryNotFoundException',
    `The repository with name '${name}' does not exist in the registry with id '${registryId}'`,
  );
}

function describeImageId(id: ImageId): string {
  return [id.imageDigest && `imageDigest=${id.imageDigest}`, id.imageTag && `imageTag=${id.imageTag}`]
    .filter(Boolean)
    .join(', ');
}

/** Opaque paging: the token is the base64 offset, and must come back unchanged. */
function page<T>(items: T[], input: Input, max = 1000, dflt = 100): { items: T[]; nextToken?: string } {
  const size = input.maxResults ?? dflt;
  if (!Number.isInteger(size) || size < 1 || size > max) {
    throw invalid(`maxResults must be between 1 and ${max}.`);
  }
  let start = 0;
  if (input.nextToken !== undefined) {
    start = Number(Buffer.from(String(input.nextToken), 'base64url').toString());
    if (!Number.isInteger(start) || start < 0) throw invalid('Invalid NextToken.');
  }
  const slice = items.slice(start, start + size);
  const next =
    start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return { items: slice, nextToken: next };
}

/** One made-up finding per counted severity, so `findings` agrees with `findingSeverityCounts`. */
function syntheticFindings(img: Image) {
  const short = img.digest.slice('sha256:'.length, 'sha256:'.length + 8);
  return Object.entries(img.scan?.counts ?? {}).flatMap(([severity, n]) =>
    Array.from({ length: n ?? 0 }, (_, i) => ({
      name: `EMULATED-${severity}-${short}-${i + 1}`,
      description: `Synthetic ${severity.toLowerCase()} finding from the Cendence emulator's scanner.`,
      severity,
      attributes: [{ key: 'package_name', value: 'emulated-package' }],
    })),
  );
}

export function repositoryShape(r: Repository) {
  return {
    repositoryArn: r.arn,
    registryId: r.registryId,
    repositoryName: r.name,
    repositoryUri: r.uri,
    createdAt: seconds(r.createdAt),
    imageTagMutability: r.mutability,
    ...(r.exclusionFilters.length > 0 && {
      imageTagMutabilityExclusionFilters: r.exclusionFilters.map((filter) => ({
        filterType: 'WILDCARD',
        filter,
      })),
    }),
    imageScanningConfiguration: { scanOnPush: r.scanOnPush },
    encryptionConfiguration: r.encryption,
  };
}

/** The ECR API over the store that `storeOf` finds for a call (the emulator world's). */
export function createEcrApi(storeOf: (ctx: HandlerContext) => EcrStore): ServiceHandlers {
  const repo = (input: Input, ctx: HandlerContext): Repository => {
    const store = storeOf(ctx);
    const name = requireString(input, 'repositoryName');
    const r = store.repositories.get(name);
    if (!r) throw repositoryNotFound(name, input.registryId ?? ctx.accountId);
    return r;
  };

  const imageIds = (input: Input, max: number): ImageId[] => {
    const ids = input.imageIds;
    if (!Array.isArray(ids) || ids.length < 1 || ids.length > max) {
      throw invalid(`imageIds must contain between 1 and ${max} image identifiers.`);
    }
    for (const id of ids) {
      if (!id || (id.imageTag === undefined && id.imageDigest === undefined)) {
        throw invalid('An image identifier needs an imageTag or an imageDigest.');
      }
    }
    return ids;
  };

  const imageDetail = (r: Repository, img: Image) => {
    const tags = tagsOf(r, img.digest);
    return {
      registryId: r.registryId,
      repositoryName: r.name,
      imageDigest: img.digest,
      ...(tags.length > 0 && { imageTags: tags }),
      imageSizeInBytes: img.size,
      imagePushedAt: seconds(img.pushedAt),
      imageManifestMediaType: img.mediaType,
      ...(img.parsed.artifactMediaType && { artifactMediaType: img.parsed.artifactMediaType }),
      ...(img.parsed.subjectDigest && { subjectManifestDigest: img.parsed.subjectDigest }),
      ...(img.lastPulledAt !== undefined && { lastRecordedPullTime: seconds(img.lastPulledAt) }),
      imageStatus: 'ACTIVE',
      ...(img.scan && {
        imageScanStatus: { status: img.scan.status, description: 'The scan was completed successfully.' },
        imageScanFindingsSummary: {
          imageScanCompletedAt: seconds(img.scan.completedAt),
          vulnerabilitySourceUpdatedAt: seconds(img.scan.completedAt),
          findingSeverityCounts: img.scan.counts,
        },
      }),
    };
  };

  const imageNotFound = (r: Repository, id: ImageId) =>
    new AwsError(
      'ImageNotFoundException',
      `The image with imageId {${describeImageId(id)}} does not exist within the repository with name '${r.name}' in the registry with id '${r.registryId}'`,
    );

  const tagStatusFilter = (input: Input) => {
    const status = input.filter?.tagStatus ?? 'ANY';
    if (!['TAGGED', 'UNTAGGED', 'ANY'].includes(status)) throw invalid(`Invalid tagStatus '${status}'.`);
    return (tagged: boolean) => status === 'ANY' || (status === 'TAGGED') === tagged;
  };

  return {
    CreateRepository(input: Input, ctx) {
      const store = storeOf(ctx);
      const name = requireString(input, 'repositoryName');
      if (name.length < 2 || name.length > 256 || !REPO_NAME_RE.test(name)) {
        throw invalid(
          `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '${REPO_NAME_RE.source.slice(1, -1)}''`,
        );
      }
      const mutability: TagMutability = input.imageTagMutability ?? 'MUTABLE';
      if (!TAG_MUTABILITIES.includes(mutability)) {
        throw invalid(
          `Invalid parameter at 'imageTagMutability': '${mutability}' is not one of ${TAG_MUTABILITIES}.`,
        );
      }
      const filters: { filterType?: string; filter?: string }[] =
        input.imageTagMutabilityExclusionFilters ?? [];
      const withExclusion = mutability.endsWith('_WITH_EXCLUSION');
      if (withExclusion !== filters.length > 0) {
        throw invalid(
          withExclusion
            ? `imageTagMutabilityExclusionFilters are required with ${mutability}.`
            : `imageTagMutabilityExclusionFilters are only allowed with IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION.`,
        );
      }
      const encryptionType = input.encryptionConfiguration?.encryptionType ?? 'AES256';
      if (!['AES256', 'KMS', 'KMS_DSSE'].includes(encryptionType)) {
        throw invalid(`Invalid encryptionType '${encryptionType}'.`);
      }
      if (encryptionType === 'AES256' && input.encryptionConfiguration?.kmsKey) {
        throw invalid('kmsKey can only be specified with KMS encryption.');
      }
      if (store.repositories.has(name)) {
        throw new AwsError(
          'RepositoryAlreadyExistsException',
          `The repository with name '${name}' already exists in the registry with id '${ctx.accountId}'`,
        );
      }
      const kmsKey =
        encryptionType === 'AES256'
          ? undefined
          : (input.encryptionConfiguration?.kmsKey ??
            `arn:aws:kms:${ctx.region}:${ctx.accountId}:alias/aws/ecr`);
      const r = store.createRepository(ctx, {
        name,
        mutability,
        exclusionFilters: filters.map((f) => String(f.filter)),
        scanOnPush: input.imageScanningConfiguration?.scanOnPush === true,
        encryption: { encryptionType, ...(kmsKey && { kmsKey }) },
        tags: input.tags,
      });
      return { repository: repositoryShape(r) };
    },

    DescribeRepositories(input: Input, ctx) {
      const store = storeOf(ctx);
      const names: string[] | undefined = input.repositoryNames;
      if (names !== undefined) {
        if (input.nextToken !== undefined || input.maxResults !== undefined) {
          throw invalid('repositoryNames cannot be combined with nextToken or maxResults.');
        }
        const missing = names.find((n) => !store.repositories.has(n));
        if (missing !== undefined) throw repositoryNotFound(missing, input.registryId ?? ctx.accountId);
        return { repositories: names.map((n) => repositoryShape(store.repositories.get(n)!)) };
      }
      const { items, nextToken } = page([...store.repositories.values()], input);
      return { repositories: items.map(repositoryShape), ...(nextToken && { nextToken }) };
    },

    DeleteRepository(input: Input, ctx) {
      const store = storeOf(ctx);
      const r = repo(input, ctx);
      if (r.images.size > 0 && input.force !== true) {
        throw new AwsError(
          'RepositoryNotEmptyException',
          `The repository with name '${r.name}' in registry with id '${r.registryId}' cannot be deleted because it still contains images`,
        );
      }
      store.repositories.delete(r.name);
      return { repository: repositoryShape(r) };
    },

    GetAuthorizationToken(_input: Input, ctx) {
      const store = storeOf(ctx);
      const token = store.issueToken(ctx);
      return {
        authorizationData: [
          {
            authorizationToken: Buffer.from(`AWS:${token.password}`).toString('base64'),
            expiresAt: seconds(token.expiresAt),
            proxyEndpoint: `http://${ctx.host}`,
          },
        ],
      };
    },

    DescribeImages(input: Input, ctx) {
      const store = storeOf(ctx);
      const r = repo(input, ctx);
      const keep = tagStatusFilter(input);
      if (input.imageIds !== undefined) {
        if (input.nextToken !== undefined || input.maxResults !== undefined) {
          throw invalid('imageIds cannot be combined with nextToken or maxResults.');
        }
        const found = new Map<string, Image>();
        for (const id of imageIds(input, 100)) {
          const img = store.findImage(r, id);
          if (!img) throw imageNotFound(r, id);
          found.set(img.digest, img);
        }
        return { imageDetails: [...found.values()].map((img) => imageDetail(r, img)) };
      }
      const all = [...r.images.values()].filter((img) => keep(tagsOf(r, img.digest).length > 0));
      const { items, nextToken } = page(all, input);
      return { imageDetails: items.map((img) => imageDetail(r, img)), ...(nextToken && { nextToken }) };
    },

    ListImages(input: Input, ctx) {
      const r = repo(input, ctx);
      const keep = tagStatusFilter(input);
      const ids: ImageId[] = [];
      for (const img of r.images.values()) {
        const tags = tagsOf(r, img.digest);
        if (!keep(tags.length > 0)) continue;
        if (tags.length === 0) ids.push({ imageDigest: img.digest });
        for (const t of tags) ids.push({ imageDigest: img.digest, imageTag: t });
      }
      const { items, nextToken } = page(ids, input);
      return { imageIds: items, ...(nextToken && { nextToken }) };
    },

    BatchGetImage(input: Input, ctx) {
      const store = storeOf(ctx);
      const r = repo(input, ctx);
      const accepted: string[] | undefined = input.acceptedMediaTypes;
      const images: unknown[] = [];
      const failures: unknown[] = [];
      for (const id of imageIds(input, 100)) {
        const img = store.findImage(r, id);
        if (!img) {
          const tagged = id.imageTag !== undefined ? r.tags.get(id.imageTag) : undefined;
          const mismatch = tagged !== undefined && id.imageDigest !== undefined && tagged !== id.imageDigest;
          failures.push({
            imageId: id,
            failureCode: mismatch ? 'ImageTagDoesNotMatchDigest' : 'ImageNotFound',
            failureReason: mismatch ? 'Invalid image tag for image digest' : 'Requested image not found',
          });
        } else if (accepted && !accepted.includes(img.mediaType)) {
          failures.push({
            imageId: id,
            failureCode: 'UnsupportedImageType',
            failureReason: `Requested media type ${img.mediaType} is not among the accepted media types`,
          });
        } else {
          images.push({
            registryId: r.registryId,
            repositoryName: r.name,
            imageId: { imageDigest: img.digest, ...(id.imageTag !== undefined && { imageTag: id.imageTag }) },
            imageManifest: img.manifest.toString(),
            imageManifestMediaType: img.mediaType,
          });
        }
      }
      return { images, failures };
    },

    PutImage(input: Input, ctx) {
      const store = storeOf(ctx);
      const r = repo(input, ctx);
      const manifest = requireString(input, 'imageManifest');
      const tag: string | undefined = input.imageTag;
      if (tag !== undefined && !TAG_RE.test(tag)) throw invalid(`Invalid parameter at 'imageTag': '${tag}'.`);
      try {
        const { image } = store.putManifest(r, Buffer.from(manifest), {
          mediaType: input.imageManifestMediaType,
          tag,
          digest: input.imageDigest,
          now: ctx.clock.now(),
          via: 'api',
        });
        return {
          image: {
            registryId: r.registryId,
            repositoryName: r.name,
            imageId: { imageDigest: image.digest, ...(tag !== undefined && { imageTag: tag }) },
            imageManifest: image.manifest.toString(),
            imageManifestMediaType: image.mediaType,
          },
        };
      } catch (e) {
        if (!(e instanceof PushRefused)) throw e;
        const message =
          e.reason === 'MANIFEST_INVALID'
            ? `Invalid parameter at 'imageManifest' failed to satisfy constraint: '${e.message}'`
            : e.message;
        throw new AwsError(REFUSAL_API_CODES[e.reason], message);
      }
    },

    BatchDeleteImage(input: Input, ctx) {
      const store = storeOf(ctx);
      const r = repo(input, ctx);
      const deleted: ImageId[] = [];
      const failures: unknown[] = [];
      for (const id of imageIds(input, 100)) {
        const img = store.findImage(r, id);
        if (!img) {
          failures.push({
            imageId: id,
            failureCode: 'ImageNotFound',
            failureReason: 'Requested image not found',
          });
        } else if (id.imageTag !== undefined && id.imageDigest === undefined) {
          // Deleting by tag removes the tag; the image goes once it has none left.
          r.tags.delete(id.imageTag);
          if (tagsOf(r, img.digest).length === 0) r.images.delete(img.digest);
          deleted.push({ imageDigest: img.digest, imageTag: id.imageTag });
        } else {
          const tags = store.deleteImage(r, img.digest);
          if (tags.length === 0) deleted.push({ imageDigest: img.digest });
          for (const t of tags) deleted.push({ imageDigest: img.digest, imageTag: t });
        }
      }
      return { imageIds: deleted, failures };
    },

    BatchCheckLayerAvailability(input: Input, ctx) {
      const store = storeOf(ctx);
      const r = repo(input, ctx);
      const digests: string[] = input.layerDigests;
      if (!Array.isArray(digests) || digests.length < 1 || digests.length > 100) {
        throw invalid('layerDigests must contain between 1 and 100 digests.');
      }
      const layers: unknown[] = [];
      const failures: unknown[] = [];
      for (const d of digests) {
        if (store.hasBlob(r, d)) {
          layers.push({
            layerDigest: d,
            layerAvailability: 'AVAILABLE',
            layerSize: store.blobs.size(d),
            mediaType: MEDIA_TYPES.dockerLayer,
          });
        } else {
          failures.push({
            layerDigest: d,
            failureCode: /^sha256:[a-f0-9]{64}$/.test(d) ? 'MissingLayerDigest' : 'InvalidLayerDigest',
            failureReason: 'Layer digest is not present in the repository',
          });
        }
      }
      return { layers, failures };
    },

    GetDownloadUrlForLayer(input: Input, ctx) {
      const store = storeOf(ctx);
      const r = repo(input, ctx);
      const digest = requireString(input, 'layerDigest');
      if (!store.hasBlob(r, digest)) {
        throw new AwsError(
          'LayersNotFoundException',
          `The layer '${digest}' does not exist in the repository.`,
        );
      }
      const signature = store.signDownload(r.name, digest, ctx.clock.now());
      return {
        downloadUrl: `http://${ctx.host}/v2/${r.name}/blobs/${digest}?X-Amz-Expires=3600&X-Amz-Signature=${signature}`,
        layerDigest: digest,
      };
    },

    InitiateLayerUpload(input: Input, ctx) {
      const store = storeOf(ctx);
      const r = repo(input, ctx);
      const session = store.blobs.startUpload(r.name, ctx.clock.now());
      return { uploadId: session.id, partSize: PART_SIZE };
    },

    UploadLayerPart(input: Input, ctx) {
      const store = storeOf(ctx);
      const r = repo(input, ctx);
      const session = store.blobs.upload(requireString(input, 'uploadId'));
      if (!session || session.repository !== r.name) {
        throw new AwsError('UploadNotFoundException', `Upload with id '${input.uploadId}' was not found.`);
      }
      const part = Buffer.from(requireString(input, 'layerPartBlob'), 'base64');
      if (input.partFirstByte !== session.size || input.partLastByte !== session.size + part.length - 1) {
        throw new AwsError(
          'InvalidLayerPartException',
          `The layer part bytes ${input.partFirstByte}-${input.partLastByte} do not continue the upload at byte ${session.size}.`,
        );
      }
      store.blobs.append(session, part);
      return {
        registryId: r.registryId,
        repositoryName: r.name,
        uploadId: session.id,
        lastByteReceived: session.size - 1,
      };
    },

    CompleteLayerUpload(input: Input, ctx) {
      const store = storeOf(ctx);
      const r = repo(input, ctx);
      const session = store.blobs.upload(requireString(input, 'uploadId'));
      if (!session || session.repository !== r.name) {
        throw new AwsError('UploadNotFoundException', `Upload with id '${input.uploadId}' was not found.`);
      }
      const [digest] = input.layerDigests ?? [];
      if (typeof digest !== 'string') throw invalid('layerDigests must contain the layer digest.');
      if (session.size === 0) {
        store.blobs.cancel(session.id);
        throw new AwsError('EmptyUploadException', 'The upload contains no layer parts.');
      }
      if (store.hasBlob(r, digest)) {
        store.blobs.cancel(session.id);
        throw new AwsError(
          'LayerAlreadyExistsException',
          `The layer '${digest}' already exists in the repository.`,
        );
      }
      try {
        store.blobs.finish(session, digest);
      } catch (e) {
        throw new AwsError('InvalidLayerException', (e as Error).message);
      }
      store.linkBlob(r, digest);
      return { registryId: r.registryId, repositoryName: r.name, uploadId: session.id, layerDigest: digest };
    },

    StartImageScan(input: Input, ctx) {
      const store = storeOf(ctx);
      const r = repo(input, ctx);
      const id: ImageId = input.imageId ?? {};
      const img = store.findImage(r, id);
      if (!img) throw imageNotFound(r, id);
      const scan = store.scan(r, img, ctx.clock.now());
      return {
        registryId: r.registryId,
        repositoryName: r.name,
        imageId: id,
        imageScanStatus: { status: scan.status, description: 'The scan was completed successfully.' },
      };
    },

    DescribeImageScanFindings(input: Input, ctx) {
      const store = storeOf(ctx);
      const r = repo(input, ctx);
      const id: ImageId = input.imageId ?? {};
      const img = store.findImage(r, id);
      if (!img) throw imageNotFound(r, id);
      if (!img.scan) {
        throw new AwsError(
          'ScanNotFoundException',
          `Image scan does not exist for the image with '${describeImageId(id)}' in the repository with name '${r.name}' in the registry with id '${r.registryId}'`,
        );
      }
      return {
        registryId: r.registryId,
        repositoryName: r.name,
        imageId: { imageDigest: img.digest, ...(id.imageTag !== undefined && { imageTag: id.imageTag }) },
        imageScanStatus: { status: img.scan.status, description: 'The scan was completed successfully.' },
        imageScanFindings: {
          imageScanCompletedAt: seconds(img.scan.completedAt),
          vulnerabilitySourceUpdatedAt: seconds(img.scan.completedAt),
          findingSeverityCounts: img.scan.counts,
          findings: syntheticFindings(img),
        },
      };
    },
  };
}
