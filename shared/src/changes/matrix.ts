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
