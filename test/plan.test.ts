// plan on a real git history made in a temp dir: which services a range selects, in what order, and the
// GitHub matrix / GitLab child pipeline it writes — driven through the step, as the CLI runs it.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { describeError, UserError } from '../shared/src/errors.js';
import { TerminalRunner } from '../shared/src/runner/terminal.js';
import { planStep } from '../shared/src/steps/plan.js';

let repo: string;
const commits: Record<string, string> = {};

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
};
const git = (...args: string[]) =>
  execFileSync('git', args, { cwd: repo, env: gitEnv, encoding: 'utf8' }).trim();

async function put(file: string, text: string) {
  await mkdir(path.dirname(path.join(repo, file)), { recursive: true });
  await writeFile(path.join(repo, file), text);
}
async function commit(label: string) {
  git('add', '-A');
  git('commit', '-q', '-m', label);
  commits[label] = git('rev-parse', 'HEAD');
}

async function plan(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}, cwd = repo) {
  const stream = new PassThrough();
  let log = '';
  stream.on('data', (c) => (log += c));
  const runner = new TerminalRunner({ stream });
  const ctx = { runner, signal: new AbortController().signal, env, cwd };
  const settings = await planStep.settings((n) => inputs[n], ctx);
  const result = await planStep.run(settings, ctx);
  return { result, outputs: planStep.outputValues(result), log };
}

beforeAll(async () => {
  repo = await mkdtemp(path.join(tmpdir(), 'cendence-plan-'));
  git('init', '-q', '-b', 'main');
  const svc = (name: string, extra = '') => put(`services/${name}/service.yml`, `name: ${name}\n${extra}`);
  for (const name of ['ai', 'auth', 'frontend', 'game', 'matchmaking']) {
    await put(`services/${name}/Dockerfile`, 'FROM scratch\nCOPY . /app\n');
    await put(`services/${name}/src/index.ts`, `export const name = '${name}';\n`);
  }
  await svc('ai');
  await svc('auth', 'build: { paths: [libs/proto] }\n');
  await svc('game', 'build: { paths: [libs/proto] }\ndependsOn: [auth]\n');
  await svc('matchmaking', 'dependsOn: [game, auth]\n');
  await svc('frontend', 'dependsOn: [game, matchmaking]\n');
  await put('libs/proto/messages.ts', 'export type Move = number;\n');
  await put('README.md', '# demo\n');
  await commit('initial');
  await put('services/game/src/index.ts', 'export const name = "game v2";\n');
  await commit('game');
  await put('libs/proto/messages.ts', 'export type Move = { y: number };\n');
  await commit('proto');
  await put('README.md', '# demo, documented\n');
  await commit('readme');
  await put('services/ai/src/index.ts', 'export const name = "ai v2";\n');
  await commit('ai');
});
afterAll(() => rm(repo, { recursive: true, force: true }));

describe('plan on a real git history', () => {
  it('defaults to the last commit: a change in ai selects ai only', async () => {
    const { result, outputs } = await plan({});
    expect(result.base).toBe(commits.readme);
    expect(result.head).toBe(commits.ai);
    expect(JSON.parse(outputs.services)).toEqual(['ai']);
    expect(outputs.count).toBe('1');
  });

  it('selects a changed service and, transitively, the services that depend on it, dependencies first', async () => {
    const { result, outputs } = await plan({ since: commits.initial, head: commits.game });
    expect(result.waves).toEqual([['game'], ['matchmaking'], ['frontend']]);
    expect(result.services.map((s) => [s.service, s.reasons[0]])).toEqual([
      ['game', 'service folder (1 file, e.g. services/game/src/index.ts)'],
      ['matchmaking', 'depends on game'],
      ['frontend', 'depends on game, matchmaking'],
    ]);
    expect(JSON.parse(outputs.matrix)).toEqual({
      include: [
        { service: 'game', dir: 'services/game', repository: 'game', wave: 0, dependsOn: [] },
        {
          service: 'matchmaking',
          dir: 'services/matchmaking',
          repository: 'matchmaking',
          wave: 1,
          dependsOn: ['game'],
        },
        {
          service: 'frontend',
          dir: 'services/frontend',
          repository: 'frontend',
          wave: 2,
          dependsOn: ['game', 'matchmaking'],
        },
      ],
    });
  });

  it('a change to a shared path selects every service that declares it, and their dependents', async () => {
    const { result } = await plan({ since: commits.game, head: commits.proto });
    expect(result.waves).toEqual([['auth'], ['game'], ['matchmaking'], ['frontend']]);
    expect(result.services[0].reasons).toEqual([
      'shared path libs/proto (1 file, e.g. libs/proto/messages.ts)',
    ]);
    expect(result.services[1].reasons).toEqual([
      'shared path libs/proto (1 file, e.g. libs/proto/messages.ts)',
    ]);
  });

  it('a change outside every service selects nothing, and the GitLab child pipeline says so', async () => {
    const file = path.join(repo, 'out', 'child.yml');
    const { outputs, log } = await plan({
      since: commits.proto,
      head: commits.readme,
      'gitlab-pipeline': file,
    });
    expect(outputs.count).toBe('0');
    expect(JSON.parse(outputs.matrix)).toEqual({ include: [] });
    expect(Object.keys(parse(await readFile(file, 'utf8')))).toEqual(['no-changes']);
    expect(log).toContain('no service is affected');
  });

  it('writes a GitLab child pipeline with a stage per wave and needs on planned dependencies', async () => {
    const file = path.join(repo, 'out', 'child.yml');
    const { outputs } = await plan({
      since: commits.initial,
      'gitlab-pipeline': file,
      'gitlab-extends': '.cendence-service',
      'gitlab-include': 'pipelines/gitlab/service.yml',
    });
    expect(JSON.parse(outputs.waves)).toEqual([['ai', 'auth'], ['game'], ['matchmaking'], ['frontend']]);
    const child = parse(await readFile(file, 'utf8'));
    expect(child.include).toEqual([{ local: 'pipelines/gitlab/service.yml' }]);
    expect(child.stages).toEqual(['wave-1', 'wave-2', 'wave-3', 'wave-4']);
    expect(child.matchmaking).toEqual({
      stage: 'wave-3',
      extends: '.cendence-service',
      needs: ['game', 'auth'],
      variables: { CENDENCE_SERVICES: 'matchmaking', CENDENCE_SERVICE_DIR: 'services/matchmaking' },
    });
    expect(child.ai.needs).toEqual([]);
  });

  it('plans named services in dependency order without reading git', async () => {
    const { result } = await plan({ services: 'frontend,auth' });
    expect(result.waves).toEqual([['auth'], ['frontend']]);
    expect(result.changedFiles).toBe(0);
  });

  it('rejects an unknown ref with the shallow-clone fix, and an unknown service', async () => {
    const err = await plan({ since: 'no-such-branch' }).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(describeError(err)).toContain("since: the base 'no-such-branch' is not in this clone");
    expect(describeError(err)).toContain('git fetch --no-tags origin no-such-branch');
    const unknown = await plan({ services: 'auth,chat' }).catch((e) => e);
    expect(describeError(unknown)).toBe(
      "services: unknown service 'chat' (known: ai, auth, frontend, game, matchmaking)\n  fix: use names of folders under services/ that hold a service.yml",
    );
  });
});

const ZERO = '0'.repeat(40);

describe('plan with no previous state (an all-zero base) and shallow clones', () => {
  it('on a new branch: plans what changed since the default branch', async () => {
    git('checkout', '-q', '-b', 'feature/ai-tweak');
    try {
      await put('services/ai/src/extra.ts', 'export const x = 1;\n');
      await commit('feature');
      const { result, log } = await plan({ since: ZERO }, { CI_DEFAULT_BRANCH: 'main' });
      expect(result.base).toBe(commits.ai);
      expect(result.services.map((s) => s.service)).toEqual(['ai']);
      expect(log).toContain('no previous commit (all-zero base): planning what changed since main');
    } finally {
      git('checkout', '-q', 'main');
    }
  });

  it('on the default branch itself (a tag or first push): every service, saying why', async () => {
    const { result, log } = await plan({ since: ZERO }, { CI_DEFAULT_BRANCH: 'main' });
    expect(result.base).toBeUndefined();
    expect(result.services.map((s) => s.service).sort()).toEqual([
      'ai',
      'auth',
      'frontend',
      'game',
      'matchmaking',
    ]);
    expect(log).toContain('head is on main itself, so every service is planned');
  });

  it('with no known default branch (GitHub event without one, no origin/HEAD): every service', async () => {
    const { result, log } = await plan({ since: '0'.repeat(64) });
    expect(result.services).toHaveLength(5);
    expect(log).toContain('the default branch is unknown');
  });

  it('a base missing from a shallow clone names the exact git fetch to run', async () => {
    const shallow = await mkdtemp(path.join(tmpdir(), 'cendence-shallow-'));
    try {
      execFileSync('git', ['clone', '-q', '--depth', '1', `file://${repo}`, shallow], { env: gitEnv });
      const err = await plan({ since: commits.initial }, {}, shallow).catch((e) => e);
      expect(err).toBeInstanceOf(UserError);
      expect(describeError(err)).toContain(
        `since: the base '${commits.initial}' is not in this clone (a shallow clone)`,
      );
      expect(describeError(err)).toContain(`git fetch --no-tags origin ${commits.initial} --deepen=50`);
      // Running the fix makes the plan work.
      execFileSync('git', ['fetch', '-q', '--no-tags', 'origin', commits.initial, '--deepen=50'], {
        cwd: shallow,
        env: gitEnv,
      });
      const { result } = await plan({ since: commits.initial }, {}, shallow);
      expect(result.services.length).toBeGreaterThan(0);
    } finally {
      await rm(shallow, { recursive: true, force: true });
    }
  });

  it('a child pipeline without extends runs our CLI, passing the builds record between build, test and push', async () => {
    const file = path.join(repo, '.cendence', 'child.yml');
    await plan({ since: commits.initial, 'gitlab-pipeline': file }, { GITLAB_CI: 'true' });
    const child = parse(await readFile(file, 'utf8'));
    expect(child.ai.script).toEqual([
      'cendence build --services ai --builds-file .cendence/builds-ai.json',
      'cendence test --builds .cendence/builds-ai.json',
      'cendence push --builds .cendence/builds-ai.json',
    ]);
    expect(JSON.stringify(child)).not.toContain('npx');
  });

  it('the deploy child pipeline: deploy and rollback with the environment when a service is affected, else a no-op', async () => {
    const file = path.join(repo, '.cendence', 'deploy-pipeline.yml');
    await plan({ since: commits.initial, 'gitlab-deploy-pipeline': file }, { GITLAB_CI: 'true' });
    const release = parse(await readFile(file, 'utf8'));
    expect(Object.keys(release)).toEqual(['stages', 'deploy', 'rollback']);
    expect(release.deploy.environment).toEqual({ name: '$CENDENCE_ENVIRONMENT', action: 'start' });
    const { log } = await plan(
      { since: commits.proto, head: commits.readme, 'gitlab-deploy-pipeline': file },
      { GITLAB_CI: 'true' },
    );
    const empty = parse(await readFile(file, 'utf8'));
    expect(Object.keys(empty)).toEqual(['nothing-to-deploy']);
    expect(JSON.stringify(empty)).not.toContain('environment');
    expect(log).toContain('nothing to deploy, no environment job');
    const err = await plan(
      { 'gitlab-deploy-pipeline': 'deploy.yml', all: 'true' },
      { GITLAB_CI: 'true' },
    ).catch((e) => e);
    expect(describeError(err)).toContain('gitlab-deploy-pipeline "deploy.yml" is outside .cendence/');
  });

  it('in GitLab, a child pipeline path outside .cendence/ (not kept as an artifact) is refused', async () => {
    const err = await plan({ 'gitlab-pipeline': 'child.yml', all: 'true' }, { GITLAB_CI: 'true' }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    expect(describeError(err)).toContain(
      'gitlab-pipeline: gitlab-pipeline "child.yml" is outside .cendence/',
    );
  });
});

describe('plan with a build context shared by several services (services/ as context)', () => {
  let shared: string;
  const sgit = (...args: string[]) =>
    execFileSync('git', args, { cwd: shared, env: gitEnv, encoding: 'utf8' }).trim();
  const sput = async (file: string, text: string) => {
    await mkdir(path.dirname(path.join(shared, file)), { recursive: true });
    await writeFile(path.join(shared, file), text);
  };
  const splan = async (since: string) => {
    const runner = new TerminalRunner({ stream: new PassThrough() });
    const ctx = { runner, signal: new AbortController().signal, env: {}, cwd: shared };
    return planStep.run(await planStep.settings((n) => ({ since })[n as 'since'], ctx), ctx);
  };

  beforeAll(async () => {
    shared = await mkdtemp(path.join(tmpdir(), 'cendence-plan-shared-'));
    sgit('init', '-q', '-b', 'main');
    await sput('services/.dockerignore', '**/dist\n');
    await sput('services/common/lib.ts', 'export const v = 1;\n');
    for (const name of ['pong', 'chat']) {
      await sput(
        `services/${name}/service.yml`,
        `name: ${name}\nbuild: { context: .., paths: [services/common] }\n`,
      );
      await sput(
        `services/${name}/Dockerfile`,
        `FROM scratch\nCOPY common/ common/\nCOPY ${name}/ ${name}/\n`,
      );
      await sput(`services/${name}/src/index.ts`, 'export {};\n');
    }
    sgit('add', '-A');
    sgit('commit', '-q', '-m', 'initial');
  });
  afterAll(() => rm(shared, { recursive: true, force: true }));

  it('selects only the service whose files changed, not every service sharing the context', async () => {
    const base = sgit('rev-parse', 'HEAD');
    await sput('services/chat/src/index.ts', 'export const chat = 2;\n');
    sgit('commit', '-q', '-am', 'chat');
    expect((await splan(base)).waves).toEqual([['chat']]);
    await sput('services/common/lib.ts', 'export const v = 2;\n');
    sgit('commit', '-q', '-am', 'common');
    const r = await splan(sgit('rev-parse', 'HEAD~1'));
    expect(r.waves).toEqual([['chat', 'pong']]);
    expect(r.services[0].reasons).toEqual([
      'build context (1 file, e.g. services/common/lib.ts)',
      'shared path services/common (1 file, e.g. services/common/lib.ts)',
    ]);
  });
});
