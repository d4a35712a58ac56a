// For tests that seed images straight into the emulator's ECR (no build): attaches what `cendence push`
// attaches — a CycloneDX SBOM and an in-toto provenance statement as OCI referrers of the digest — through
// the registry API and the same code push uses, so verify sees a seeded image as it would a pushed one.
import { PassThrough } from 'node:stream';
import { AwsClients } from '../shared/src/aws/clients.js';
import { provenanceStatement } from '../shared/src/image/provenance.js';
import { cycloneDx } from '../shared/src/image/sbom.js';
import { pushAttestations } from '../shared/src/registry/attest.js';
import { ecrLogin } from '../shared/src/registry/ecr-auth.js';
import { OciRegistry } from '../shared/src/registry/oci.js';
import { TerminalRunner } from '../shared/src/runner/terminal.js';

export async function attachAttestations(
  emu: { url: string; host: string; region: string },
  repository: string,
  digest: string,
): Promise<void> {
  const aws = new AwsClients({ region: emu.region, endpoint: emu.url });
  try {
    const reg = new OciRegistry(await ecrLogin(aws, new TerminalRunner({ stream: new PassThrough() })));
    const image = `${emu.host}/${repository}`;
    const tool = 'cendence test seed';
    const provenance = provenanceStatement({
      image,
      digest,
      facts: {
        engine: 'seed',
        dockerfile: '',
        buildArgs: {},
        bases: [],
        secretIds: [],
        commit: 'seed',
        lockfiles: [],
      },
      platforms: [],
      cacheFrom: [],
      cacheTo: [],
      finishedOn: new Date().toISOString(),
      env: {},
      tool,
    });
    await pushAttestations(reg, repository, digest, cycloneDx(image, digest, [], tool), provenance);
  } finally {
    aws.destroy();
  }
}
