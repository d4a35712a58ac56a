// push: ECR login through GetAuthorizationToken (token masked first, password on stdin, private config,
// logout in finally), repositories created when asked, images pushed; outputs the digest-pinned URIs
// render consumes as `images`.

import path from 'node:path';
import { type AwsSettings, awsSettings } from '../aws/connect.js';
import { withDeadline } from '../aws/retry.js';
import { UserError } from '../errors.js';
import { DEFAULT_BUILDAH_ROOT } from '../image/buildah.js';
import type { EngineName } from '../image/engine.js';
import { type Builds, readBuilds } from '../image/handoff.js';
import { makeEngine } from '../image/step-inputs.js';
import { type PushRecord, pushImages } from '../registry/push.js';
import { markdownTable } from '../report/markdown-table.js';
import { ENGINE_INPUTS } from './build.js';
import { connectBesideEngine } from './connect-beside-engine.js';
import {
  AWS_INPUTS,
  BUILDS_INPUTS,
  type InputSpec,
  Inputs,
  ROOT_INPUT,
  type Step,
  type StepContext,
} from './step.js';

/** Default time limit of a push: ample for large images on a slow link, still a bound. */
export const PUSH_TIMEOUT_SECONDS = 1800;

const inputs: InputSpec[] = [
  ...BUILDS_INPUTS,
  ...ENGINE_INPUTS,
  {
    name: 'attestations',
    kind: 'boolean',
    default: 'true',
    description:
      'Push a CycloneDX SBOM and an in-toto SLSA provenance statement as OCI referrers of each pushed digest; signed with sigstore where the CI offers an OIDC token (GitHub id-token: write, GitLab SIGSTORE_ID_TOKEN), else unsigned and labelled so.',
  },
  {
    name: 'sign',
    kind: 'boolean',
    default: 'true',
    description:
      'Sign the provenance keylessly with sigstore (Fulcio certificate, Rekor entry; SIGSTORE_FULCIO_URL / SIGSTORE_REKOR_URL for a private instance) when the CI offers an OIDC token for the sigstore audience; false leaves the attestations unsigned, labelled so.',
  },
  {
    name: 'attestations-dir',
    default: '.cendence/attestations',
    description:
      'Folder the SBOM and provenance files are also written to, for the CI artifacts (the GitLab template keeps .cendence/).',
  },
  {
    ...ROOT_INPUT,
    description: 'Repository root: the npm lockfiles named in builds are read from it for the SBOM.',
  },
  {
    name: 'timeout',
    kind: 'seconds',
    default: String(PUSH_TIMEOUT_SECONDS),
    description:
      'Seconds the whole push may take (login, repositories, uploads, attestations); then the engine is stopped and the step fails.',
  },
  {
    name: 'create-repository',
    kind: 'boolean',
    default: 'false',
    description: 'Create missing ECR repositories (immutable tags, scan on push) instead of failing.',
  },
  ...AWS_INPUTS,
];

export interface PushSettings {
  builds: Builds;
  engine: EngineName;
  buildahRoot: string;
  createRepository: boolean;
  timeoutSeconds: number;
  attest?: { root: string; outDir: string; env: NodeJS.ProcessEnv; sign: boolean };
  aws: AwsSettings;
}

export interface PushResult {
  images: Record<string, string>;
  pushes: PushRecord[];
}

export const pushStep: Step<PushSettings, PushResult> = {
  name: 'push',
  summary: 'push built images to ECR (token login, immutable tags); outputs digest-pinned image URIs',
  inputs,
  outputs: [
    {
      name: 'images',
      description:
        'JSON {"<service>": "<registry>/<repository>@sha256:…"} — the render step\'s images input.',
    },
    { name: 'pushed', description: 'JSON list of services whose layers were uploaded.' },
  ],
  settings(read, ctx) {
    const i = new Inputs(read, inputs);
    const all = readBuilds(i.required('builds'), ctx.cwd);
    const wanted = i.list('services');
    for (const w of wanted) {
      if (!all[w])
        throw new UserError(
          `service '${w}' is not in builds (has: ${Object.keys(all).join(', ')})`,
          'services',
        );
    }
    const builds = wanted.length > 0 ? Object.fromEntries(wanted.map((w) => [w, all[w]])) : all;
    for (const [service, b] of Object.entries(builds)) {
      if (b.status === 'reused' && !b.digest)
        throw new UserError(
          `builds.${service} is reused but has no digest`,
          'builds',
          "pass the build step's output unchanged",
        );
    }
    return {
      builds,
      engine: i.choice<EngineName>('engine') as EngineName,
      buildahRoot: path.resolve(ctx.cwd, i.string('buildah-root') ?? DEFAULT_BUILDAH_ROOT),
      createRepository: i.boolean('create-repository'),
      timeoutSeconds: i.seconds('timeout') as number,
      attest: i.boolean('attestations')
        ? {
            root: path.resolve(ctx.cwd, i.string('root') ?? '.'),
            outDir: path.resolve(ctx.cwd, i.string('attestations-dir') ?? '.cendence/attestations'),
            env: ctx.env,
            sign: i.boolean('sign'),
          }
        : undefined,
      aws: awsSettings(i, ctx),
    };
  },
  run(s, ctx) {
    // Every AWS call, registry upload and engine process of the push shares one deadline (aws/retry.ts
    // call scope; image/exec.ts kills the engine when it passes).
    return withDeadline(
      s.timeoutSeconds * 1000,
      () => push(s, ctx),
      ctx.signal,
      `push did not finish within ${s.timeoutSeconds} s (its timeout); the engine was stopped`,
    );
  },
  outputValues(r) {
    return {
      images: JSON.stringify(r.images),
      pushed: JSON.stringify(r.pushes.filter((p) => p.status === 'pushed').map((p) => p.service)),
    };
  },
};

async function push(s: PushSettings, ctx: StepContext): Promise<PushResult> {
  const records = Object.values(s.builds);
  const engine = makeEngine(s.engine, ctx.env, s.buildahRoot);
  const built = records.some((b) => b.status === 'built');
  const connected = await connectBesideEngine(built ? engine : undefined, s.aws, ctx, true, s.timeoutSeconds);
  const { aws } = connected;
  const login = connected.login as NonNullable<typeof connected.login>;
  try {
    const hosts = new Set(records.map((b) => b.image.split('/')[0]));
    if (built && !hosts.has(login.registry)) {
      throw new UserError(
        `the images are named for ${[...hosts].join(', ')} but the credentials log in to ${login.registry}`,
        'registry',
        'build and push with the same AWS account, region and endpoint',
      );
    }
    const pushes = await pushImages({
      builds: records,
      engine,
      aws,
      runner: ctx.runner,
      login,
      createRepository: s.createRepository,
      attest: s.attest,
    });
    const images = Object.fromEntries(pushes.map((p) => [p.service, p.uri]));
    await ctx.runner.summary(pushSummary(pushes, s.builds));
    return { images, pushes };
  } finally {
    aws.destroy();
  }
}

/** Per service, what build-push users expect to see: digest, tags, size, cache, time, SBOM and provenance. */
function pushSummary(pushes: PushRecord[], builds: Builds): string {
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  const short = (d?: string) => (d ? `${d.slice(0, 19)}…` : '—');
  return [
    `### cendence push: ${pushes.filter((p) => p.status === 'pushed').length} pushed, ${pushes.filter((p) => p.status !== 'pushed').length} already in the registry`,
    '',
    markdownTable(
      [
        'service',
        'digest',
        'tags',
        'size',
        'uploaded (est.)',
        'cache hits / misses',
        'build s',
        'SBOM',
        'provenance',
        'outcome',
      ],
      pushes.map((p) => {
        const b = builds[p.service];
        const a = p.attestations;
        return [
          p.service,
          `${p.uri.split('@')[0]}@${short(p.digest)}`,
          p.tags.join(', '),
          p.imageBytes ? mb(p.imageBytes) : '—',
          mb(p.bytesEstimate),
          b?.cache ? `${b.cache.hits} / ${b.cache.misses}` : '—',
          b?.status === 'built' ? b.seconds.toFixed(1) : '—',
          a ? `${short(a.sbom)}${a.signed ? '' : ' (unsigned)'}` : '—',
          a ? `${short(a.provenance)}${a.signed ? '' : ' (unsigned)'}` : '—',
          p.status,
        ];
      }),
    ),
  ].join('\n');
}
