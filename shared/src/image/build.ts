// Builds service images, content-addressed: for each service the content tag is computed first; if the
// registry already has it, the image is neither built nor pushed — the git-sha tag is added to the
// existing manifest (registry/images.ts addTag) and no bytes move. Phases keep validation before
// mutation: resolve everything (bases, content tags), then look up the registry, then build/re-tag.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AwsClients } from '../aws/clients.js';
import { UserError } from '../errors.js';
import type { ServiceManifest } from '../manifest/schema.js';
import type { Runner } from '../runner/types.js';
import { type ContentTag, contentTag } from './content-tag.js';
import { baseImages } from './dockerfile.js';
import type { ImageEngine } from './engine.js';

export interface BuildRecord {
  service: string;
  /** ECR repository name. */
  repository: string;
  /** "<registry>/<repository>", without tag. */
  image: string;
  contentTag: string;
  gitTag: string;
  /** 'built': a new local image to push; 'reused': already in the registry, re-tagged, nothing to push. */
  status: 'built' | 'reused';
  /** Registry digest (known for reused images; push fills it for built ones). */
  digest?: string;
  /** Local image id (built images). */
  imageId?: string;
  seconds: number;
}

/** What the build asks the registry (registry/images.ts, handed in by the step: image never imports registry). */
export interface RegistryLookup {
  /** The digest a tag points to, or undefined when the repository or tag does not exist. */
  digestOfTag(repository: string, tag: string): Promise<string | undefined>;
  /** Adds a tag to an existing image: 'added', or 'present' when it was there already. */
  addTag(repository: string, digest: string, tag: string): Promise<'added' | 'present'>;
}

export interface BuildOptions {
  root: string;
  lookup: RegistryLookup;
  manifests: ServiceManifest[];
  engine: ImageEngine;
  aws: AwsClients;
  runner: Runner;
  /** Registry host that image names start with. */
  registry: string;
  gitSha: string;
  /** Git sha of the previous commit: its images are the cache source. */
  previousSha?: string;
  /** Extra build args, over each manifest's build.args. */
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  network?: string;
  now?: () => number;
}

interface Prepared {
  m: ServiceManifest;
  repository: string;
  image: string;
  dockerfile: string;
  context: string;
  buildArgs: Record<string, string>;
  content: ContentTag;
}

/** Resolves each base image to an identity (local image id, pulled if needed, or a pinned digest). */
async function resolveBases(
  engine: ImageEngine,
  m: ServiceManifest,
  dockerfile: string,
  args: Record<string, string>,
) {
  const text = await readFile(dockerfile, 'utf8');
  const bases: { ref: string; id: string }[] = [];
  for (const b of baseImages(text, args)) {
    let id = await engine.imageId(b.ref);
    if (!id && (await engine.pull(b.ref))) id = await engine.imageId(b.ref);
    if (!id && /@sha256:[0-9a-f]{64}$/.test(b.ref)) id = b.ref.slice(b.ref.indexOf('@') + 1);
    if (!id) {
      throw new UserError(
        `base image '${b.ref}' (line ${b.line}) is not available to ${engine.name}: not present locally and the pull failed`,
        `${m.dir}/${m.build.dockerfile}`,
        `load or pull it first, or pass --build-args BASE_IMAGE=<an image you have>`,
      );
    }
    bases.push({ ref: b.ref, id });
  }
  return bases;
}

export async function prepareBuilds(o: BuildOptions): Promise<Prepared[]> {
  const prepared: Prepared[] = [];
  for (const m of o.manifests) {
    const repository = m.repository ?? m.name;
    const dockerfile = path.resolve(o.root, m.dir, m.build.dockerfile);
    const context = path.resolve(o.root, m.dir, m.build.context);
    const buildArgs = { ...m.build.args, ...o.buildArgs };
    const bases = await resolveBases(o.engine, m, dockerfile, buildArgs);
    const content = await contentTag({ dockerfile, context, buildArgs, target: m.build.target, bases });
    prepared.push({
      m,
      repository,
      image: `${o.registry}/${repository}`,
      dockerfile,
      context,
      buildArgs,
      content,
    });
  }
  return prepared;
}

export async function buildImages(o: BuildOptions): Promise<BuildRecord[]> {
  const now = o.now ?? Date.now;
  const prepared = await prepareBuilds(o);
  // Read-only look-ups for every service before anything is built or tagged.
  const existing = await Promise.all(prepared.map((p) => o.lookup.digestOfTag(p.repository, p.content.tag)));
  const records: BuildRecord[] = [];
  for (const [i, p] of prepared.entries()) {
    const started = now();
    const base = {
      service: p.m.name,
      repository: p.repository,
      image: p.image,
      contentTag: p.content.tag,
      gitTag: o.gitSha,
    };
    const digest = existing[i];
    if (digest) {
      const r = await o.lookup.addTag(p.repository, digest, o.gitSha);
      o.runner.info(
        `${p.m.name}: ${p.image}:${p.content.tag} is already in the registry (${digest.slice(0, 19)}…); ` +
          `${r === 'added' ? 'added' : 'already has'} tag ${o.gitSha}, nothing built or pushed`,
      );
      records.push({ ...base, status: 'reused', digest, seconds: (now() - started) / 1000 });
      continue;
    }
    const imageId = await o.runner.group(`build ${p.m.name} → ${p.image}:${p.content.tag}`, async () => {
      const cacheFrom = o.previousSha ? [`${p.image}:${o.previousSha}`] : [];
      const present = [];
      for (const c of cacheFrom) if (await o.engine.imageId(c)) present.push(c);
      return o.engine.build(
        {
          dockerfile: p.dockerfile,
          context: p.context,
          tags: [`${p.image}:${p.content.tag}`, `${p.image}:${o.gitSha}`],
          buildArgs: p.buildArgs,
          labels: o.labels,
          target: p.m.build.target,
          network: o.network,
          cacheFrom: present,
        },
        (line) => o.runner.debug(line),
      );
    });
    const seconds = (now() - started) / 1000;
    o.runner.info(
      `${p.m.name}: built ${p.image}:${p.content.tag} (${p.content.files} context files) in ${seconds.toFixed(1)} s`,
    );
    records.push({ ...base, status: 'built', imageId, seconds });
  }
  return records;
}
