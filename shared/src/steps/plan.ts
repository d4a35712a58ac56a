// plan: which services a git range affects, in dependency order, as a GitHub matrix and a GitLab child
// pipeline. Reads only git and the manifests; no AWS call.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type AffectedService, affectedServices, type ContextFilter } from '../changes/affected.js';
import { changedFiles, repositoryRoot } from '../changes/git.js';
import {
  githubMatrix,
  gitlabChildPipeline,
  gitlabDeployPipeline,
  type MatrixEntry,
  matrixEntries,
} from '../changes/matrix.js';
import { UserError } from '../errors.js';
import { contextMatcher } from '../image/context.js';
import { dependencyWaves } from '../manifest/graph.js';
import { loadManifests } from '../manifest/load.js';
import type { ServiceManifest } from '../manifest/schema.js';
import { rootDir } from '../paths.js';
import { markdownTable } from '../report/markdown-table.js';
import { selectServices } from './list-input.js';
import { type InputSpec, Inputs, ROOT_INPUT, type Step } from './step.js';

function isUnder(file: string, cwd: string, folder: string): boolean {
  const rel = path.relative(path.join(cwd, folder), file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

const inputs: InputSpec[] = [
  ROOT_INPUT,
  {
    name: 'since',
    description:
      "Base git ref: plan the changes from its merge base with head. All zeros (a new branch, tag, merge-request or manual pipeline) means no previous state: the changes since the default branch's merge base, or every service on the default branch itself. Default: the last commit only.",
  },
  { name: 'head', description: 'Head git ref.', default: 'HEAD' },
  {
    name: 'services',
    kind: 'list',
    description: 'Plan exactly these services (names or a JSON list), without a git diff.',
  },
  { name: 'all', kind: 'boolean', description: 'Plan every service.', default: 'false' },
  {
    name: 'gitlab-pipeline',
    description:
      'Write a GitLab child pipeline (YAML, one job per service) to this file, under .cendence/ (the folder the templates keep as an artifact).',
  },
  {
    name: 'gitlab-cli',
    description: 'Command the generated GitLab jobs run the CLI with (cendence in the CLI image).',
    default: 'cendence',
  },
  {
    name: 'gitlab-extends',
    description: 'Hidden job the generated GitLab jobs extend, e.g. .cendence-service.',
  },
  { name: 'gitlab-include', kind: 'list', description: 'Local files the child pipeline includes.' },
  {
    name: 'gitlab-deploy-pipeline',
    description:
      "Write the release's GitLab deploy child pipeline to this file, under .cendence/: the deploy and its rollback (environment, lock, id token) when a service is affected, else one no-op job, so an empty plan records no deployment. Its settings come from the trigger job's variables.",
  },
];

export interface PlanSettings {
  root: string;
  since?: string;
  head: string;
  services: string[];
  all: boolean;
  manifests: ServiceManifest[];
  gitlabPipeline?: string;
  gitlabExtends?: string;
  gitlabInclude: string[];
  gitlabCli: string;
  gitlabDeployPipeline?: string;
}

export interface PlanResult {
  base?: string;
  head?: string;
  changedFiles: number;
  services: AffectedService[];
  waves: string[][];
  matrix: { include: MatrixEntry[] };
  gitlabPipeline?: string;
  gitlabDeployPipeline?: string;
}

/** For each service whose build context lies outside its folder: what in that context its Dockerfile reads. */
async function contextFilters(
  root: string,
  manifests: ServiceManifest[],
): Promise<Map<string, ContextFilter>> {
  const filters = new Map<string, ContextFilter>();
  for (const m of manifests) {
    const dockerfile = await readFile(path.resolve(root, m.dir, m.build.dockerfile), 'utf8');
    filters.set(
      m.name,
      await contextMatcher(path.resolve(root, m.dir, m.build.context), dockerfile, m.build.args),
    );
  }
  return filters;
}

export const planStep: Step<PlanSettings, PlanResult> = {
  name: 'plan',
  summary:
    'find the services a git range affects, in dependency order (GitHub matrix, GitLab child pipeline)',
  inputs,
  outputs: [
    { name: 'services', description: 'JSON list of affected service names, dependencies first.' },
    { name: 'matrix', description: 'GitHub matrix JSON: {"include":[{"service":…,"dir":…,"wave":…}]}.' },
    { name: 'waves', description: 'JSON list of lists: services that can run in parallel, wave by wave.' },
    { name: 'count', description: 'Number of affected services.' },
    { name: 'gitlab-pipeline', description: 'Path of the generated GitLab child pipeline, when asked.' },
  ],
  settings(read, ctx) {
    const i = new Inputs(read, inputs);
    const root = rootDir(ctx.cwd, i.withDefault('root'));
    const manifests = loadManifests(root);
    const raw = i.string('services');
    const services = raw?.trim() ? selectServices(manifests, raw).map((m) => m.name) : [];
    const gitlabPipeline = i.string('gitlab-pipeline');
    const gitlabDeploy = i.string('gitlab-deploy-pipeline');
    // GitLab's child pipeline trigger reads it from the plan job's artifacts: only .cendence/ is kept.
    for (const [name, file] of [
      ['gitlab-pipeline', gitlabPipeline],
      ['gitlab-deploy-pipeline', gitlabDeploy],
    ] as const) {
      if (file && ctx.env.GITLAB_CI && !isUnder(path.resolve(ctx.cwd, file), ctx.cwd, '.cendence')) {
        throw new UserError(
          `${name} "${file}" is outside .cendence/, so the job's artifacts would not keep it`,
          name,
          'write it under .cendence/, e.g. .cendence/child-pipeline.yml',
        );
      }
    }
    return {
      root,
      since: i.string('since'),
      head: i.withDefault('head'),
      services,
      all: i.boolean('all'),
      manifests,
      gitlabPipeline: gitlabPipeline ? path.resolve(ctx.cwd, gitlabPipeline) : undefined,
      gitlabExtends: i.string('gitlab-extends'),
      gitlabInclude: i.list('gitlab-include'),
      gitlabCli: i.string('gitlab-cli') ?? 'cendence',
      gitlabDeployPipeline: gitlabDeploy ? path.resolve(ctx.cwd, gitlabDeploy) : undefined,
    };
  },
  async run(s, ctx) {
    const { manifests } = s;
    let affected: { services: AffectedService[]; waves: string[][] };
    let range: { base?: string; head?: string; files: string[]; note?: string } = { files: [] };
    if (s.all || s.services.length > 0) {
      const chosen = s.all ? manifests.map((m) => m.name) : s.services;
      const waves = dependencyWaves(manifests, chosen);
      const why = s.all ? 'all services requested' : 'requested by name';
      affected = { waves, services: waves.flat().map((service) => ({ service, reasons: [why] })) };
    } else {
      const gitRoot = await repositoryRoot(s.root);
      range = await changedFiles(s.root, { base: s.since, head: s.head }, ctx.env);
      if (range.note) ctx.runner.info(range.note);
      // git lists paths from the repository root; manifests are relative to `root`.
      const prefix = path.relative(gitRoot, s.root).split(path.sep).join('/');
      const files = prefix
        ? range.files.filter((f) => f.startsWith(`${prefix}/`)).map((f) => f.slice(prefix.length + 1))
        : range.files;
      affected = affectedServices(manifests, files, await contextFilters(s.root, manifests));
      ctx.runner.info(
        `${range.files.length} file(s) changed in ${range.base ? `${range.base.slice(0, 12)}..` : ''}${range.head?.slice(0, 12)}`,
      );
    }
    const entries = matrixEntries(manifests, affected);
    for (const a of affected.services) ctx.runner.info(`${a.service}: ${a.reasons.join('; ')}`);
    if (affected.services.length === 0) ctx.runner.info('no service is affected');
    let gitlabPipeline: string | undefined;
    if (s.gitlabPipeline) {
      await mkdir(path.dirname(s.gitlabPipeline), { recursive: true });
      await writeFile(
        s.gitlabPipeline,
        gitlabChildPipeline(entries, {
          extendsJob: s.gitlabExtends,
          include: s.gitlabInclude,
          cli: s.gitlabCli,
        }),
      );
      gitlabPipeline = s.gitlabPipeline;
      ctx.runner.info(`GitLab child pipeline written to ${gitlabPipeline}`);
    }
    if (s.gitlabDeployPipeline) {
      await mkdir(path.dirname(s.gitlabDeployPipeline), { recursive: true });
      await writeFile(s.gitlabDeployPipeline, gitlabDeployPipeline(entries));
      ctx.runner.info(
        entries.length
          ? `GitLab deploy pipeline written to ${s.gitlabDeployPipeline}`
          : `GitLab deploy pipeline written to ${s.gitlabDeployPipeline}: nothing to deploy, no environment job`,
      );
    }
    await ctx.runner.summary(
      [
        `### cendence plan: ${affected.services.length} of ${manifests.length} services`,
        '',
        markdownTable(
          ['service', 'wave', 'why'],
          entries.map((e) => [
            e.service,
            String(e.wave + 1),
            affected.services.find((a) => a.service === e.service)?.reasons.join('; ') ?? '',
          ]),
        ),
      ].join('\n'),
    );
    return {
      base: range.base,
      head: range.head,
      changedFiles: range.files.length,
      services: affected.services,
      waves: affected.waves,
      matrix: githubMatrix(entries),
      gitlabPipeline,
      gitlabDeployPipeline: s.gitlabDeployPipeline,
    };
  },
  outputValues(r) {
    return {
      services: JSON.stringify(r.services.map((s) => s.service)),
      matrix: JSON.stringify(r.matrix),
      waves: JSON.stringify(r.waves),
      count: String(r.services.length),
      ...(r.gitlabPipeline ? { 'gitlab-pipeline': r.gitlabPipeline } : {}),
    };
  },
};
