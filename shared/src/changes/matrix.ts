// The plan as CI fan-out: a GitHub Actions matrix (JSON for `strategy.matrix: ${{ fromJSON(...) }}`) and a
// GitLab child pipeline (YAML for `trigger: include: artifact:`), one job per service, in waves.
import { stringify } from 'yaml';
import type { ServiceManifest } from '../manifest/schema.js';
import type { Affected } from './affected.js';

export interface MatrixEntry {
  service: string;
  dir: string;
  repository: string;
  /** 0-based wave: entries of one wave can run in parallel once earlier waves are done. */
  wave: number;
  dependsOn: string[];
}

export function matrixEntries(manifests: ServiceManifest[], affected: Affected): MatrixEntry[] {
  return affected.waves.flatMap((wave, i) =>
    wave.map((service) => {
      const m = manifests.find((x) => x.name === service);
      if (!m) throw new Error(`affected service ${service} has no manifest`);
      return {
        service,
        dir: m.dir,
        repository: m.repository ?? m.name,
        wave: i,
        dependsOn: m.dependsOn.filter((d) => affected.waves.some((w) => w.includes(d))),
      };
    }),
  );
}

/** GitHub's matrix shape; an empty include makes GitHub fail the job, so callers skip on `count == 0`. */
export function githubMatrix(entries: MatrixEntry[]): { include: MatrixEntry[] } {
  return { include: entries };
}

export interface GitLabPipelineOptions {
  /** Hidden job the generated jobs extend (e.g. ".cendence-service"); without it a script is generated. */
  extendsJob?: string;
  /** Files the child pipeline includes (where extendsJob is defined). */
  include?: string[];
  /** The command that runs the CLI in a job: `cendence` in the CLI image (never an npx package name). */
  cli?: string;
}

/** A child pipeline: one stage per wave, one job per service, `needs` on its planned dependencies. */
export function gitlabChildPipeline(entries: MatrixEntry[], opts: GitLabPipelineOptions = {}): string {
  const cli = opts.cli ?? 'cendence';
  const doc: Record<string, unknown> = {};
  if (opts.include?.length) doc.include = opts.include.map((local) => ({ local }));
  if (entries.length === 0) {
    // A child pipeline must have at least one job; this one says why nothing is built.
    doc['no-changes'] = { script: ['echo "cendence plan: no service affected by this change"'] };
    return stringify(doc);
  }
  const waves = Math.max(...entries.map((e) => e.wave)) + 1;
  doc.stages = Array.from({ length: waves }, (_, i) => `wave-${i + 1}`);
  for (const e of entries) {
    const job: Record<string, unknown> = {
      stage: `wave-${e.wave + 1}`,
      variables: { CENDENCE_SERVICES: e.service, CENDENCE_SERVICE_DIR: e.dir },
      needs: e.dependsOn,
    };
    if (opts.extendsJob) job.extends = opts.extendsJob;
    else {
      // One job builds, tests and pushes with one engine; the builds record links the three.
      const builds = `.cendence/builds-${e.service}.json`;
      job.script = [
        `${cli} build --services ${e.service} --builds-file ${builds}`,
        `${cli} test --builds ${builds}`,
        `${cli} push --builds ${builds}`,
      ];
      job.artifacts = { when: 'always', paths: ['.cendence/'] };
    }
    doc[e.service] = job;
  }
  return stringify(doc);
}

/** The job of the pipeline template whose artifacts the deploy child pipeline takes. */
export const GITLAB_IMAGES_JOB = 'cendence-images';
/** Where that job keeps the terraform-outputs file, so that it reaches the child with its artifacts. */
export const TERRAFORM_OUTPUTS_COPY = '.cendence/terraform-outputs.json';

/**
 * The release's deploy as a child pipeline, written after the plan: the deploy and its manual rollback
 * (environment, lock, OIDC id token) only when a service is affected, else one no-op job, so an empty
 * plan records no deployment of the environment. Every setting comes from the trigger's variables
 * (CENDENCE_IMAGE, CENDENCE_CLI, CENDENCE_ENVIRONMENT, CENDENCE_ROLLBACK_WHEN, the CLI's own
 * CENDENCE_* inputs, PARENT_PIPELINE_ID) and the artifacts: no input value is written into this YAML.
 */
export function gitlabDeployPipeline(entries: MatrixEntry[]): string {
  const image = '$CENDENCE_IMAGE';
  if (entries.length === 0) {
    return stringify({
      'nothing-to-deploy': {
        image,
        script: ['echo "cendence plan found no affected service: nothing to deploy"'],
      },
    });
  }
  const env = {
    image,
    id_tokens: { CENDENCE_ID_TOKEN: { aud: '$CENDENCE_AUDIENCE' } },
    environment: { name: '$CENDENCE_ENVIRONMENT', action: 'start' },
    // One lock per environment: a deploy and a rollback of the same environment never overlap.
    resource_group: 'cendence-$CENDENCE_ENVIRONMENT',
  };
  const terraformOutputs = `if [ -f ${TERRAFORM_OUTPUTS_COPY} ]; then export CENDENCE_TERRAFORM_OUTPUTS=${TERRAFORM_OUTPUTS_COPY}; fi`;
  const artifacts = {
    when: 'always',
    expire_in: '30 days',
    paths: ['cendence-summary.md', '.cendence/'],
    reports: { dotenv: 'cendence.env' },
  };
  return stringify(
    {
      stages: ['deploy', 'rollback'],
      deploy: {
        stage: 'deploy',
        ...env,
        // The plan's files and the pushed images, from the parent pipeline's images job.
        needs: [{ pipeline: '$PARENT_PIPELINE_ID', job: GITLAB_IMAGES_JOB }],
        script: [
          'rm -f cendence.env cendence-summary.md',
          terraformOutputs,
          '$CENDENCE_CLI deploy --services "$(cat .cendence/outputs/plan-services)" --images .cendence/outputs/push-images',
        ],
        artifacts,
      },
      rollback: {
        stage: 'rollback',
        ...env,
        needs: ['deploy'],
        rules: [
          { if: '$CENDENCE_ROLLBACK_WHEN == "on_failure"', when: 'on_failure' },
          // A button that never blocks the pipeline.
          { when: 'manual', allow_failure: true },
        ],
        script: [
          'rm -f cendence.env cendence-summary.md',
          'test -f .cendence/outputs/deploy-record-file || { echo "no deployment record from deploy: nothing to roll back"; exit 0; }',
          terraformOutputs,
          '$CENDENCE_CLI rollback --record-file "$(cat .cendence/outputs/deploy-record-file)"',
        ],
        artifacts,
      },
    },
    { lineWidth: 0 },
  );
}
