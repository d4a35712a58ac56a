// build: one image per selected service, with docker or buildah, tagged with its content tag and the git
// sha, OCI labels, cache from the previous commit's image. Content already in the registry is re-tagged
// there instead (no build, no push). Hands a `builds` record to test and push.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type AwsSettings, awsSettings } from '../aws/connect.js';
import { resolveCommit } from '../changes/git.js';
import { UserError } from '../errors.js';
import { type BuildRecord, buildImages } from '../image/build.js';
import { DEFAULT_BUILDAH_ROOT } from '../image/buildah.js';
import { type CacheMode, type CacheSettings, cacheSettings } from '../image/cache.js';
import type { EngineName } from '../image/engine.js';
import type { Builds } from '../image/handoff.js';
import { parsePlatforms } from '../image/platforms.js';
import { parseSecrets, type SecretSpec } from '../image/secrets.js';
import { keyValueList, makeEngine } from '../image/step-inputs.js';
import { loadManifests } from '../manifest/load.js';
import type { ServiceManifest } from '../manifest/schema.js';
import { outputDir, rootDir } from '../paths.js';
import { addTag, digestOfTag } from '../registry/images.js';
import { withRegistryLogin } from '../registry/session.js';
import { markdownTable } from '../report/markdown-table.js';
import { connectBesideEngine } from './connect-beside-engine.js';
import { selectServices } from './list-input.js';
import { AWS_INPUTS, type InputSpec, Inputs, ROOT_INPUT, type Step } from './step.js';

export const ENGINE_INPUTS: InputSpec[] = [
  {
    name: 'engine',
    kind: 'choice',
    options: ['docker', 'buildah'],
    default: 'docker',
    description: 'Container engine: docker (a daemon), or buildah for daemonless runners.',
  },
  {
    name: 'buildah-root',
    description:
      'Private buildah storage folder shared by build and push (root/ and run/ inside). Default: $TMPDIR/cendence-buildah.',
  },
];

const inputs: InputSpec[] = [
  ROOT_INPUT,
  {
    name: 'services',
    kind: 'list',
    description: "Services to build (names, or the plan step's JSON list). Default: all.",
  },
  ...ENGINE_INPUTS,
  {
    name: 'network',
    description:
      "Network for RUN instructions during the build (e.g. host, to reach a package registry). Default: the engine's default.",
  },
  {
    name: 'build-args',
    kind: 'list',
    description: 'KEY=VALUE build args for every service, over build.args (e.g. BASE_IMAGE=…).',
  },
  {
    name: 'registry',
    description:
      'Registry host images are named under. Default: the ECR registry of the credentials (from GetAuthorizationToken).',
  },
  { name: 'git-sha', description: 'Commit the images are tagged with. Default: HEAD of root.' },
  {
    name: 'source',
    description:
      'Repository URL for the org.opencontainers.image.source label. Default: from the CI environment.',
  },
  {
    name: 'builds-file',
    description: 'Also write the builds record (JSON) to this file, for test and push in later jobs.',
  },
  {
    name: 'cache-from',
    kind: 'list',
    description:
      "Registry layer cache to import: references ({image} = the service's repository), or none. Default: {image}:buildcache.",
  },
  {
    name: 'cache-to',
    description:
      'Where a successful build saves its layer cache ({image}:<tag>), or none. Default: {image}:buildcache.',
  },
  {
    name: 'cache-mode',
    kind: 'choice',
    options: ['min', 'max'],
    default: 'max',
    description:
      "Cache the final image's layers only (min), or every stage's too (max: npm ci of a build stage).",
  },
  {
    name: 'platforms',
    kind: 'list',
    description:
      "Target platforms, e.g. linux/amd64,linux/arm64 (Fargate Graviton); several build an image index (engine buildah). Default: the engine's own.",
  },
  {
    name: 'secrets',
    description:
      'Build secrets for RUN --mount=type=secret only: id=npmrc,src=<file> or id=npmrc,env=<VARIABLE>; several separated by newlines or ";".',
  },
  ...AWS_INPUTS,
];

export interface BuildSettings {
  root: string;
  manifests: ServiceManifest[];
  engine: EngineName;
  buildahRoot: string;
  network?: string;
  buildArgs: Record<string, string>;
  registry?: string;
  gitSha: string;
  source?: string;
  buildsFile?: string;
  cache?: CacheSettings;
  platforms: string[];
  secrets: SecretSpec[];
  aws: AwsSettings;
}

export interface BuildResult {
  builds: Builds;
  built: string[];
  reused: string[];
}

/** The repository URL the CI says we are building (for the source label). */
function sourceFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY)
    return `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}`;
  return env.CI_PROJECT_URL;
}

export const buildStep: Step<BuildSettings, BuildResult> = {
  name: 'build',
  summary: 'build service images (content tag + git sha); re-tag instead when the content is already pushed',
  inputs,
  outputs: [
    {
      name: 'builds',
      description:
        'JSON {"<service>": {image, repository, contentTag, gitTag, status, digest?}} for test and push.',
    },
    { name: 'built', description: 'JSON list of services whose image was built.' },
    {
      name: 'reused',
      description: 'JSON list of services whose content was already in the registry (re-tagged, not built).',
    },
  ],
  async settings(read, ctx) {
    const i = new Inputs(read, inputs);
    const root = rootDir(ctx.cwd, i.withDefault('root'));
    const manifests = selectServices(loadManifests(root), i.string('services'));
    const gitRef = i.string('git-sha');
    const gitSha =
      gitRef && /^[0-9a-f]{40}$/.test(gitRef)
        ? gitRef
        : await resolveCommit(root, gitRef ?? 'HEAD', 'git-sha');
    const registry = i.string('registry');
    if (registry && !/^[a-z0-9.-]+(:\d+)?$/i.test(registry))
      throw new UserError(`input "registry" must be a host[:port], got "${registry}"`, 'registry');
    const buildsFile = i.string('builds-file');
    const cache = cacheSettings(
      i.list('cache-from'),
      i.string('cache-to'),
      i.choice<CacheMode>('cache-mode') ?? 'max',
    );
    return {
      root,
      manifests,
      engine: i.choice<EngineName>('engine') as EngineName,
      buildahRoot: path.resolve(ctx.cwd, i.string('buildah-root') ?? DEFAULT_BUILDAH_ROOT),
      network: i.string('network'),
      buildArgs: keyValueList(i.list('build-args'), 'build-args'),
      registry,
      gitSha,
      source: i.string('source') ?? sourceFromEnv(ctx.env),
      // Its folder is checked now: a builds-file under a file would fail only after every build.
      buildsFile: buildsFile
        ? path.join(outputDir(ctx.cwd, path.dirname(buildsFile), 'builds-file'), path.basename(buildsFile))
        : undefined,
      cache: cache.from.length > 0 || cache.to ? cache : undefined,
      platforms: parsePlatforms(i.list('platforms')),
      secrets: parseSecrets(i.string('secrets'), ctx.cwd, ctx.env),
      aws: awsSettings(i, ctx),
    };
  },
  async run(s, ctx) {
    const engine = makeEngine(s.engine, ctx.env, s.buildahRoot);
    // The cache lives in ECR: its login is needed to read and write it (and names the registry).
    const { aws, login } = await connectBesideEngine(engine, s.aws, ctx, Boolean(s.cache || !s.registry));
    try {
      const registry = s.registry ?? login!.registry;
      const labels: Record<string, string> = {
        'org.opencontainers.image.revision': s.gitSha,
        'org.opencontainers.image.created': new Date().toISOString(),
        ...(s.source ? { 'org.opencontainers.image.source': s.source } : {}),
      };
      const options = {
        lookup: {
          digestOfTag: (repository: string, tag: string) => digestOfTag(aws, repository, tag),
          addTag: (repository: string, digest: string, tag: string) => addTag(aws, repository, digest, tag),
        },
        root: s.root,
        manifests: s.manifests,
        engine,
        aws,
        runner: ctx.runner,
        registry,
        gitSha: s.gitSha,
        buildArgs: s.buildArgs,
        labels,
        network: s.network,
        platforms: s.platforms,
        secrets: s.secrets,
        env: ctx.env,
        source: s.source,
      };
      const records =
        s.cache && login
          ? await withRegistryLogin(engine, login, (configDir) =>
              buildImages({
                ...options,
                // The cache can only live where the credentials reach: ECR's registry.
                cache: s.cache,
                registryAuth: { configDir, insecure: login.insecure, registry: login.registry },
              }),
            )
          : await buildImages(options);
      const builds: Builds = Object.fromEntries(records.map((r) => [r.service, r]));
      if (s.buildsFile) {
        await mkdir(path.dirname(s.buildsFile), { recursive: true });
        await writeFile(s.buildsFile, `${JSON.stringify(builds, null, 2)}\n`);
      }
      await ctx.runner.summary(buildSummary(records, s.engine));
      return {
        builds,
        built: records.filter((r) => r.status === 'built').map((r) => r.service),
        reused: records.filter((r) => r.status === 'reused').map((r) => r.service),
      };
    } finally {
      aws.destroy();
    }
  },
  outputValues(r) {
    return {
      builds: JSON.stringify(r.builds),
      built: JSON.stringify(r.built),
      reused: JSON.stringify(r.reused),
    };
  },
};

function buildSummary(records: BuildRecord[], engine: string): string {
  return [
    `### cendence build (${engine}): ${records.filter((r) => r.status === 'built').length} built, ${records.filter((r) => r.status === 'reused').length} reused`,
    '',
    markdownTable(
      [
        'service',
        'image',
        'tags',
        'platforms',
        'cache hits / misses',
        'cache saved to',
        'outcome',
        'seconds',
      ],
      records.map((r) => [
        r.service,
        r.image,
        `${r.contentTag}, ${r.gitTag}`,
        r.platforms?.join(', ') ?? 'engine default',
        r.cache ? `${r.cache.hits} / ${r.cache.misses}` : '—',
        r.cacheTo?.length ? r.cacheTo.map((c) => c.split('/').pop()).join(', ') : '—',
        r.status === 'built' ? 'built' : `already pushed (${r.digest?.slice(0, 19)}…), re-tagged`,
        r.seconds.toFixed(1),
      ]),
    ),
  ].join('\n');
}
