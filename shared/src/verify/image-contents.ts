// verify, inside the images: the task definition's CPU architecture must be one the pushed image (or
// image index) offers — an X86_64 task cannot start an arm64-only image, nor ARM64 an amd64 one — and,
// when required, each digest must carry an SBOM and a provenance statement (attestations.ts). Read-only:
// BatchGetImage for the manifest, the registry (token login) for config blobs and the referrers API.
import type { AwsClients } from '../aws/clients.js';
import { fargateArchitecture } from '../image/platforms.js';
import { ecrLogin } from '../registry/ecr-auth.js';
import { OciRegistry } from '../registry/oci.js';
import type { Runner } from '../runner/types.js';
import { ecrRegistry, parseImageRef } from '../taskdef/image-ref.js';
import type { Problem } from '../taskdef/problems.js';
import { type AttestationsRequiredBy, checkAttestations } from './attestations.js';

export interface ImageContentsTarget {
  name: string;
  file: string;
  images: string[];
  /** runtimePlatform.cpuArchitecture of the rendered task definition (X86_64 when unset). */
  cpuArchitecture?: string;
  /** Refuse a digest without SBOM and provenance referrers; who asks decides the message. */
  requireAttestations?: AttestationsRequiredBy;
}

const ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.index.v1+json',
];

interface ManifestDoc {
  manifests?: { platform?: { architecture?: string; os?: string } }[];
  config?: { digest: string };
}

export async function checkImageContents(
  aws: AwsClients,
  targets: ImageContentsTarget[],
  problems: Problem[],
  checked: string[],
  runner?: Runner,
): Promise<void> {
  let registry: OciRegistry | undefined;
  const reg = async () => {
    if (!runner) throw new Error('the registry checks need a runner (to mask the registry token)');
    registry ??= new OciRegistry(await ecrLogin(aws, runner));
    return registry;
  };
  for (const t of targets) {
    const want = t.cpuArchitecture ?? 'X86_64';
    for (const image of t.images) {
      const ref = parseImageRef(image);
      const ecr = ref && ecrRegistry(ref.registry);
      // Only digest-pinned ECR images of this region are checked (others: checkImages and the pull tell).
      if (!ref?.digest || !ecr || (ecr.region && ecr.region !== aws.region)) continue;
      const got = await aws.ecr
        .send(
          (sdk) =>
            new sdk.BatchGetImageCommand({
              repositoryName: ref.repository,
              imageIds: [{ imageDigest: ref.digest }],
              acceptedMediaTypes: ACCEPT,
            }),
        )
        .catch(() => undefined);
      const raw = got?.images?.[0]?.imageManifest;
      if (!raw) continue; // A missing repository or image is checkImages' problem.
      const doc = JSON.parse(raw) as ManifestDoc;
      let archs: string[] | undefined;
      if (doc.manifests) {
        archs = doc.manifests.map((m) => m.platform?.architecture ?? '').filter((a) => a && a !== 'unknown');
      } else if (want !== 'X86_64' && doc.config) {
        // A single image: its config says which architecture it was built for.
        const config = JSON.parse(
          (await (await reg()).blob(ref.repository, doc.config.digest)).toString(),
        ) as {
          architecture?: string;
        };
        archs = config.architecture ? [config.architecture] : undefined;
      }
      if (archs) {
        const offered = archs.map(fargateArchitecture).filter(Boolean);
        if (!offered.includes(want as 'X86_64' | 'ARM64')) {
          problems.push({
            field: `${t.file} deploy.cpuArchitecture (image ${image})`,
            message: `the task definition runs ${want}, but the pushed image offers only ${archs.join(', ') || 'no known architecture'}`,
            fix:
              want === 'ARM64'
                ? 'build with --platforms linux/amd64,linux/arm64 (engine buildah) and push again, or set deploy.cpuArchitecture: X86_64'
                : `set deploy.cpuArchitecture: ${offered[0] ?? 'ARM64'}, or build for linux/amd64 too`,
          });
        } else checked.push(`image ${image} offers ${want}`);
      }
      if (t.requireAttestations)
        await checkAttestations(
          await reg(),
          t,
          image,
          { repository: ref.repository, digest: ref.digest },
          problems,
          checked,
        );
    }
  }
}
