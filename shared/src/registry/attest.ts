// SBOM and provenance for every pushed digest: made from the build's record (lockfiles, build facts)
// and the image's own dpkg database, pushed next to the image as OCI referrers (subject = the image
// digest) and written as files for the CI's artifacts. Signed with sigstore where the CI offers an OIDC
// identity (sign.ts); otherwise unsigned, and labelled so in an annotation.
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
import { NO_IDENTITY, SIGNING_OFF, SIGSTORE_BUNDLE_TYPE, signingIdentity, signStatement } from './sign.js';

export interface Attestations {
  /** Digests of the referrer manifests. */
  sbom: string;
  provenance: string;
  signed: boolean;
  /** The sigstore bundle's referrer digest, when signed. */
  signature?: string;
  /** What the io.cendence.signature annotation says: signed by whom, or why unsigned. */
  label: string;
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
  /** false: never sign, even where the CI offers an identity (the push step's sign input). */
  sign?: boolean;
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
  // Signed only where the CI offers an OIDC identity; a failed signing leaves them unsigned, never the push failed.
  let signature: Buffer | undefined;
  let label = o.sign === false ? SIGNING_OFF : NO_IDENTITY;
  let id: Awaited<ReturnType<typeof signingIdentity>>;
  try {
    id = o.sign === false ? undefined : await signingIdentity(o.env, o.runner);
    if (id) {
      signature = await signStatement(provenance, id, o.env);
      label = `signed: sigstore DSSE bundle of the provenance, identity from ${id.source}`;
    }
  } catch (err) {
    // The library quotes a token it could not parse: keep it out of the label pushed to the registry.
    let why = (err as Error).message.split('\n')[0];
    if (id) why = why.replaceAll(id.token, '***');
    label = `unsigned: signing failed (${why})`;
    o.runner.warning(`${b.service}: the provenance was not signed: ${why}`);
  }
  const pushed = await pushAttestations(reg, b.repository, o.digest, sbom, provenance, label, signature);
  await mkdir(o.outDir, { recursive: true });
  const files = [
    path.join(o.outDir, `${b.service}.cdx.json`),
    path.join(o.outDir, `${b.service}.provenance.json`),
    ...(signature ? [path.join(o.outDir, `${b.service}.sigstore.json`)] : []),
  ];
  await writeFile(files[0], sbom);
  await writeFile(files[1], provenance);
  if (signature) await writeFile(files[2], signature);
  o.runner.info(
    `${b.service}: SBOM (${packages.length} packages) and provenance pushed as referrers of ${image.slice(0, 80)}…, ${label}`,
  );
  return {
    sbom: pushed.sbom.digest,
    provenance: pushed.provenance.digest,
    signed: Boolean(signature),
    ...(pushed.signature ? { signature: pushed.signature.digest } : {}),
    label,
    files,
  };
}

/**
 * Pushes an SBOM, a provenance statement and, when signed, the sigstore bundle as OCI referrers of
 * `repository@digest`; `label` says whether and how they are signed.
 */
export async function pushAttestations(
  reg: OciRegistry,
  repository: string,
  digest: string,
  sbom: string,
  provenance: string,
  label = NO_IDENTITY,
  signature?: Buffer,
): Promise<{ sbom: Descriptor; provenance: Descriptor; signature?: Descriptor }> {
  const subject = await reg.manifest(repository, digest);
  if (!subject) throw new Error(`${repository}@${digest} is not in the registry`);
  const annotations = {
    'org.opencontainers.image.created': new Date().toISOString(),
    [SIGNATURE_ANNOTATION]: label,
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
    ...(signature
      ? { signature: await reg.pushReferrer(repository, desc, SIGSTORE_BUNDLE_TYPE, signature, annotations) }
      : {}),
  };
}
