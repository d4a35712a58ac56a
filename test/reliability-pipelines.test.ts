// SEC-1, SEC-7, REL-8, SC-1, SC-2 gaps (docs/reliability.md), on the parsed CI files: no long-lived AWS
// keys and OIDC only where AWS is reached, no user input spliced into shell text, one deploy per
// service at a time, every third-party reference pinned, and the supply-chain checks wired into CI.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { parse, parseAllDocuments } from 'yaml';
import { gitlabDeployPipeline } from '../shared/src/changes/matrix.js';

const ROOT = join(import.meta.dirname, '..');
const yamlIn = (dir: string) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(dir, f));
const WORKFLOWS = yamlIn('.github/workflows');
const STARTERS = yamlIn('pipelines/github');
const GITLAB = yamlIn('pipelines/gitlab');
const ACTIONS = readdirSync(join(ROOT, 'actions'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML
type Y = any;
const load = (file: string): Y => parse(readFileSync(join(ROOT, file), 'utf8'));
/** A GitLab template: the spec header (if any) and the job document. */
const loadGitLab = (file: string): { spec?: Y; body: Y } => {
  const docs = parseAllDocuments(readFileSync(join(ROOT, file), 'utf8')).map((d) => d.toJS());
  return docs.length > 1 ? { spec: docs[0]?.spec, body: docs[docs.length - 1] } : { body: docs[0] };
};
const jobsOf = (wf: Y): [string, Y][] => Object.entries(wf.jobs ?? {});
/** The emulator's dummy keys (dogfood, .gitlab-ci.yml) are not credentials. */
const EMULATOR_KEY = /^(AKIDEMULATOR|emulator-secret-access-key)$/;

describe('SEC-1 no long-lived AWS keys; OIDC only in the jobs that reach AWS', () => {
  test('no workflow, starter, action or GitLab template sets or reads a static AWS key', () => {
    const files = [...WORKFLOWS, ...STARTERS, ...GITLAB, ...ACTIONS.map((a) => `actions/${a}/action.yml`)];
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const m of text.matchAll(
        /(AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID|AWS_SESSION_TOKEN)\s*:\s*(\S+)/g,
      )) {
        expect([file, m[2]]).toEqual([file, expect.stringMatching(EMULATOR_KEY)]);
      }
      expect([file, /secrets\.AWS_(SECRET|ACCESS)/.test(text)]).toEqual([file, false]);
    }
  });

  test('GitHub: contents: read at the top; id-token: write only on jobs that assume a role', () => {
    for (const file of [...WORKFLOWS, ...STARTERS]) {
      const wf = load(file);
      expect([file, wf.permissions]).toEqual([file, { contents: 'read' }]);
      for (const [name, job] of jobsOf(wf)) {
        const assumes =
          (job.steps ?? []).some((s: Y) => s.with?.['role-to-assume'] !== undefined) ||
          job.with?.['role-to-assume'] !== undefined;
        // release.yml's plan reads its own workflow's commit from a token for another audience, not STS's.
        const readsSource = (job.steps ?? []).some((s: Y) =>
          String(s.run ?? '').includes('audience=cendence-source'),
        );
        if (job.permissions?.['id-token'] === 'write')
          expect([file, name, assumes || readsSource]).toEqual([file, name, true]);
        if (assumes) expect([file, name, job.permissions?.['id-token']]).toEqual([file, name, 'write']);
      }
    }
  });

  test('GitLab: every template with role-to-assume asks for an id token with audience sts.amazonaws.com', () => {
    let checked = 0;
    for (const file of GITLAB) {
      const { spec, body } = loadGitLab(file);
      if (!spec?.inputs?.['role-to-assume']) continue;
      expect([file, spec.inputs.audience?.default]).toEqual([file, 'sts.amazonaws.com']);
      const jobs = Object.values<Y>(body).filter((j) => j && typeof j === 'object' && j.script);
      for (const job of jobs) {
        // A job that is given the role asks for the token; one that is not (the pipeline's plan) does not.
        const assumes = job.variables?.CENDENCE_ROLE_TO_ASSUME !== undefined;
        // A job that pushes (and so signs) also asks for a token for sigstore's audience, never STS's.
        const signs = job.variables?.CENDENCE_SIGN !== undefined;
        expect([file, job.id_tokens]).toEqual([
          file,
          assumes
            ? {
                CENDENCE_ID_TOKEN: { aud: '$[[ inputs.audience ]]' },
                ...(signs ? { SIGSTORE_ID_TOKEN: { aud: 'sigstore' } } : {}),
              }
            : undefined,
        ]);
      }
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });
});

describe('SEC-7 user input never becomes shell text', () => {
  test('no `run:` in a workflow or starter interpolates a GitHub expression; inputs travel through env:', () => {
    let runs = 0;
    for (const file of [...WORKFLOWS, ...STARTERS]) {
      for (const [name, job] of jobsOf(load(file))) {
        for (const s of job.steps ?? []) {
          if (typeof s.run !== 'string') continue;
          runs++;
          expect([file, name, s.run.includes('${{')]).toEqual([file, name, false]);
        }
      }
    }
    expect(runs).toBeGreaterThan(5);
  });

  test('the actions run as node programs (no composite shell steps to inject into)', () => {
    for (const a of ACTIONS) {
      const meta = load(`actions/${a}/action.yml`);
      expect([a, meta.runs.using, meta.runs.steps]).toEqual([a, 'node24', undefined]);
    }
  });

  test('GitLab scripts splice in only the CLI command; every other input arrives as a variable', () => {
    for (const file of GITLAB) {
      const { body } = loadGitLab(file);
      for (const job of Object.values<Y>(body)) {
        if (!job || typeof job !== 'object') continue;
        for (const key of ['before_script', 'script', 'after_script']) {
          for (const line of [job[key] ?? []].flat()) {
            const spliced = [...String(line).matchAll(/\$\[\[\s*inputs\.([\w-]+)/g)].map((m) => m[1]);
            expect([file, spliced.filter((i) => i !== 'cli')]).toEqual([file, []]);
          }
        }
      }
    }
  });

  test('the GitLab deploy child pipeline the plan writes holds no planned or input text, only variables', () => {
    const entry = (service: string) => ({
      service,
      dir: `services/${service}`,
      repository: service,
      wave: 0,
      dependsOn: [],
    });
    const hostile = gitlabDeployPipeline([entry('$(touch /tmp/x)"; id #')]);
    expect(hostile).toBe(gitlabDeployPipeline([entry('web')]));
    expect(hostile).not.toContain('touch');
    const child = parse(hostile);
    // The settings arrive as the trigger's variables; the role-assuming jobs ask for the token.
    for (const name of ['deploy', 'rollback']) {
      expect(child[name].id_tokens).toEqual({ CENDENCE_ID_TOKEN: { aud: '$CENDENCE_AUDIENCE' } });
      for (const line of child[name].script) expect(line).not.toMatch(/\$\[\[/);
    }
    const { body } = loadGitLab('pipelines/gitlab/pipeline.yml');
    expect(body['cendence-deploy'].trigger.forward).toEqual({
      yaml_variables: true,
      pipeline_variables: false,
    });
  });
});

describe('REL-8 one deploy per service at a time', () => {
  test('every GitHub job that deploys or rolls back sits in a concurrency group keyed on the environment', () => {
    let checked = 0;
    for (const file of [...WORKFLOWS, ...STARTERS]) {
      const wf = load(file);
      for (const [name, job] of jobsOf(wf)) {
        const deploys = (job.steps ?? []).some((s: Y) =>
          /actions\/(deploy|rollback)(@|$)/.test(s.uses ?? ''),
        );
        if (!deploys || file.endsWith('dogfood.yml')) continue; // the dogfood job deploys to its own emulator
        const group = job.concurrency?.group ?? wf.concurrency?.group ?? job.concurrency;
        expect([file, name, typeof group]).toEqual([file, name, 'string']);
        expect([file, name, group]).toEqual([file, name, expect.stringMatching(/environment|production/)]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });
});

describe('SC-1 / SC-2 supply chain', () => {
  test('every third-party action in our workflows and starters is pinned by SHA with a # v comment', () => {
    for (const file of [...WORKFLOWS, ...STARTERS]) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const [, ref, comment] of text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)) {
        if (ref.startsWith('./')) continue;
        expect([file, ref]).toEqual([file, expect.stringMatching(/@[0-9a-f]{40}$/)]);
        expect([file, ref, comment]).toEqual([file, ref, expect.stringMatching(/#\s*v\d/)]);
      }
    }
  });

  // SC-1: GitLab job images pinned by @sha256. Until a release publishes the CLI image, `image` has no
  // default (a required input); once pipelines/cli-image.json pins one, it is a digest.
  test('GitLab templates default to a CLI image pinned by digest, or to none', () => {
    for (const file of GITLAB) {
      const d = loadGitLab(file).spec?.inputs?.image?.default;
      if (d) expect([file, d]).toEqual([file, expect.stringMatching(/@sha256:[0-9a-f]{64}$/)]);
    }
  });

  test('the lockfile is committed and every CI installs from it (npm ci)', () => {
    expect(
      execFileSync('git', ['ls-files', 'package-lock.json'], { cwd: ROOT, encoding: 'utf8' }).trim(),
    ).toBe('package-lock.json');
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
    expect(lock.lockfileVersion).toBeGreaterThanOrEqual(3);
    expect(readFileSync(join(ROOT, '.github/workflows/ci.yml'), 'utf8')).toMatch(/run: npm ci\b/);
    expect(readFileSync(join(ROOT, '.ci/run'), 'utf8')).toMatch(/npm ci\b/);
    expect(readFileSync(join(ROOT, '.github/workflows/ci.yml'), 'utf8')).not.toMatch(/npm install\b/);
  });

  test('every action commits its dist/ bundle, and both CIs run the dist drift check', () => {
    const tracked = execFileSync('git', ['ls-files', 'actions', 'cli/dist'], { cwd: ROOT, encoding: 'utf8' });
    for (const a of ACTIONS) {
      expect([a, load(`actions/${a}/action.yml`).runs.main]).toEqual([a, 'dist/index.js']);
      expect([a, tracked.includes(`actions/${a}/dist/index.js`)]).toEqual([a, true]);
    }
    expect(tracked).toContain('cli/dist/index.js');
    const ci = load('.github/workflows/ci.yml');
    const runs = jobsOf(ci).flatMap(([, j]) => (j.steps ?? []).map((s: Y) => s.run ?? ''));
    expect(runs).toContain('bash scripts/check-dist.sh');
    expect(readFileSync(join(ROOT, '.ci/run'), 'utf8')).toMatch(/^phase dist bash scripts\/check-dist\.sh$/m);
    // The check compares against git, so it fails on any difference in the bundles.
    const check = readFileSync(join(ROOT, 'scripts/check-dist.sh'), 'utf8');
    expect(check).toMatch(/git status --porcelain -- 'actions\/\*\/dist' cli\/dist/);
    expect(check).toMatch(/exit 1/);
    expect(existsSync(join(ROOT, 'scripts/bundle.mjs'))).toBe(true);
  });
});
