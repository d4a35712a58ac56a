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
import { type CacheSettings, type CacheStats, type ServiceCache, serviceCache } from './cache.js';
import { type ContentTag, contentTag } from './content-tag.js';
import { contextFiles, contextMatcher } from './context.js';
import { baseImages } from './dockerfile.js';
import type { ImageEngine } from './engine.js';
import { type SecretSpec, withSecretFiles } from './secrets.js';

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
  /** Target platforms (empty: the engine's own); more than one: an image index. */
  platforms?: string[];
  /** Instructions answered from the cache vs run (built images). */
  cache?: CacheStats;
  /** Cache references imported from and written to (built images). */
  cacheFrom?: string[];
  cacheTo?: string[];
  /** Of `seconds`, the time spent saving the cache after the build. */
  cacheExportSeconds?: number;
  /** What the provenance statement records about the build (secret-free). */
  provenance?: BuildFacts;
}

/** The inputs of a build as the SLSA provenance states them. Secrets appear by id only. */
export interface BuildFacts {
  engine: string;
  dockerfile: string;
  buildArgs: Record<string, string>;
  target?: string;
  /** Base images: reference and the identity it resolved to (digest or local image id). */
  bases: { ref: string; id: string }[];
  secretIds: string[];
  commit: string;
  source?: string;
  /** npm lockfiles the Dockerfile copies (relative to the root): the SBOM's npm packages. */
  lockfiles: string[];
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
  /** Extra build args, over each manifest's build.args. */
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  network?: string;
  now?: () => number;
  /** Registry layer cache; undefined: none. */
  cache?: CacheSettings;
  /** Private registry credentials for the cache (withRegistryLogin), and the registry they reach. */
  registryAuth?: { configDir: string; insecure: boolean; registry: string };
  platforms?: string[];
  secrets?: SecretSpec[];
  /** Where env-sourced secrets are read (the step's environment). */
  env?: NodeJS.ProcessEnv;
  source?: string;
}

interface Prepared {
  m: ServiceManifest;
  repository: string;
  image: string;
  dockerfile: string;
  context: string;
  buildArgs: Record<string, string>;
  content: ContentTag;
  bases: { ref: string; id: string }[];
  cache?: ServiceCache;
  lockfiles: string[];
}

/** Resolves each base image to an identity (local image id, pulled if needed, or a pinned digest). */
async function resolveBases(
  engine: ImageEngine,
  m: ServiceManifest,
  dockerfile: string,
  args: Record<string, string>,
  platforms: string[],
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
    if (platforms.length > 0) {
      const have = await engine.architectures(b.ref);
      const lacking = platforms.filter((p) => have.length > 0 && !have.includes(p.split('/')[1]));
      if (lacking.length > 0) {
        throw new UserError(
          `base image '${b.ref}' (line ${b.line}) has no ${lacking.join(', ')} variant (it is ${have.join(', ')})`,
          'platforms',
          `drop ${lacking.join(', ')} from platforms, or build FROM a multi-architecture base (pass --build-args BASE_IMAGE=<an image index with ${lacking.join(', ')}>)`,
        );
      }
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
    const bases = await resolveBases(o.engine, m, dockerfile, buildArgs, o.platforms ?? []);
    // Platforms are part of what is built: an amd64 image and an index of two differ in content.
    const contentArgs = o.platforms?.length
      ? { ...buildArgs, 'cendence:platforms': o.platforms.join(',') }
      : buildArgs;
    const content = await contentTag({
      dockerfile,
      context,
      buildArgs: contentArgs,
      target: m.build.target,
      bases,
    });
    const image = `${o.registry}/${repository}`;
    const copied = await contextMatcher(context, await readFile(dockerfile, 'utf8'), buildArgs);
    const lockfiles = (await contextFiles(context))
      .filter((f) => path.basename(f.path) === 'package-lock.json' && copied(f.path))
      .map((f) => path.relative(o.root, f.abs));
    prepared.push({
      m,
      repository,
      image,
      dockerfile,
      context,
      buildArgs,
      content,
      bases,
      lockfiles,
      cache:
        o.cache &&
        serviceCache(o.cache, { image, repository, service: m.name }, o.registryAuth?.registry ?? o.registry),
    });
  }
  return prepared;
}

export async function buildImages(o: BuildOptions): Promise<BuildRecord[]> {
  const now = o.now ?? Date.now;
  // Which docker client builds is found while the contexts are hashed and the registry is asked.
  o.engine.prepareBuild?.();
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
    const built = await o.runner.group(`build ${p.m.name} → ${p.image}:${p.content.tag}`, () =>
      buildOne(o, p),
    );
    const seconds = (now() - started) / 1000;
    const c = built.outcome.cache;
    o.runner.info(
      `${p.m.name}: built ${p.image}:${p.content.tag} (${p.content.files} context files) in ${seconds.toFixed(1)} s, ` +
        `cache ${c.hits} hit(s), ${c.misses} miss(es)${built.cacheTo.length ? `, cache saved to ${built.cacheTo.join(', ')}` : ''}`,
    );
    records.push({
      ...base,
      status: 'built',
      imageId: built.outcome.imageId,
      seconds,
      platforms: o.platforms?.length ? o.platforms : undefined,
      cache: c,
      cacheFrom: p.cache?.from ?? [],
      cacheTo: built.cacheTo,
      cacheExportSeconds: built.exportSeconds,
      provenance: {
        engine: o.engine.name,
        dockerfile: path.relative(o.root, p.dockerfile),
        buildArgs: p.buildArgs,
        target: p.m.build.target,
        bases: p.bases,
        secretIds: (o.secrets ?? []).map((x) => x.id),
        commit: o.gitSha,
        source: o.source,
        lockfiles: p.lockfiles,
      },
    });
  }
  return records;
}

/** Builds one service (secrets mounted for the build only), then exports its cache: only after success. */
async function buildOne(o: BuildOptions, p: Prepared) {
  return withSecretFiles(o.secrets ?? [], o.env ?? {}, async (secrets) => {
    const req = {
      dockerfile: p.dockerfile,
      context: p.context,
      tags: [`${p.image}:${p.content.tag}`, `${p.image}:${o.gitSha}`],
      buildArgs: p.buildArgs,
      labels: o.labels,
      target: p.m.build.target,
      network: o.network,
      cacheFrom: [],
      cache: p.cache,
      platforms: o.platforms,
      secrets,
      registryAuth: o.registryAuth,
    };
    const outcome = await o.engine.build(req, (line) => o.runner.debug(line));
    for (const w of outcome.warnings) o.runner.warning(`${p.m.name}: ${w}`);
    let cacheTo: string[] = [];
    const exportStarted = (o.now ?? Date.now)();
    if (p.cache?.to) {
      // A cache that cannot be saved (an immutable tag, a registry hiccup) costs the next build time, not this one.
      cacheTo = await o.engine
        .exportCache(req, (line) => o.runner.debug(line), outcome)
        .catch((err: Error) => {
          o.runner.warning(`${p.m.name}: the build cache was not saved: ${err.message.split('\n')[0]}`);
          return [];
        });
    }
    return { outcome, cacheTo, exportSeconds: ((o.now ?? Date.now)() - exportStarted) / 1000 };
  });
}
