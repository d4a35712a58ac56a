// The artifact types Cendence pushes next to an image as OCI referrers, and how to find them: kept apart
// from attest.ts so verify and deploy read referrers without bundling the SBOM generator.
import type { Descriptor, OciRegistry } from './oci.js';

export const SBOM_TYPE = 'application/vnd.cyclonedx+json';
export const PROVENANCE_TYPE = 'application/vnd.in-toto+json';
export const SIGNATURE_ANNOTATION = 'io.cendence.signature';

/** The SBOM and provenance referrers an image already has, by artifact type. */
export async function existingAttestations(
  reg: OciRegistry,
  repository: string,
  digest: string,
): Promise<{ sbom?: Descriptor; provenance?: Descriptor }> {
  const all = await reg.referrers(repository, digest);
  return {
    sbom: all.find((d) => d.artifactType === SBOM_TYPE),
    provenance: all.find((d) => d.artifactType === PROVENANCE_TYPE),
  };
}
