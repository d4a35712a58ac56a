// push: ECR login through GetAuthorizationToken (token masked first, password on stdin, private config,
// logout in finally), repositories created when asked, images pushed; outputs the digest-pinned URIs
// render consumes as `images`.

import path from 'node:path';
import { type AwsSettings, awsSettings, connect } from '../aws/connect.js';
import { UserError } from '../errors.js';
import { DEFAULT_BUILDAH_ROOT } from '../image/buildah.js';
import type { EngineName } from '../image/engine.js';
import { type Builds, readBuilds } from '../image/handoff.js';
import { makeEngine } from '../image/step-inputs.js';
import { ecrLogin } from '../registry/ecr-auth.js';
import { type PushRecord, pushImages } from '../registry/push.js';
import { markdownTable } from '../report/markdown-table.js';
import { ENGINE_INPUTS } from './build.js';
import { AWS_INPUTS, type InputSpec, Inputs, type Step } from './step.js';

const inputs: InputSpec[] = [
  {
    name: 'builds',
    required: true,
    description: "The build step's builds output (JSON), or the path of its builds-file.",
  },
  {
    name: 'services',
    kind: 'list',
    description: 'Only these services (names or a JSON list). Default: every service in builds.',
  },
  ...ENGINE_INPUTS,
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
      aws: awsSettings(i, ctx),
    };
  },
  async run(s, ctx) {
    const records = Object.values(s.builds);
    const engine = makeEngine(s.engine, ctx.env, s.buildahRoot);
    if (records.some((b) => b.status === 'built')) await engine.check();
    const aws = await connect(s.aws, ctx);
    try {
      const login = await ecrLogin(aws, ctx.runner);
      const hosts = new Set(records.map((b) => b.image.split('/')[0]));
      if (records.some((b) => b.status === 'built') && !hosts.has(login.registry)) {
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
      });
      const images = Object.fromEntries(pushes.map((p) => [p.service, p.uri]));
      await ctx.runner.summary(pushSummary(pushes));
      return { images, pushes };
    } finally {
      aws.destroy();
    }
  },
  outputValues(r) {
    return {
      images: JSON.stringify(r.images),
      pushed: JSON.stringify(r.pushes.filter((p) => p.status === 'pushed').map((p) => p.service)),
    };
  },
};

function pushSummary(pushes: PushRecord[]): string {
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  return [
    `### cendence push: ${pushes.filter((p) => p.status === 'pushed').length} pushed, ${pushes.filter((p) => p.status !== 'pushed').length} already in the registry`,
    '',
    markdownTable(
      ['service', 'image', 'tags', 'outcome', 'uploaded (est.)'],
      pushes.map((p) => [p.service, p.uri, p.tags.join(', '), p.status, mb(p.bytesEstimate)]),
    ),
  ].join('\n');
}
