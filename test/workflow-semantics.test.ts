// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are GitHub expressions, not JS templates
// GitHub, the way GitHub runs it (no act): every workflow and reusable workflow parsed and checked against
// GitHub's documented rules — each `needs.<job>.outputs.<name>` names a job in `needs` that declares that
// output, each `steps.<id>.outputs` an earlier step of the job, each workflow_call output a real job
// output; deploy waves are not capped; artifact names are unique per call and per matrix job; deploy and
// rollback lock the same concurrency group for every service of an environment. Then every job that
// assumes a role gets the OIDC subject GitHub would issue it (environment subject when the job has an
// environment, else the ref, pull_request for pull requests), and the Terraform trust policy
// (terraform/ci_identity.tf) must accept exactly the jobs that should deploy.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import { type Json, loadModule, type TfModule } from '../emulator/src/terraform/hcl.js';
import { trustOf } from './trust-policy.js';

const ROOT = join(import.meta.dirname, '..');
const TF = join(ROOT, 'terraform');
// biome-ignore lint/suspicious/noExplicitAny: parsed workflow YAML
type Yaml = any;
const files = (dir: string) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => `${dir}/${f}`);
const WORKFLOWS = [...files('.github/workflows'), ...files('pipelines/github')];
const load = (file: string): Yaml => parse(readFileSync(join(ROOT, file), 'utf8'));
/** Every ${{ … }} expression in a value (string, list or map), as text. */
function expressions(value: unknown): string[] {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  return [...text.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((m) => m[1]);
}
const needsOf = (job: Yaml): string[] => (job.needs === undefined ? [] : [job.needs].flat());

describe('needs / if / outputs chains (GitHub contexts: needs only sees direct needs)', () => {
  test.each(WORKFLOWS)('%s', (file) => {
    const wf = load(file);
    let checked = 0;
    for (const [name, job] of Object.entries<Yaml>(wf.jobs)) {
      for (const n of needsOf(job)) expect([name, n, n in wf.jobs]).toEqual([name, n, true]);
      const { steps, ...rest } = job;
      for (const expr of expressions(rest).concat(expressions(steps))) {
        for (const [, needed, output] of expr.matchAll(/needs\.([\w-]+)\.(?:outputs\.([\w-]+)|result)/g)) {
          checked++;
          expect([name, needed, needsOf(job).includes(needed)]).toEqual([name, needed, true]);
          if (output) {
            const declared = Object.keys(wf.jobs[needed].outputs ?? {});
            expect([name, needed, output, declared.includes(output)]).toEqual([name, needed, output, true]);
          }
        }
      }
      (steps ?? []).forEach((step: Yaml, i: number) => {
        for (const expr of expressions(step)) {
          for (const [, id] of expr.matchAll(/steps\.([\w-]+)\.outputs/g)) {
            checked++;
            const earlier = steps.slice(0, i).map((s: Yaml) => s.id);
            expect([name, id, earlier.includes(id)]).toEqual([name, id, true]);
          }
        }
      });
      // A job's own outputs come from its steps.
      for (const [out, value] of Object.entries<string>(job.outputs ?? {})) {
        for (const [, id] of value.matchAll(/steps\.([\w-]+)\.outputs/g)) {
          expect([name, out, (steps ?? []).some((s: Yaml) => s.id === id)]).toEqual([name, out, true]);
        }
      }
    }
    for (const [out, spec] of Object.entries<Yaml>(wf.on?.workflow_call?.outputs ?? {})) {
      const [, job, name] = String(spec.value).match(/jobs\.([\w-]+)\.outputs\.([\w-]+)/) ?? [];
      expect([out, Object.keys(wf.jobs[job]?.outputs ?? {}).includes(name)]).toEqual([out, true]);
    }
    expect(checked).toBeGreaterThanOrEqual(0);
  });
});

describe('release.yml: every wave, every call', () => {
  const wf = load('.github/workflows/release.yml');

  test('no job reads a fixed wave index: every planned service reaches the deploy step, whatever the depth', () => {
    expect(JSON.stringify(wf)).not.toMatch(/waves\)\[\d+\]/);
    const deploys = Object.entries<Yaml>(wf.jobs).filter(([, j]) =>
      j.steps?.some((s: Yaml) => String(s.uses).endsWith('/actions/deploy')),
    );
    expect(deploys).toHaveLength(1);
    const [, job] = deploys[0];
    expect(job.strategy).toBeUndefined();
    const step = job.steps.find((s: Yaml) => String(s.uses).endsWith('/actions/deploy'));
    expect(step.with.services).toBe('${{ needs.plan.outputs.services }}');
    // The images it deploys are every matrix job's, gathered by pattern, not by a list of names.
    const download = job.steps.find((s: Yaml) => String(s.uses).startsWith('actions/download-artifact@'));
    expect(download.with['merge-multiple']).toBe(true);
  });

  test('artifact names are unique per call (they carry the environment) and per matrix job', () => {
    for (const [name, job] of Object.entries<Yaml>(wf.jobs)) {
      for (const s of (job.steps ?? []).filter((x: Yaml) =>
        String(x.uses).startsWith('actions/upload-artifact@'),
      )) {
        const artifact = String(s.with.name);
        expect([name, artifact]).toEqual([name, expect.stringContaining('${{ inputs.environment }}')]);
        if (job.strategy?.matrix) {
          expect([name, artifact]).toEqual([name, expect.stringContaining('${{ matrix.service }}')]);
        }
      }
    }
    // Two calls in one run (staging, then production): their names differ in every upload.
    const names = (environment: string) =>
      Object.values<Yaml>(wf.jobs)
        .flatMap((j) => j.steps ?? [])
        .filter((s: Yaml) => String(s.uses).startsWith('actions/upload-artifact@'))
        .map((s: Yaml) => String(s.with.name).replaceAll('${{ inputs.environment }}', environment));
    const staging = names('staging');
    for (const n of names('production')) expect(staging).not.toContain(n);
  });

  test('the Cendence checkouts default to the called workflow, accept a token and keep no credentials', () => {
    for (const file of ['.github/workflows/release.yml', '.github/workflows/rollback.yml']) {
      const w = load(file);
      expect(w.on.workflow_call.secrets['cendence-token'].required).toBe(false);
      for (const job of Object.values<Yaml>(w.jobs)) {
        for (const s of (job.steps ?? []).filter((x: Yaml) =>
          String(x.uses).startsWith('actions/checkout@'),
        )) {
          expect([file, s.with?.['persist-credentials']]).toEqual([file, false]);
          if (s.with?.path === '.cendence-actions') {
            expect(s.with.repository).toMatch(/outputs\.(cendence-)?repository/);
            expect(s.with.ref).toMatch(/outputs\.(cendence-)?ref/);
            expect(s.with.token).toBe('${{ secrets.cendence-token || github.token }}');
          }
        }
      }
    }
    // The starters pass the Cendence commit once: in `uses:`.
    for (const file of files('pipelines/github')) {
      expect(readFileSync(join(ROOT, file), 'utf8')).not.toContain('cendence-ref');
    }
  });
});

describe('the Cendence source step, run as the runner runs a `run:` step (bash, curl, jq, node)', () => {
  const tools = ['bash', 'curl', 'jq'].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  (tools.length ? test.skip : test).each(['.github/workflows/release.yml', '.github/workflows/rollback.yml'])(
    "%s reads the called workflow's repository and commit from the OIDC token; inputs win",
    async (file) => {
      const wf = load(file);
      const step = Object.values<Yaml>(wf.jobs)
        .flatMap((j) => j.steps ?? [])
        .find((s: Yaml) => s.id === 'source');
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const sha = 'a'.repeat(40);
      const jwt = `${b64({ alg: 'RS256' })}.${b64({ job_workflow_ref: `cendence-org/cendence/${file}@refs/tags/v1.2.3`, job_workflow_sha: sha, aud: 'cendence-source' })}.sig`;
      const audiences: string[] = [];
      const server = createServer((req, res) => {
        audiences.push(String(new URL(req.url ?? '/', 'http://x').searchParams.get('audience')));
        res.end(JSON.stringify({ value: jwt }));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const dir = mkdtempSync(join(tmpdir(), 'cendence-source-step-'));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token?api-version=2.0`;
        const runStep = async (env: Record<string, string>) => {
          const out = join(dir, `out-${audiences.length}`);
          writeFileSync(out, '');
          const r = await new Promise<{ status: number | null }>((resolve) => {
            const p = spawn('bash', ['-e', '-c', step.run], {
              env: {
                ...process.env,
                ...env,
                GITHUB_OUTPUT: out,
                ACTIONS_ID_TOKEN_REQUEST_URL: url,
                ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't',
              },
            });
            p.on('close', (status) => resolve({ status }));
          });
          expect(r.status).toBe(0);
          return Object.fromEntries(
            readFileSync(out, 'utf8')
              .trim()
              .split('\n')
              .map((l) => l.split('=')),
          );
        };
        expect(await runStep({ REPOSITORY: '', REF: '' })).toEqual({
          repository: 'cendence-org/cendence',
          ref: sha,
        });
        expect(await runStep({ REPOSITORY: 'mirror/cendence', REF: 'b'.repeat(40) })).toEqual({
          repository: 'mirror/cendence',
          ref: 'b'.repeat(40),
        });
        expect(audiences[0]).toBe('cendence-source');
      } finally {
        server.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('concurrency: deploy and rollback of a service share one lock', () => {
  /** The group a job locks, for an environment and a list of services. */
  const group = (job: Yaml, environment: string, services: string) =>
    String(job.concurrency?.group ?? '')
      .replaceAll('${{ inputs.environment }}', environment)
      .replaceAll('${{ inputs.services }}', services);
  test('for every environment and every set of services, the groups are equal', () => {
    const release = load('.github/workflows/release.yml').jobs.deploy;
    const rollback = load('.github/workflows/rollback.yml').jobs.rollback;
    for (const env of ['staging', 'production']) {
      for (const services of ['auth', 'auth,game', 'frontend,auth,game,matchmaking,ai']) {
        const g = group(rollback, env, services);
        expect(g).not.toMatch(/\$\{\{/);
        for (const one of services.split(',')) expect(group(release, env, one)).toBe(g);
      }
    }
  });
});

// --- OIDC subjects against the Terraform trust policy ---------------------------------------------------

const GH = 'token.actions.githubusercontent.com';
const OWNER_REPO = 'transcendence-org/cendence';

interface Trigger {
  event: 'push' | 'pull_request' | 'workflow_dispatch';
  ref: string;
}
/** What GitHub puts in `sub` for a job (OIDC reference: environment first, then pull_request, then ref). */
function githubSubject(repo: string, trigger: Trigger, environment: string | undefined): string {
  if (environment) return `repo:${repo}:environment:${environment}`;
  if (trigger.event === 'pull_request') return `repo:${repo}:pull_request`;
  return `repo:${repo}:ref:${trigger.ref}`;
}

/** The triggers a workflow reacts to, as (event, ref) pairs a test can derive claims for. */
function triggersOf(wf: Yaml): Trigger[] {
  const out: Trigger[] = [];
  const on = wf.on ?? {};
  if ('push' in on) {
    for (const b of on.push?.branches ?? ['main', 'feature/x'])
      out.push({ event: 'push', ref: `refs/heads/${b}` });
    for (const t of on.push?.tags ?? [])
      out.push({ event: 'push', ref: `refs/tags/${t.replace('*', '1.0.0')}` });
  }
  if ('pull_request' in on) out.push({ event: 'pull_request', ref: 'refs/pull/7/merge' });
  if ('workflow_dispatch' in on) out.push({ event: 'workflow_dispatch', ref: 'refs/heads/main' });
  return out;
}

interface AssumingJob {
  where: string;
  environment?: string;
}
/** Jobs that assume a role (a Cendence action given role-to-assume), through any reusable workflow called. */
function assumingJobs(file: string, inputs: Record<string, string> = {}): AssumingJob[] {
  const wf = load(file);
  const resolve = (v: unknown) =>
    v === undefined
      ? undefined
      : String(v).replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_m, k) => inputs[k] ?? '');
  const jobs: AssumingJob[] = [];
  for (const [name, job] of Object.entries<Yaml>(wf.jobs)) {
    const called = String(job.uses ?? '').match(
      /\/cendence\/\.github\/workflows\/([\w.-]+)@|^\.\/\.github\/workflows\/([\w.-]+)$/,
    );
    if (called) {
      const given = Object.fromEntries(
        Object.entries<string>(job.with ?? {}).map(([k, v]) => [k, resolve(v) ?? '']),
      );
      jobs.push(
        ...assumingJobs(`.github/workflows/${called[1] ?? called[2]}`, given).map((j) => ({
          ...j,
          where: `${name} → ${j.where}`,
        })),
      );
      continue;
    }
    const assumes = (job.steps ?? []).some(
      (s: Yaml) => s.with?.['role-to-assume'] !== undefined && resolve(s.with['role-to-assume']) !== '',
    );
    if (assumes) jobs.push({ where: `${file}:${name}`, environment: resolve(job.environment) || undefined });
  }
  return jobs;
}

let main: TfModule;
let production: Record<string, Json>;
beforeAll(async () => {
  main = await loadModule(TF);
  production = await parseHcl(
    'production.tfvars',
    readFileSync(join(TF, 'environments/production.tfvars'), 'utf8'),
  );
});

describe('GitHub: the subject each job gets, against the trust policy', () => {
  test('every job that assumes a role runs in an environment (so it gets the environment subject)', () => {
    for (const file of files('.github/workflows')) {
      for (const j of assumingJobs(file, {
        'role-to-assume': 'arn:aws:iam::123456789012:role/x',
        environment: '${{ inputs.environment }}',
      })) {
        expect([j.where, j.environment]).toEqual([j.where, expect.any(String)]);
      }
    }
  });

  test('the starters: production deploys get in on main; nothing else does', () => {
    const { allows } = trustOf(main, 'github_trust', production);
    let allowed = 0;
    for (const file of files('pipelines/github')) {
      const wf = load(file);
      const jobs = assumingJobs(file, { AWS_ROLE_ARN: 'arn' });
      expect([file, jobs.length > 0]).toEqual([file, true]);
      for (const trigger of triggersOf(wf)) {
        for (const job of jobs) {
          // A dispatch input of type environment is the environment the person picks.
          const environment = job.environment === '' ? undefined : (job.environment ?? undefined);
          for (const picked of environment === undefined && wf.on.workflow_dispatch?.inputs?.environment
            ? ['production', 'staging']
            : [environment]) {
            const sub = githubSubject(OWNER_REPO, trigger, picked);
            const ok = allows({ [`${GH}:sub`]: sub, [`${GH}:aud`]: 'sts.amazonaws.com' });
            expect({ job: job.where, sub, ok }).toEqual({ job: job.where, sub, ok: picked === 'production' });
            if (ok) allowed++;
          }
        }
      }
    }
    expect(allowed).toBeGreaterThanOrEqual(3);
  });

  test('the previous release.yml images job (no environment) would have been refused: a ref subject', () => {
    const { allows } = trustOf(main, 'github_trust', production);
    const sub = githubSubject(OWNER_REPO, { event: 'push', ref: 'refs/heads/main' }, undefined);
    expect(allows({ [`${GH}:sub`]: sub, [`${GH}:aud`]: 'sts.amazonaws.com' })).toBe(false);
    expect(
      allows({
        [`${GH}:sub`]: githubSubject(OWNER_REPO, { event: 'pull_request', ref: '' }, undefined),
        [`${GH}:aud`]: 'sts.amazonaws.com',
      }),
    ).toBe(false);
  });

  test("GitHub's immutable subject format (repositories created after 2026-07-15): accepted when configured, and only then", () => {
    const immutable = 'transcendence-org@1234567/cendence@89012345';
    const vars = {
      ...production,
      github_oidc: { ...(production.github_oidc as Json), repository: immutable },
    };
    const { allows, conditions } = trustOf(main, 'github_trust', vars);
    expect(conditions[1].values).toEqual([`repo:${immutable}:environment:production`]);
    const claims = (sub: string) => ({ [`${GH}:sub`]: sub, [`${GH}:aud`]: 'sts.amazonaws.com' });
    expect(allows(claims(`repo:${immutable}:environment:production`))).toBe(true);
    // The name-based subject, another owner id, or another repository id: refused.
    expect(allows(claims(`repo:${OWNER_REPO}:environment:production`))).toBe(false);
    expect(allows(claims('repo:transcendence-org@7654321/cendence@89012345:environment:production'))).toBe(
      false,
    );
    expect(allows(claims('repo:transcendence-org@1234567/cendence@1:environment:production'))).toBe(false);
    expect(allows(claims(`repo:${immutable}:ref:refs/heads/main`))).toBe(false);
  });
});
