// ECR image look-ups and re-tagging through the API: is a tag there (and at which digest), add a tag to
// an existing image manifest without moving any bytes (BatchGetImage + PutImage), and make sure a
// repository exists. Immutable tags: the same tag at the same digest is success; elsewhere an error.
import type { AwsClients } from '../aws/clients.js';
import { isAwsError } from '../aws/errors.js';
import { StepFailed, UserError } from '../errors.js';
import { CACHE_TAG_FILTER } from '../image/cache.js';

/** Manifest types we accept back from BatchGetImage: Docker v2 and OCI, single images and indexes. */
const MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.index.v1+json',
];

/** The digest a tag points at, or undefined when the tag (or the repository) does not exist. */
export async function digestOfTag(
  aws: AwsClients,
  repository: string,
  tag: string,
): Promise<string | undefined> {
  try {
    const r = await aws.ecr.send(
      (sdk) => new sdk.DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] }),
    );
    return r.imageDetails?.[0]?.imageDigest;
  } catch (err) {
    if (isAwsError(err, 'ImageNotFoundException', 'RepositoryNotFoundException')) return undefined;
    throw err;
  }
}

export class TagConflict extends StepFailed {
  constructor(repository: string, tag: string, existing: string, wanted: string) {
    super(
      `${repository}:${tag} already points at ${existing} and the repository's tags are immutable; ` +
        `this image is ${wanted}. Use a new tag (a new commit gets a new git-sha tag), or delete the old image if it was pushed by mistake.`,
    );
  }
}

/**
 * Adds `tag` to the image `digest` by re-putting its manifest: no layer is read or written.
 * Returns 'added', or 'present' when the tag already points at that digest.
 */
export async function addTag(
  aws: AwsClients,
  repository: string,
  digest: string,
  tag: string,
): Promise<'added' | 'present'> {
  const got = await aws.ecr.send(
    (sdk) =>
      new sdk.BatchGetImageCommand({
        repositoryName: repository,
        imageIds: [{ imageDigest: digest }],
        acceptedMediaTypes: MANIFEST_TYPES,
      }),
  );
  const image = got.images?.[0];
  if (!image?.imageManifest) {
    const why = got.failures?.[0]?.failureReason ?? 'not found';
    throw new StepFailed(`cannot read the manifest of ${repository}@${digest}: ${why}`);
  }
  try {
    await aws.ecr.send(
      (sdk) =>
        new sdk.PutImageCommand({
          repositoryName: repository,
          imageManifest: image.imageManifest,
          imageManifestMediaType: image.imageManifestMediaType,
          imageDigest: digest,
          imageTag: tag,
        }),
    );
    return 'added';
  } catch (err) {
    if (isAwsError(err, 'ImageAlreadyExistsException')) return 'present';
    if (isAwsError(err, 'ImageTagAlreadyExistsException')) {
      const existing = await digestOfTag(aws, repository, tag);
      if (existing === digest) return 'present';
      throw new TagConflict(repository, tag, existing ?? 'another image', digest);
    }
    throw err;
  }
}

export async function repositoryExists(aws: AwsClients, repository: string): Promise<boolean> {
  try {
    await aws.ecr.send((sdk) => new sdk.DescribeRepositoriesCommand({ repositoryNames: [repository] }));
    return true;
  } catch (err) {
    if (isAwsError(err, 'RepositoryNotFoundException')) return false;
    throw err;
  }
}

/**
 * Creates a repository the way we want every image repository: immutable tags (but the moving build
 * cache tags, as terraform/ecr.tf), scan on push.
 */
export async function createRepository(aws: AwsClients, repository: string): Promise<void> {
  await aws.ecr.send(
    (sdk) =>
      new sdk.CreateRepositoryCommand({
        repositoryName: repository,
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filter: CACHE_TAG_FILTER, filterType: 'WILDCARD' }],
        imageScanningConfiguration: { scanOnPush: true },
      }),
  );
}

export function missingRepositoryError(missing: string[]): UserError {
  return new UserError(
    `ECR repositor${missing.length > 1 ? 'ies' : 'y'} ${missing.map((m) => `'${m}'`).join(', ')} do${missing.length > 1 ? '' : 'es'} not exist`,
    'create-repository',
    'create them in terraform, or pass --create-repository to create them with immutable tags and scan on push',
  );
}
