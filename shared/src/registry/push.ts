// Pushes built images to ECR: repositories checked (and created when asked) before the first push, one
// registry login for all services (registry/session.ts), the content tag pushed first and its digest
// kept, then the git-sha tag. Content that is already in the registry is re-tagged instead of pushed.
import type { AwsClients } from '../aws/clients.js';
import type { BuildRecord } from '../image/build.js';
import { PushFailed } from '../image/docker.js';
import { type ImageEngine, isImmutableTagError, type RegistryLogin } from '../image/engine.js';
import type { Runner } from '../runner/types.js';
import { type Attestations, attestImage } from './attest.js';
import {
  addTag,
  createRepository,
  digestOfTag,
  missingRepositoryError,
  repositoryExists,
  TagConflict,
} from './images.js';
import { withRegistryLogin } from './session.js';

export interface PushRecord {
  service: string;
  /** "<registry>/<repository>@sha256:…": what render pins task definitions to. */
  uri: string;
  digest: string;
  tags: string[];
  /** pushed: layers were uploaded; 'already in registry': the content tag was there (re-tagged); reused: the build step re-tagged it. */
  status: 'pushed' | 'already in registry' | 'reused';
  layersPushed: number;
  layersSkipped: number;
  /** Uncompressed size of the uploaded share of the image's layers: an estimate, 0 when nothing moved. */
  bytesEstimate: number;
  seconds: number;
  /** Size of the local image (uncompressed), when this step pushed it. */
  imageBytes?: number;
  /** Referrers pushed with the image (SBOM, provenance) and the artifact files written. */
  attestations?: Attestations;
}

export interface PushOptions {
  builds: BuildRecord[];
  engine: ImageEngine;
  aws: AwsClients;
  runner: Runner;
  login: RegistryLogin;
  createRepository: boolean;
  now?: () => number;
  /** Push SBOM and provenance referrers for each pushed digest (files under outDir). */
  attest?: { root: string; outDir: string; env: NodeJS.ProcessEnv; sign?: boolean };
}

/** Checks repositories and creates the missing ones when allowed; throws before any push otherwise. */
export async function prepareRepositories(
  o: Pick<PushOptions, 'builds' | 'aws' | 'runner' | 'createRepository'>,
) {
  const repos = [...new Set(o.builds.filter((b) => b.status === 'built').map((b) => b.repository))];
  const exists = await Promise.all(repos.map((r) => repositoryExists(o.aws, r)));
  const missing = repos.filter((_, i) => !exists[i]);
  if (missing.length > 0 && !o.createRepository) throw missingRepositoryError(missing);
  for (const r of missing) {
    await createRepository(o.aws, r);
    o.runner.info(`created ECR repository ${r} (immutable tags, scan on push)`);
  }
}

export async function pushImages(o: PushOptions): Promise<PushRecord[]> {
  const now = o.now ?? Date.now;
  const records: PushRecord[] = [];
  for (const b of o.builds.filter((x) => x.status === 'reused')) {
    if (!b.digest) throw new Error(`build record of ${b.service} is reused but has no digest`);
    records.push(record(b, b.digest, 'reused', { layersPushed: 0, layersSkipped: 0 }, 0, 0));
  }
  const toPush = o.builds.filter((b) => b.status === 'built');
  if (toPush.length === 0) return records;
  // Login first: a refused login (exit 2) must come before any repository is created.
  await withRegistryLogin(o.engine, o.login, async (configDir) => {
    await prepareRepositories(o);
    for (const b of toPush) {
      const started = now();
      const existing = await digestOfTag(o.aws, b.repository, b.contentTag);
      if (existing) {
        // Same content pushed meanwhile (another pipeline): keep that image, add our tag, move nothing.
        await addTag(o.aws, b.repository, existing, b.gitTag);
        o.runner.info(
          `${b.service}: ${b.contentTag} is already in the registry; tagged ${b.gitTag}, nothing pushed`,
        );
        records.push(
          record(
            b,
            existing,
            'already in registry',
            { layersPushed: 0, layersSkipped: 0 },
            0,
            (now() - started) / 1000,
          ),
        );
        continue;
      }
      const out = await o.runner.group(`push ${b.service} → ${b.image}`, async () => {
        const first = await o.engine.push(`${b.image}:${b.contentTag}`, o.login, configDir, (l) =>
          o.runner.debug(l),
        );
        // An image index (several platforms) is one local list named by the content tag: its git-sha
        // tag is added in the registry instead, moving no bytes.
        if ((b.platforms?.length ?? 0) > 1) await addTag(o.aws, b.repository, first.digest, b.gitTag);
        else await pushTag(o, b, first.digest, configDir);
        return first;
      });
      const total = out.layersPushed + out.layersSkipped;
      const size = await o.engine.imageSize(`${b.image}:${b.contentTag}`);
      const bytes = total > 0 ? Math.round((size * out.layersPushed) / total) : 0;
      const seconds = (now() - started) / 1000;
      o.runner.info(
        `${b.service}: pushed ${b.image}@${out.digest} (${out.layersPushed} layer(s) uploaded, ${out.layersSkipped} already there) in ${seconds.toFixed(1)} s`,
      );
      const pushed = { ...record(b, out.digest, 'pushed', out, bytes, seconds), imageBytes: size };
      if (o.attest) {
        // The image is pushed either way; a digest without attestations is what verify then refuses.
        pushed.attestations = await attestImage({
          build: b,
          digest: out.digest,
          login: o.login,
          engine: o.engine,
          runner: o.runner,
          ...o.attest,
        }).catch((err: Error) => {
          o.runner.warning(`${b.service}: no SBOM/provenance pushed: ${err.message.split('\n')[0]}`);
          return undefined;
        });
      }
      records.push(pushed);
    }
  });
  // In the order of the builds record, whatever was pushed and what was not.
  const order = o.builds.map((b) => b.service);
  return records.sort((a, b) => order.indexOf(a.service) - order.indexOf(b.service));
}

/** Pushes the git-sha tag; an immutable tag already on the same digest is fine, on another one an error. */
async function pushTag(o: PushOptions, b: BuildRecord, digest: string, configDir: string): Promise<void> {
  try {
    await o.engine.push(`${b.image}:${b.gitTag}`, o.login, configDir, (l) => o.runner.debug(l));
  } catch (err) {
    if (!(err instanceof PushFailed) || !isImmutableTagError(err.output)) throw err;
    const existing = await digestOfTag(o.aws, b.repository, b.gitTag);
    if (existing !== digest)
      throw new TagConflict(b.repository, b.gitTag, existing ?? 'another image', digest);
    o.runner.info(`${b.service}: tag ${b.gitTag} already points at ${digest}`);
  }
}

function record(
  b: BuildRecord,
  digest: string,
  status: PushRecord['status'],
  layers: { layersPushed: number; layersSkipped: number },
  bytesEstimate: number,
  seconds: number,
): PushRecord {
  return {
    service: b.service,
    uri: `${b.image}@${digest}`,
    digest,
    tags: [b.contentTag, b.gitTag],
    status,
    layersPushed: layers.layersPushed,
    layersSkipped: layers.layersSkipped,
    bytesEstimate,
    seconds,
  };
}
