// SBOM and provenance for every pushed digest: made from the build's record (lockfiles, build facts)
// and the image's own dpkg database, pushed next to the image as OCI referrers (subject = the image
// digest) and written as files for the CI's artifacts. Unsigned, and labelled so in an annotation:
// signing needs a signing identity (sigstore with the CI's OIDC token), which this step does not hold.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BuildRecord } from '../image/build.js';
import type { ImageEngine, RegistryLogin } from '../image/engine.js';
import { provenanceStatement } from '../image/provenance.js';
import type { Package } from '../image/sbom.js';
import type { Runner } from '../runner/types.js';
import { VERSION } from '../version.js';
import { type Descriptor, OciRegistry } from './oci.js';
import { PROVENANCE_TYPE, SBOM_TYPE, SIGNATURE_ANNOTATION } from './referrers.js';

export interface Attestations {
  /** Digests of the referrer manifests. */
  sbom: string;
  provenance: string;
  signed: boolean;
  /** The artifact files written. */
  files: string[];
}

export interface AttestOptions {
  build: BuildRecord;
  digest: string;
  login: RegistryLogin;
  engine: ImageEngine;
  runner: Runner;
  root: string;
  outDir: string;
  env: NodeJS.ProcessEnv;
  startedOn?: string;
}

export async function attestImage(o: AttestOptions): Promise<Attestations> {
  const b = o.build;
  const tool = `cendence ${VERSION}`;
  // Loaded on use: the CycloneDX library is most of the push bundle's weight, and only attesting needs it.
  const { cycloneDx, debPackages, npmPackages } = await import('../image/sbom.js');
  const reg = new OciRegistry(o.login);
  const packages: Package[] = [];
  for (const lock of b.provenance?.lockfiles ?? []) {
    const text = await readFile(path.resolve(o.root, lock), 'utf8').catch(() => undefined);
    if (text) packages.push(...npmPackages(text));
    else
      o.runner.warning(
        `${b.service}: ${lock} is not under ${o.root}; the SBOM lists no npm packages from it`,
      );
  }
  const dpkg = await o.engine.readImageFile(`${b.image}:${b.contentTag}`, '/var/lib/dpkg/status');
  if (dpkg) packages.push(...debPackages(dpkg.toString('utf8')));
  const image = `${b.image}@${o.digest}`;
  const sbom = cycloneDx(b.image, o.digest, packages, tool);
  const facts = b.provenance ?? {
    engine: o.engine.name,
    dockerfile: '',
    buildArgs: {},
    bases: [],
    secretIds: [],
    commit: b.gitTag,
    lockfiles: [],
  };
  const provenance = provenanceStatement({
    image: b.image,
    digest: o.digest,
    facts,
    platforms: b.platforms ?? [],
    cacheFrom: b.cacheFrom ?? [],
    cacheTo: b.cacheTo ?? [],
    startedOn: o.startedOn,
    finishedOn: new Date().toISOString(),
    env: o.env,
    tool,
  });
  const { sbom: s, provenance: p } = await pushAttestations(reg, b.repository, o.digest, sbom, provenance);
  await mkdir(o.outDir, { recursive: true });
  const files = [
    path.join(o.outDir, `${b.service}.cdx.json`),
    path.join(o.outDir, `${b.service}.provenance.json`),
  ];
  await writeFile(files[0], sbom);
  await writeFile(files[1], provenance);
  o.runner.info(
    `${b.service}: SBOM (${packages.length} packages) and provenance pushed as referrers of ${image.slice(0, 80)}…, unsigned`,
  );
  return { sbom: s.digest, provenance: p.digest, signed: false, files };
}

/** Pushes an SBOM and a provenance statement as OCI referrers of `repository@digest` (labelled unsigned). */
export async function pushAttestations(
  reg: OciRegistry,
  repository: string,
  digest: string,
  sbom: string,
  provenance: string,
): Promise<{ sbom: Descriptor; provenance: Descriptor }> {
  const subject = await reg.manifest(repository, digest);
  if (!subject) throw new Error(`${repository}@${digest} is not in the registry`);
  const annotations = {
    'org.opencontainers.image.created': new Date().toISOString(),
    [SIGNATURE_ANNOTATION]: 'unsigned: no signing identity (sigstore needs the CI OIDC token)',
  };
  const desc = { mediaType: subject.json.mediaType ?? subject.mediaType, digest, size: subject.raw.length };
  return {
    sbom: await reg.pushReferrer(repository, desc, SBOM_TYPE, Buffer.from(sbom), annotations),
    provenance: await reg.pushReferrer(
      repository,
      desc,
      PROVENANCE_TYPE,
      Buffer.from(provenance),
      annotations,
    ),
  };
}
