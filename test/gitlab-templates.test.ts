// The GitLab templates in pipelines/gitlab: spec:inputs typed and described, every step input passed to the
// job as CENDENCE_<NAME>, OIDC through id_tokens, deploy/rollback with an environment and a resource group,
// artifacts for the record and reports; and gitlab-ci-local (the GitLab parser we can run offline) accepts
// them, interpolates inputs, and rejects missing or out-of-list inputs.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parseAllDocuments, stringify } from 'yaml';
import { loadModule } from '../emulator/src/terraform/hcl.js';
import { DOOR_STEPS, gitlabInput, RESOURCE_GROUP, variableName } from '../scripts/gen-actions.js';
import { gitlabDeployPipeline } from '../shared/src/changes/matrix.js';
import { STEPS } from '../shared/src/steps/index.js';
import { trustOf } from './trust-policy.js';

const ROOT = join(import.meta.dirname, '..');
const DIR = join(ROOT, 'pipelines/gitlab');
const COMPONENTS = join(ROOT, 'templates');
const GLCI = join(ROOT, 'node_modules/gitlab-ci-local/dist/index.js');
// GitLab's allowed environment actions (keyword reference, environment:action).
const ENVIRONMENT_ACTIONS = ['start', 'prepare', 'stop', 'verify', 'access'];

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML
type Yaml = any;
function template(file: string, dir = DIR): { spec: Yaml; jobs: Yaml } {
  const docs = parseAllDocuments(readFileSync(join(dir, file), 'utf8'));
  expect(docs).toHaveLength(2);
  return { spec: docs[0].toJS().spec, jobs: docs[1].toJS() };
}
const files = readdirSync(DIR).filter((f) => f.endsWith('.yml'));
const doorSteps = STEPS.filter((s) => DOOR_STEPS.includes(s.name));

describe('step input → spec:inputs entry', () => {
  test('maps each input kind to a GitLab type; optional inputs get a default, required ones none', () => {
    const d = 'd';
    expect(gitlabInput({ name: 'cluster', description: d, required: true })).toEqual({ description: d });
    expect(gitlabInput({ name: 'since', description: d })).toEqual({ description: d, default: '' });
    expect(gitlabInput({ name: 'timeout', description: d, kind: 'number', default: '900' })).toEqual({
      description: d,
      type: 'number',
      default: 900,
    });
    // A number without a default stays a string input: GitLab has no empty number.
    expect(gitlabInput({ name: 'keep', description: d, kind: 'number' })).toEqual({
      description: d,
      default: '',
    });
    // Booleans travel as 'true'/'false' strings: job variables are strings.
    expect(gitlabInput({ name: 'wait', description: d, kind: 'boolean', default: 'true' })).toEqual({
      description: d,
      default: 'true',
      options: ['true', 'false'],
    });
    expect(
      gitlabInput({ name: 'engine', description: d, kind: 'choice', options: ['a', 'b'], default: 'a' }),
    ).toEqual({ description: 'd One of: a, b.', default: 'a', options: ['a', 'b'] });
    expect(gitlabInput({ name: 'services', description: d, kind: 'list' })).toEqual({
      description: 'd Comma- or newline-separated, or a JSON list.',
      default: '',
    });
  });
});

describe('template files', () => {
  test('one template per step (every step, diff and verify too), plus the full pipeline', () => {
    expect(doorSteps.map((s) => s.name).sort()).toEqual(STEPS.map((s) => s.name).sort());
    expect(files.sort()).toEqual([...doorSteps.map((s) => `${s.name}.yml`), 'pipeline.yml'].sort());
  });

  test('templates/ holds the same jobs as CI/CD components, with no include of a fixed path', () => {
    const components = readdirSync(COMPONENTS).filter((f) => f.endsWith('.yml'));
    expect(components.sort()).toEqual(files.sort());
    for (const f of components) {
      const component = template(f, COMPONENTS);
      expect([f, component]).toEqual([f, template(f)]);
      const text = readFileSync(join(COMPONENTS, f), 'utf8');
      const body = text
        .split('\n')
        .filter((l) => !l.startsWith('#'))
        .join('\n');
      // No include of a file (the deploy trigger includes only the plan job's artifact).
      expect([
        f,
        /^include:|^\s*-? *(local|project|file|component):|\/pipelines\/gitlab/m.test(body),
      ]).toEqual([f, false]);
      expect(text).toContain(
        `component: $CI_SERVER_FQDN/<group>/cendence/${f.replace('.yml', '')}@<version>`,
      );
    }
  });

  test('the CLI image is a required input until a release pins one by digest', () => {
    const pinned = JSON.parse(readFileSync(join(ROOT, 'pipelines/cli-image.json'), 'utf8')).image;
    for (const f of files) {
      const image = template(f).spec.inputs.image;
      if (pinned) expect([f, image.default]).toEqual([f, expect.stringMatching(/@sha256:[0-9a-f]{64}$/)]);
      else
        expect([f, image.default, image.description]).toEqual([
          f,
          undefined,
          expect.stringContaining('Required'),
        ]);
    }
  });

  test.each(files)('%s: every input is described and typed, defaults fit their type and options', (file) => {
    const { spec } = template(file);
    for (const [name, input] of Object.entries<Yaml>(spec.inputs)) {
      expect([name, typeof input.description, input.description.length > 0]).toEqual([name, 'string', true]);
      const type = input.type ?? 'string';
      expect(['string', 'number', 'boolean', 'array']).toContain(type);
      if (input.default !== undefined) {
        expect([name, Array.isArray(input.default) ? 'array' : typeof input.default]).toEqual([name, type]);
      }
      if (input.options) expect(input.options).toContain(input.default);
    }
  });

  test.each(doorSteps.map((s) => s.name))(
    '%s.yml passes every step input to the job as CENDENCE_<NAME>',
    (name) => {
      const step = doorSteps.find((s) => s.name === name)!;
      const { spec, jobs } = template(`${name}.yml`);
      const job = jobs['$[[ inputs.job-name ]]'];
      for (const i of step.inputs) {
        expect(spec.inputs[i.name]).toBeDefined();
        expect(job.variables[variableName(i.name)]).toBe(`$[[ inputs.${i.name} ]]`);
      }
      expect(job.script).toEqual(['rm -f cendence.env cendence-summary.md', `$[[ inputs.cli ]] ${name}`]);
      expect(JSON.stringify(job)).not.toContain('npx');
      expect(job.artifacts.reports.dotenv).toBe('cendence.env');
      expect(job.artifacts.paths).toEqual(expect.arrayContaining(['cendence-summary.md', '.cendence/']));
      expect(job.artifacts.when).toBe('always');
      if (step.inputs.some((i) => i.name === 'role-to-assume')) {
        // A step that signs with sigstore asks for a second token, with the audience Fulcio accepts.
        const signs = step.inputs.some((i) => i.name === 'sign');
        expect(job.id_tokens).toEqual({
          CENDENCE_ID_TOKEN: { aud: '$[[ inputs.audience ]]' },
          ...(signs ? { SIGSTORE_ID_TOKEN: { aud: 'sigstore' } } : {}),
        });
        for (const i of ['audience', 'role-duration-seconds', 'role-session-name'])
          expect(spec.inputs[i]).toBeDefined();
      }
    },
  );

  test.each(['deploy', 'rollback'])(
    '%s.yml: environment, one lock per environment, only from the default branch or a named protected ref',
    (name) => {
      const { spec, jobs } = template(`${name}.yml`);
      const job = jobs['$[[ inputs.job-name ]]'];
      expect(job.environment.name).toBe('$[[ inputs.environment ]]');
      expect(ENVIRONMENT_ACTIONS).toContain(job.environment.action);
      expect(job.resource_group).toBe(RESOURCE_GROUP);
      expect(job.rules[0]).toEqual({ if: '$CI_PIPELINE_SOURCE == "merge_request_event"', when: 'never' });
      expect(job.rules[1].if).toContain('$CI_COMMIT_REF_PROTECTED == "true"');
      expect(job.rules[1].if).toContain('$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH');
      expect(job.rules).toHaveLength(2); // nothing else matches: no job
      // Inputs that end up in rules and resource_group are checked at pipeline creation.
      expect(spec.inputs['deploy-ref'].regex).toBeDefined();
      expect(spec.inputs.environment.regex).toBeDefined();
    },
  );

  test('rollback.yml is a manual job by default', () => {
    const { spec, jobs } = template('rollback.yml');
    expect(jobs['$[[ inputs.job-name ]]'].rules[1].when).toBe('$[[ inputs.when ]]');
    expect(spec.inputs.when.default).toBe('manual');
  });

  test('test.yml keeps the JUnit reports, as files and as the junit report', () => {
    const job = template('test.yml').jobs['$[[ inputs.job-name ]]'];
    expect(job.artifacts.paths).toContain('$[[ inputs.junit-dir ]]/');
    expect(job.artifacts.reports.junit).toBe('$[[ inputs.junit-dir ]]/*.xml');
  });

  test('pipeline.yml: build, test and push in one job (one engine); later jobs read files, not project-shadowable variables', () => {
    const { spec, jobs } = template('pipeline.yml');
    expect(Object.keys(jobs)).toEqual(['cendence-plan', 'cendence-images', 'cendence-deploy']);
    const images = jobs['cendence-images'].script.join('\n');
    expect(images).toMatch(/cli ]] build .*--builds-file \.cendence\/builds\.json/);
    expect(images).toContain('test --builds .cendence/builds.json');
    expect(images).toContain('push --builds .cendence/builds.json');
    expect(jobs['cendence-images'].artifacts.reports.junit).toBe('test-results/*.xml');
    for (const stage of ['plan-stage', 'images-stage', 'deploy-stage'])
      expect(spec.inputs[stage]).toBeDefined();
    const text = JSON.stringify(jobs);
    expect(text).not.toMatch(/\$(SERVICES|COUNT|IMAGES|RECORD_FILE)\b/);
    expect(spec.inputs.since.default).toBe('$CI_COMMIT_BEFORE_SHA');
  });

  test('pipeline.yml: the deploy is a child pipeline the plan writes; no parent job records a deployment', () => {
    const { jobs } = template('pipeline.yml');
    // GitLab records a deployment when it creates a job with an environment: none exists before the plan.
    expect(Object.values(jobs).filter((j) => 'environment' in (j as Yaml))).toEqual([]);
    const file = jobs['cendence-plan'].variables.CENDENCE_GITLAB_DEPLOY_PIPELINE;
    expect(file).toMatch(/^\.cendence\//);
    const deploy = jobs['cendence-deploy'];
    expect(deploy.trigger).toMatchObject({
      include: [{ artifact: file, job: 'cendence-plan' }],
      strategy: 'depend',
    });
    expect(deploy.rules).toEqual(jobs['cendence-images'].rules);
    // The child takes every setting from the trigger's variables, the inputs interpolated here only.
    expect(deploy.variables).toMatchObject({
      CENDENCE_IMAGE: '$[[ inputs.image ]]',
      CENDENCE_ENVIRONMENT: '$[[ inputs.environment ]]',
      CENDENCE_AUDIENCE: '$[[ inputs.audience ]]',
      CENDENCE_ROLLBACK_WHEN: '$[[ inputs.rollback-when ]]',
      PARENT_PIPELINE_ID: '$CI_PIPELINE_ID',
    });
  });

  test('the deploy child pipeline: deploy and rollback share one lock; an empty plan has no environment job', () => {
    const entry = { service: 'web', dir: 'services/web', repository: 'web', wave: 0, dependsOn: [] };
    const child = parseAllDocuments(gitlabDeployPipeline([entry]))[0].toJS();
    expect(Object.keys(child)).toEqual(['stages', 'deploy', 'rollback']);
    for (const name of ['deploy', 'rollback']) {
      expect(child[name].environment).toEqual({ name: '$CENDENCE_ENVIRONMENT', action: 'start' });
      expect(child[name].resource_group).toBe('cendence-$CENDENCE_ENVIRONMENT');
      expect(child[name].id_tokens.CENDENCE_ID_TOKEN.aud).toBe('$CENDENCE_AUDIENCE');
    }
    expect(child.deploy.needs).toEqual([{ pipeline: '$PARENT_PIPELINE_ID', job: 'cendence-images' }]);
    expect(child.rollback.rules.at(-1)).toEqual({ when: 'manual', allow_failure: true });
    // The terraform outputs (an artifact of a job of yours) reach the child through the images job.
    const { jobs } = template('pipeline.yml');
    expect(jobs['cendence-images'].script.join('\n')).toContain(
      'cp "$CENDENCE_TERRAFORM_OUTPUTS" .cendence/terraform-outputs.json',
    );
    for (const name of ['deploy', 'rollback'])
      expect(child[name].script).toContain(
        'if [ -f .cendence/terraform-outputs.json ]; then export CENDENCE_TERRAFORM_OUTPUTS=.cendence/terraform-outputs.json; fi',
      );
    const empty = parseAllDocuments(gitlabDeployPipeline([]))[0].toJS();
    expect(Object.keys(empty)).toEqual(['nothing-to-deploy']);
    expect(JSON.stringify(empty)).not.toMatch(/environment|resource_group|id_tokens/);
  });
});

/** Every `include:` a user pastes from us: our .gitlab-ci.yml, and the yaml blocks of README and docs/gitlab.md. */
function pastedIncludes(): {
  from: string;
  include: { local?: string; component?: string; file?: string; inputs?: Record<string, unknown> };
}[] {
  const out: ReturnType<typeof pastedIncludes> = [];
  const docs: [string, string][] = [['.gitlab-ci.yml', readFileSync(join(ROOT, '.gitlab-ci.yml'), 'utf8')]];
  for (const f of ['README.md', 'docs/gitlab.md']) {
    for (const m of readFileSync(join(ROOT, f), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g))
      docs.push([f, m[1]]);
  }
  for (const [from, text] of docs) {
    let parsed: Yaml;
    try {
      parsed = parseAllDocuments(text).map((d) => d.toJS());
    } catch {
      continue;
    }
    for (const doc of parsed) {
      for (const include of [doc?.include ?? []].flat()) {
        if (typeof include === 'object' && (include.local || include.component || include.file))
          out.push({ from, include });
      }
    }
  }
  return out;
}

describe('includes', () => {
  // GitLab refuses an include that passes an undeclared input or omits a required one; gitlab-ci-local
  // does not check the first, so this test does, for every include we ship or document.
  test('every pasted include passes only declared inputs, and every required one', () => {
    const includes = pastedIncludes();
    expect(includes.length).toBeGreaterThanOrEqual(2);
    for (const { from, include } of includes) {
      const name = String(include.local ?? include.file ?? include.component)
        .replace(/^.*\//, '')
        .replace(/@.*$/, '')
        .replace(/\.yml$/, '');
      const target = template(`${name}.yml`).spec.inputs;
      const given = Object.keys(include.inputs ?? {});
      expect([from, name, given.filter((k) => !(k in target))]).toEqual([from, name, []]);
      const required = Object.entries<Yaml>(target)
        .filter(([, i]) => i.default === undefined)
        .map(([k]) => k);
      expect([from, name, required.filter((k) => !given.includes(k))]).toEqual([from, name, []]);
    }
  });
});

describe('the bundled CLI the templates run (cli/dist/index.js)', () => {
  test('starts as `node cli/dist/index.js`, lists every step and knows its version', () => {
    const help = spawnSync(process.execPath, [join(ROOT, 'cli/dist/index.js'), '--help'], {
      encoding: 'utf8',
    });
    expect(help.status).toBe(0);
    for (const s of doorSteps) expect(help.stdout).toMatch(new RegExp(`^  ${s.name} +\\S`, 'm'));
    const version = spawnSync(process.execPath, [join(ROOT, 'cli/dist/index.js'), '--version'], {
      encoding: 'utf8',
    });
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  test('reads a step input from its CENDENCE_<NAME> variable and exits 2 on a bad one', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'cli/dist/index.js'), 'plan'], {
      encoding: 'utf8',
      cwd: ROOT,
      env: {
        ...process.env,
        GITLAB_CI: 'true',
        CENDENCE_SERVICES: 'no-such-service',
        CENDENCE_DOTENV: '/dev/null',
      },
    });
    expect(r.status).toBe(2);
    expect(r.stdout).toContain("unknown service 'no-such-service'");
  });
});

/**
 * A consumer project holding pipelines/gitlab (and files), committed on main with an origin remote, as
 * gitlab-ci-local needs: it resolves local includes among tracked files and reads the default branch
 * and the project path from the remote.
 */
function consumerProject(prefix: string, remote: string, files: Record<string, string> = {}): string {
  const project = mkdtempSync(join(tmpdir(), prefix));
  cpSync(DIR, join(project, 'pipelines/gitlab'), { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(project, f), text);
  const git = (...a: string[]) => spawnSync('git', a, { cwd: project });
  git('init', '-q', '-b', 'main');
  git('remote', 'add', 'origin', remote);
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'ci');
  git('update-ref', 'refs/remotes/origin/main', 'HEAD');
  git('remote', 'set-head', 'origin', 'main');
  return project;
}

describe('gitlab-ci-local reads the templates', () => {
  let project: string;
  const glci = (ci: unknown, ...args: string[]) => {
    writeFileSync(join(project, '.gitlab-ci.yml'), stringify(ci));
    const r = spawnSync(process.execPath, [GLCI, '--no-color', ...args], { cwd: project, encoding: 'utf8' });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  };

  beforeAll(() => {
    project = consumerProject('cendence-gl-templates-', 'git@gitlab.example.com:cendence/templates.git');
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  const PIPELINE = { local: '/pipelines/gitlab/pipeline.yml', inputs: { image: 'cli@sha256:0' } };

  test('an include with inputs becomes a job whose variables carry them', () => {
    const r = glci(
      {
        stages: ['build', 'test', 'push', 'deploy'],
        include: [
          {
            local: '/pipelines/gitlab/deploy.yml',
            inputs: {
              'job-name': 'deploy-api',
              image: 'cli@sha256:0',
              services: 'auth,game',
              environment: 'staging',
              'on-cancel': 'leave',
            },
          },
        ],
      },
      '--preview',
    );
    expect(r.code).toBe(0);
    const job = parseAllDocuments(r.out.slice(r.out.indexOf('---')))
      .map((d) => d.toJS())
      .find((d) => d?.['deploy-api'])['deploy-api'];
    expect(job.variables).toMatchObject({
      CENDENCE_SERVICES: 'auth,game',
      CENDENCE_ON_CANCEL: 'leave',
      CENDENCE_VERIFY: 'true',
    });
    // A valid resource group whatever the services (GitLab: letters, digits, - _ / $ { } . and spaces).
    expect(job.resource_group).toBe('cendence-staging');
    expect(job.resource_group).toMatch(/^[\w\-/${}. ]+$/);
    expect(job.environment).toEqual({ name: 'staging', action: 'start' });
  });

  test('push asks GitLab for a sigstore id token (aud sigstore) beside the STS one; sign: false reaches the CLI', () => {
    const preview = (ci: unknown) => {
      const r = glci(ci, '--preview');
      expect(r.code).toBe(0);
      return Object.assign({}, ...parseAllDocuments(r.out.slice(r.out.indexOf('---'))).map((d) => d.toJS()));
    };
    const push = preview({
      stages: ['push'],
      include: [
        {
          local: '/pipelines/gitlab/push.yml',
          inputs: { image: 'cli@sha256:0', builds: '{}', sign: 'false' },
        },
      ],
    })['cendence-push'];
    expect(push.id_tokens).toEqual({
      CENDENCE_ID_TOKEN: { aud: 'sts.amazonaws.com' },
      SIGSTORE_ID_TOKEN: { aud: 'sigstore' },
    });
    expect(push.variables).toMatchObject({ CENDENCE_SIGN: 'false', CENDENCE_ATTESTATIONS: 'true' });
    // The release pipeline pushes in its images job: the same two tokens, signing on by default.
    const images = preview({ stages: ['build', 'deploy'], include: [PIPELINE] })['cendence-images'];
    expect(images.id_tokens.SIGSTORE_ID_TOKEN).toEqual({ aud: 'sigstore' });
    expect(images.variables.CENDENCE_SIGN).toBe('true');
  });

  test('a missing required input is refused, naming it', () => {
    const r = glci(
      { include: [{ local: '/pipelines/gitlab/test.yml', inputs: { image: 'cli@sha256:0' } }] },
      '--list',
    );
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('`builds` input: required value has not been provided');
    // No released CLI image yet: a pipeline without `image` is refused at creation, naming it.
    const noImage = glci(
      { stages: ['build', 'deploy'], include: [{ local: '/pipelines/gitlab/pipeline.yml' }] },
      '--list',
    );
    expect(noImage.code).not.toBe(0);
    expect(noImage.out).toContain('`image` input: required value has not been provided');
  });

  test('a value outside the options is refused', () => {
    const r = glci(
      {
        include: [{ local: '/pipelines/gitlab/deploy.yml', inputs: { image: 'x', 'on-cancel': 'explode' } }],
      },
      '--list',
    );
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('`explode` cannot be used because it is not in the list of allowed options');
  });

  test('the full pipeline on the protected default branch: plan → images → the deploy trigger', () => {
    const r = glci(
      { stages: ['build', 'deploy'], include: [PIPELINE] },
      '--list',
      '--variable',
      'CI_COMMIT_REF_PROTECTED=true',
    );
    expect(r.code).toBe(0);
    const jobs = r.out
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((c) => c[0]?.startsWith('cendence-'))
      .map((c) => `${c[0]} ${c[1]} ${c[2]}`);
    expect(jobs).toEqual([
      'cendence-plan .pre on_success',
      'cendence-images build on_success',
      'cendence-deploy deploy on_success',
    ]);
    const preview = glci(
      {
        stages: ['build', 'deploy'],
        include: [{ ...PIPELINE, inputs: { ...PIPELINE.inputs, environment: 'prod' } }],
      },
      '--preview',
    ).out;
    const merged = parseAllDocuments(preview.slice(preview.indexOf('---')))
      .map((d) => d.toJS())
      .find((d) => d?.['cendence-deploy']);
    expect(merged['cendence-deploy'].variables.CENDENCE_ENVIRONMENT).toBe('prod');
  });

  test('a named protected ref may deploy too; other refs may not', () => {
    const ci = {
      stages: ['build', 'deploy'],
      include: [{ ...PIPELINE, inputs: { ...PIPELINE.inputs, 'deploy-ref': 'release/2' } }],
    };
    const names = (out: string) =>
      out
        .split('\n')
        .map((l) => l.trim().split(/\s+/)[0])
        .filter((n) => n?.startsWith('cendence-'));
    const on = (ref: string) =>
      names(
        glci(
          ci,
          '--list',
          '--variable',
          'CI_COMMIT_REF_PROTECTED=true',
          '--variable',
          `CI_COMMIT_BRANCH=${ref}`,
          '--variable',
          `CI_COMMIT_REF_NAME=${ref}`,
        ).out,
      );
    expect(on('release/2')).toContain('cendence-deploy');
    expect(on('release/3')).toEqual(['cendence-plan']);
    // Quotes in a ref would break the rule: refused at pipeline creation.
    const bad = glci(
      { ...ci, include: [{ ...PIPELINE, inputs: { ...PIPELINE.inputs, 'deploy-ref': 'x" || "1' } }] },
      '--list',
    );
    expect(bad.code).not.toBe(0);
    expect(bad.out).toContain('`deploy-ref` input');
  });

  test('bad input is refused at pipeline creation: a services list, a stage that does not exist', () => {
    const list = glci(
      {
        stages: ['build', 'deploy'],
        include: [{ ...PIPELINE, inputs: { ...PIPELINE.inputs, services: ['auth', 'game'] } }],
      },
      '--list',
    );
    expect(list.code).not.toBe(0);
    expect(list.out).toContain('`services` input: provided value is not a string');
    const stage = glci(
      {
        stages: ['build', 'deploy'],
        include: [{ ...PIPELINE, inputs: { ...PIPELINE.inputs, 'deploy-stage': 'release' } }],
      },
      '--list',
    );
    expect(stage.code).not.toBe(0);
    expect(stage.out).toContain('stage:release not found for cendence-deploy');
  });

  test('the starter README pastes runs: include resolved to the template, deploys only on the protected default branch', () => {
    const starter = parseAllDocuments(
      readFileSync(join(ROOT, 'pipelines/gitlab-starter/.gitlab-ci.yml'), 'utf8'),
    )[0].toJS();
    // include: project resolves to that project's file; here the same file, included locally.
    const ci = {
      ...starter,
      include: starter.include.map((i: Yaml) => ({ local: i.file, inputs: i.inputs })),
    };
    const names = (...vars: string[]) =>
      glci(ci, '--list', ...vars.flatMap((v) => ['--variable', v]))
        .out.split('\n')
        .map((l) => l.trim().split(/\s+/)[0])
        .filter((n) => n?.startsWith('cendence-'));
    expect(names('CI_COMMIT_REF_PROTECTED=true')).toEqual([
      'cendence-plan',
      'cendence-images',
      'cendence-deploy',
    ]);
    expect(names('CI_COMMIT_REF_PROTECTED=true', 'CI_PIPELINE_SOURCE=merge_request_event')).toEqual([
      'cendence-plan',
    ]);
    expect(
      names(
        'CI_COMMIT_REF_PROTECTED=true',
        'CI_COMMIT_BRANCH=feature/typo',
        'CI_COMMIT_REF_NAME=feature/typo',
      ),
    ).toEqual(['cendence-plan']);
  });
});

describe('README: its GitHub and GitLab blocks are the starter files the tests check', () => {
  test.each(['pipelines/github/release.yml', 'pipelines/gitlab-starter/.gitlab-ci.yml'])('%s', (file) => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = readme.match(
      new RegExp(
        `<!-- file ${file.replace(/\./g, '\\.')} -->\n\`\`\`yaml\n([\\s\\S]*?)\`\`\`\n<!-- end file -->`,
      ),
    );
    expect(block?.[1]).toBe(readFileSync(join(ROOT, file), 'utf8'));
  });
});

describe('GitLab: the subject each role-assuming job gets, against the Terraform trust policy', () => {
  // GitLab's id token sub: project_path:<group>/<project>:ref_type:<branch|tag>:ref:<ref> (the source
  // branch in a merge-request pipeline). The policy (production.tfvars) trusts transcendence/cendence on main.
  let project: string;
  beforeAll(() => {
    project = consumerProject('cendence-gl-identity-', 'git@gitlab.com:transcendence/cendence.git', {
      '.gitlab-ci.yml': stringify({
        stages: ['build', 'deploy'],
        include: [
          {
            local: '/pipelines/gitlab/pipeline.yml',
            inputs: {
              image: 'cli@sha256:0',
              'role-to-assume': 'arn:aws:iam::123456789012:role/cendence-gitlab-deploy',
            },
          },
        ],
      }),
    });
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  test('only the jobs that should deploy exist where the trust policy accepts them; elsewhere no job asks', async () => {
    const main = await loadModule(join(ROOT, 'terraform'));
    const production = await parseHcl(
      'production.tfvars',
      readFileSync(join(ROOT, 'terraform/environments/production.tfvars'), 'utf8'),
    );
    const { allows } = trustOf(main, 'gitlab_trust', production);
    const preview = spawnSync(process.execPath, [GLCI, '--no-color', '--preview'], {
      cwd: project,
      encoding: 'utf8',
    }).stdout;
    const merged = parseAllDocuments(preview.slice(preview.indexOf('---')))
      .map((d) => d.toJS())
      .find((d) => d?.['cendence-deploy']);
    // The role-assuming jobs, and the trigger of the child pipeline whose deploy and rollback assume it.
    const assuming = Object.keys(merged).filter(
      (j) => merged[j]?.id_tokens?.CENDENCE_ID_TOKEN || merged[j]?.trigger,
    );
    expect(assuming.sort()).toEqual(['cendence-deploy', 'cendence-images']);
    const scenarios: { name: string; vars: string[]; refType: string; ref: string; deploys: boolean }[] = [
      {
        name: 'default branch',
        vars: ['CI_COMMIT_REF_PROTECTED=true'],
        refType: 'branch',
        ref: 'main',
        deploys: true,
      },
      {
        name: 'feature branch',
        vars: [
          'CI_COMMIT_REF_PROTECTED=false',
          'CI_COMMIT_BRANCH=feature/typo',
          'CI_COMMIT_REF_NAME=feature/typo',
        ],
        refType: 'branch',
        ref: 'feature/typo',
        deploys: false,
      },
      {
        name: 'merge request from main',
        vars: ['CI_COMMIT_REF_PROTECTED=true', 'CI_PIPELINE_SOURCE=merge_request_event'],
        refType: 'branch',
        ref: 'main',
        deploys: false,
      },
      {
        name: 'tag',
        vars: [
          'CI_COMMIT_REF_PROTECTED=true',
          'CI_COMMIT_TAG=v1.0.0',
          'CI_COMMIT_REF_NAME=v1.0.0',
          'CI_COMMIT_BRANCH=',
        ],
        refType: 'tag',
        ref: 'v1.0.0',
        deploys: false,
      },
    ];
    for (const sc of scenarios) {
      const listed = spawnSync(
        process.execPath,
        [GLCI, '--no-color', '--list', ...sc.vars.flatMap((v) => ['--variable', v])],
        { cwd: project, encoding: 'utf8' },
      )
        .stdout.split('\n')
        .map((l) => l.trim().split(/\s+/)[0])
        .filter((n) => assuming.includes(n));
      const sub = `project_path:transcendence/cendence:ref_type:${sc.refType}:ref:${sc.ref}`;
      const accepted = allows({ 'gitlab.com:sub': sub, 'gitlab.com:aud': 'sts.amazonaws.com' });
      // Every role-assuming job that runs is accepted; the deploying pipeline has all of them.
      expect({ sc: sc.name, listed: listed.sort() }).toEqual({
        sc: sc.name,
        listed: sc.deploys ? [...assuming].sort() : [],
      });
      if (listed.length > 0)
        expect({ sc: sc.name, sub, accepted }).toEqual({ sc: sc.name, sub, accepted: true });
      // A merge request from main carries main's subject: only the rules keep it from assuming the role.
      if (sc.name === 'feature branch' || sc.name === 'tag')
        expect({ sub, accepted }).toEqual({ sub, accepted: false });
    }
  }, 120_000);
});
