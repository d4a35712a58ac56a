// The GitLab templates in pipelines/gitlab: spec:inputs typed and described, every step input passed to the
// job as CENDENCE_<NAME>, OIDC through id_tokens, deploy/rollback with an environment and a resource group,
// artifacts for the record and reports; and gitlab-ci-local (the GitLab parser we can run offline) accepts
// them, interpolates inputs, and rejects missing or out-of-list inputs.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parseAllDocuments, stringify } from 'yaml';
import { DOOR_STEPS, gitlabInput, variableName } from '../scripts/gen-actions.js';
import { STEPS } from '../shared/src/steps/index.js';

const ROOT = join(import.meta.dirname, '..');
const DIR = join(ROOT, 'pipelines/gitlab');
const GLCI = join(ROOT, 'node_modules/gitlab-ci-local/dist/index.js');
// GitLab's allowed environment actions (keyword reference, environment:action).
const ENVIRONMENT_ACTIONS = ['start', 'prepare', 'stop', 'verify', 'access'];

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML
type Yaml = any;
function template(file: string): { spec: Yaml; jobs: Yaml } {
  const docs = parseAllDocuments(readFileSync(join(DIR, file), 'utf8'));
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
  test('one template per step, plus the full pipeline', () => {
    expect(files.sort()).toEqual([...doorSteps.map((s) => `${s.name}.yml`), 'pipeline.yml'].sort());
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
      expect(job.artifacts.reports.dotenv).toBe('cendence.env');
      expect(job.artifacts.paths).toEqual(expect.arrayContaining(['cendence-summary.md', '.cendence/']));
      expect(job.artifacts.when).toBe('always');
      if (step.inputs.some((i) => i.name === 'role-to-assume')) {
        expect(job.id_tokens).toEqual({ CENDENCE_ID_TOKEN: { aud: '$[[ inputs.aws-audience ]]' } });
        expect(job.variables.CENDENCE_OIDC_AUDIENCE).toBe('$[[ inputs.aws-audience ]]');
      }
    },
  );

  test.each(['deploy', 'rollback'])(
    '%s.yml: environment, and one resource group per environment and service',
    (name) => {
      const job = template(`${name}.yml`).jobs['$[[ inputs.job-name ]]'];
      expect(job.environment.name).toBe('$[[ inputs.environment ]]');
      expect(ENVIRONMENT_ACTIONS).toContain(job.environment.action);
      expect(job.resource_group).toBe('cendence-$[[ inputs.environment ]]-$[[ inputs.services ]]');
    },
  );

  test('rollback.yml is a manual job by default', () => {
    const { spec, jobs } = template('rollback.yml');
    expect(jobs['$[[ inputs.job-name ]]'].when).toBe('$[[ inputs.when ]]');
    expect(spec.inputs.when.default).toBe('manual');
  });
});

describe('includes', () => {
  // GitLab refuses an include that passes an undeclared input or omits a required one; gitlab-ci-local
  // does not check the first, so this test does, for every include in our pipelines.
  test.each(['pipelines/gitlab/pipeline.yml', '.gitlab-ci.yml'])(
    '%s passes only declared inputs, and every required one',
    (file) => {
      const docs = parseAllDocuments(readFileSync(join(ROOT, file), 'utf8')).map((d) => d.toJS());
      const body = docs[docs.length - 1];
      expect(body.include.length).toBeGreaterThan(0);
      for (const inc of body.include as { local: string; inputs?: Record<string, unknown> }[]) {
        const target = template(inc.local.replace(/^\/pipelines\/gitlab\//, '')).spec.inputs;
        const given = Object.keys(inc.inputs ?? {});
        expect([inc.local, given.filter((k) => !(k in target))]).toEqual([inc.local, []]);
        const required = Object.entries<Yaml>(target)
          .filter(([, i]) => i.default === undefined)
          .map(([k]) => k);
        expect([inc.local, required.filter((k) => !given.includes(k))]).toEqual([inc.local, []]);
      }
    },
  );
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

describe('gitlab-ci-local reads the templates', () => {
  let project: string;
  const glci = (ci: unknown, ...args: string[]) => {
    writeFileSync(join(project, '.gitlab-ci.yml'), stringify(ci));
    const r = spawnSync(process.execPath, [GLCI, '--no-color', ...args], { cwd: project, encoding: 'utf8' });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  };

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'cendence-gl-templates-'));
    cpSync(DIR, join(project, 'pipelines/gitlab'), { recursive: true });
    const git = (...a: string[]) => spawnSync('git', a, { cwd: project });
    git('init', '-q', '-b', 'main');
    git('remote', 'add', 'origin', 'git@gitlab.example.com:cendence/templates.git');
    git('add', '-A'); // gitlab-ci-local resolves local includes among tracked files
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'templates');
    git('update-ref', 'refs/remotes/origin/main', 'HEAD');
    git('remote', 'set-head', 'origin', 'main');
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  test('an include with inputs becomes a job whose variables carry them', () => {
    const r = glci(
      {
        stages: ['build', 'test', 'push', 'deploy'],
        include: [
          {
            local: '/pipelines/gitlab/deploy.yml',
            inputs: {
              'job-name': 'deploy-api',
              services: 'api',
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
      CENDENCE_SERVICES: 'api',
      CENDENCE_ON_CANCEL: 'leave',
      CENDENCE_VERIFY: 'true',
    });
    expect(job.resource_group).toBe('cendence-staging-api');
    expect(job.environment).toEqual({ name: 'staging', action: 'start' });
  });

  test('a missing required input is refused, naming it', () => {
    const r = glci({ include: [{ local: '/pipelines/gitlab/test.yml' }] }, '--list');
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('`builds` input: required value has not been provided');
  });

  test('a value outside the options is refused', () => {
    const r = glci(
      { include: [{ local: '/pipelines/gitlab/deploy.yml', inputs: { 'on-cancel': 'explode' } }] },
      '--list',
    );
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('`explode` cannot be used because it is not in the list of allowed options');
  });

  test('the full pipeline lists plan → build → test → push → deploy and the manual rollback', () => {
    const r = glci(
      { stages: ['build', 'test', 'push', 'deploy'], include: [{ local: '/pipelines/gitlab/pipeline.yml' }] },
      '--list',
    );
    expect(r.code).toBe(0);
    const jobs = r.out
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((c) => c[0]?.startsWith('cendence-'))
      .map((c) => `${c[0]} ${c[1]} ${c[2]}`);
    expect(jobs).toEqual([
      'cendence-plan .pre on_success',
      'cendence-build build on_success',
      'cendence-test test on_success',
      'cendence-push push on_success',
      'cendence-deploy deploy on_success',
      'cendence-rollback .post manual',
    ]);
    // Deploy and rollback of a release share one lock per environment.
    const preview = glci(
      {
        stages: ['build', 'test', 'push', 'deploy'],
        include: [{ local: '/pipelines/gitlab/pipeline.yml', inputs: { environment: 'prod' } }],
      },
      '--preview',
    ).out;
    const merged = parseAllDocuments(preview.slice(preview.indexOf('---')))
      .map((d) => d.toJS())
      .find((d) => d?.['cendence-deploy']);
    expect(merged['cendence-deploy'].resource_group).toBe('cendence-prod');
    expect(merged['cendence-rollback'].resource_group).toBe('cendence-prod');
  });
});
