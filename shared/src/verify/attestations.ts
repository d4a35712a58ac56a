// verify, attestations: each image digest a deploy would run must carry a CycloneDX SBOM and an in-toto
// provenance statement as OCI referrers (what cendence push attaches). The verify step always asks;
// deploy asks only for services whose manifest says deploy.requireAttestations. Read-only: the
// registry's referrers API.
import type { OciRegistry } from '../registry/oci.js';
import { existingAttestations, SIGNATURE_ANNOTATION } from '../registry/referrers.js';
import type { Problem } from '../taskdef/problems.js';

/** Who requires the attestations: the service's manifest, or the verify step (always). */
export type AttestationsRequiredBy = 'manifest' | 'verify';

export async function checkAttestations(
  reg: OciRegistry,
  target: { file: string; requireAttestations?: AttestationsRequiredBy },
  image: string,
  ref: { repository: string; digest: string },
  problems: Problem[],
  checked: string[],
): Promise<void> {
  const found = await existingAttestations(reg, ref.repository, ref.digest);
  const lacking = [!found.sbom && 'SBOM', !found.provenance && 'provenance statement'].filter(Boolean);
  if (lacking.length === 0) {
    const unsigned = [found.sbom, found.provenance].some((d) =>
      d?.annotations?.[SIGNATURE_ANNOTATION]?.startsWith('unsigned'),
    );
    checked.push(`image ${image} has an SBOM and a provenance statement${unsigned ? ' (unsigned)' : ''}`);
    return;
  }
  const byManifest = target.requireAttestations === 'manifest';
  problems.push({
    field: `${target.file} ${byManifest ? 'deploy.requireAttestations ' : ''}(image ${image})`,
    message: `the image has no ${lacking.join(' and no ')} among its OCI referrers`,
    fix: byManifest
      ? 'push it with cendence push (attestations: true, the default), or drop deploy.requireAttestations'
      : 'push it with cendence push (attestations: true, the default), which attaches both as referrers of the digest',
  });
}
