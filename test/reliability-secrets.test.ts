// SEC-5 / SEC-6 (docs/reliability.md): every credential is masked before anything can print it, and no
// secret reaches a log line, an output, an artifact (deployment record, diagnosis files, GitLab dotenv,
// summary) or a child process's argv or environment — with debug logging on.
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { type Emulator, startEmulator } from '../emulator/src/index.js';
import { type DeployWorld, deployWorld, imagesInput, rollingService } from '../harness/deploy-world.js';
import { runStep } from '../harness/render-world.js';
import { AwsClients } from '../shared/src/aws/clients.js';
import { exitCodeOf } from '../shared/src/errors.js';
import { DockerEngine } from '../shared/src/image/docker.js';
import { ecrLogin } from '../shared/src/registry/ecr-auth.js';
import { withRegistryLogin } from '../shared/src/registry/session.js';
import { GitHubRunner } from '../shared/src/runner/github.js';
import { GitLabRunner } from '../shared/src/runner/gitlab.js';
import { makeDeployStep } from '../shared/src/steps/deploy.js';

const ROLE = 'arn:aws:iam::123456789012:role/cendence-deploy';

function jwt(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.${Buffer.from('sig-0123456789').toString('base64url')}`;
}

/** Every file under a folder, as text (the artifacts a CI job would upload). */
async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(await readFile(path.join(e.parentPath, e.name), 'utf8'));
  }
  return out;
}

describe('SEC-6 docker login: the ECR password only on stdin, logout afterwards', () => {
  let emu: Emulator;
  let aws: AwsClients;
  let shim: string;
  let stdout: string[];
  const saved = { ...process.env };

  beforeAll(async () => {
    emu = await startEmulator();
    aws = new AwsClients({
      region: emu.region,
      endpoint: emu.url,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
    // A docker shim that records argv, environment and stdin of each call, and succeeds.
    shim = await mkdtemp(path.join(tmpdir(), 'cendence-docker-shim-'));
    await writeFile(
      path.join(shim, 'docker'),
      [
        '#!/bin/sh',
        `n=$(ls '${shim}' | grep -c '^call-')`,
        `d='${shim}'/call-$n; mkdir "$d"`,
        `printf '%s\\n' "$*" > "$d/argv"`,
        `env > "$d/env"`,
        `if [ "$1" = login ]; then cat > "$d/stdin"; fi`,
        'exit 0',
        '',
      ].join('\n'),
    );
    await chmod(path.join(shim, 'docker'), 0o755);
  });
  afterAll(async () => {
    aws.destroy();
    await emu.stop();
    await rm(shim, { recursive: true, force: true });
  });
  afterEach(() => {
    process.env = { ...saved };
    jest.restoreAllMocks();
  });

  it('on GitHub with step debug on: ::add-mask:: comes first, the password is never in argv, env or the log', async () => {
    process.env.RUNNER_DEBUG = '1';
    process.env.ACTIONS_STEP_DEBUG = 'true';
    stdout = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk));
      return true;
    });
    const runner = new GitHubRunner();
    const auth = await ecrLogin(aws, runner);
    const token = Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
    const engine = new DockerEngine({ ...process.env, PATH: `${shim}:${process.env.PATH}` });
    let configDir = '';
    await withRegistryLogin(engine, auth, async (dir) => {
      configDir = dir;
      // What a careless debug line in the push path would print: the runner must hide it.
      runner.debug(`login ${JSON.stringify(auth)} token ${token}`);
      runner.info(`pushing to ${auth.registry}`);
    });
    jest.restoreAllMocks();

    const out = stdout.join('');
    // Both the token and the decoded password are registered before any other line is written.
    const firstLines = out.split('\n').slice(0, 2).sort();
    expect(firstLines).toEqual([`::add-mask::${auth.password}`, `::add-mask::${token}`].sort());
    expect(out.split(auth.password)).toHaveLength(2); // only inside its own add-mask command
    expect(out.split(token)).toHaveLength(2);
    expect(out).toContain('::debug::login {"registry"');
    expect(out).toContain('"password":"***"');

    const calls = (await readdir(shim)).filter((d) => d.startsWith('call-')).sort();
    const argv = await Promise.all(calls.map((c) => readFile(path.join(shim, c, 'argv'), 'utf8')));
    expect(argv.map((a) => a.trim())).toEqual([
      `login --username AWS --password-stdin ${auth.registry}`,
      `logout ${auth.registry}`,
    ]);
    expect(await readFile(path.join(shim, calls[0], 'stdin'), 'utf8')).toBe(auth.password);
    for (const c of calls) {
      const env = await readFile(path.join(shim, c, 'env'), 'utf8');
      expect(env.includes(auth.password)).toBe(false);
      expect(env.includes(token)).toBe(false);
      expect(env).toContain(`DOCKER_CONFIG=${configDir}`);
    }
    // The private config folder (where docker stores the credential) is gone after logout.
    expect(existsSync(configDir)).toBe(false);
  });
});

describe('SEC-5 a failed OIDC deploy on GitLab with CI_DEBUG_TRACE: no credential in any output', () => {
  let w: DeployWorld | undefined;
  afterEach(async () => {
    await w?.stop();
    w = undefined;
  });

  it('the id token and the STS session keys are masked; log, dotenv, summary, record and diagnosis hold none', async () => {
    w = await deployWorld([rollingService('api')]);
    w.emu.behavior({ image: '*api:bad', behavior: 'crash', exitCode: 3, logLines: ['boot failed'] });
    const idToken = jwt({
      aud: 'sts.amazonaws.com',
      sub: 'project_path:g/p:ref_type:branch:ref:main',
      exp: Math.floor(Date.now() / 1000) + 600,
    });
    const reports = await mkdtemp(path.join(tmpdir(), 'cendence-gitlab-reports-'));
    const stream = new PassThrough();
    let log = '';
    stream.on('data', (c) => (log += c));
    const env = {
      CI_DEBUG_TRACE: 'true',
      CENDENCE_ID_TOKEN: idToken,
      CI_JOB_ID: '99',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'static-key-that-must-not-be-used-00000',
    };
    const masked: string[] = [];
    const runner = new (class extends GitLabRunner {
      override mask(secret: string): void {
        masked.push(secret);
        super.mask(secret);
      }
    })({
      env,
      stream,
      dotenvFile: path.join(reports, 'cendence.env'),
      summaryFile: path.join(reports, 'summary.md'),
    });
    const step = makeDeployStep(w.time);
    const inputs: Record<string, string> = {
      ...w.awsInputs,
      images: imagesInput(w.emu, { api: 'bad' }),
      'role-to-assume': ROLE,
    };
    const ctx = { runner, env, cwd: w.root, signal: new AbortController().signal };
    let exitCode = 0;
    try {
      const settings = await step.settings((n) => inputs[n], ctx);
      const result = await step.run(settings, ctx);
      for (const [k, v] of Object.entries(step.outputValues(result))) runner.setOutput(k, v);
    } catch (err) {
      exitCode = exitCodeOf(err);
    }

    expect(exitCode).toBe(1);
    expect(w.emu.calls({ operation: 'AssumeRoleWithWebIdentity' })).toHaveLength(1);
    // The id token, the session's secret key and session token were all masked.
    expect(masked).toContain(idToken);
    expect(masked.length).toBeGreaterThanOrEqual(3);
    const artifacts = [log, ...(await filesUnder(reports)), ...(await filesUnder(w.awsInputs['output-dir']))];
    expect(artifacts.length).toBeGreaterThanOrEqual(4); // log, summary, record, diagnosis
    for (const text of artifacts) {
      for (const s of [...masked, env.AWS_SECRET_ACCESS_KEY]) expect(text.includes(s)).toBe(false);
    }
    expect(log).toContain('rolled-back');
    await rm(reports, { recursive: true, force: true });
  });
});

describe('SEC-5 credentials printed by a crashing container', () => {
  let w: DeployWorld | undefined;
  afterEach(async () => {
    await w?.stop();
    w = undefined;
  });
  const leakyLine = 'connecting to postgres://app:S3cretPassw0rd@db:5432/app';

  // A crash loop that prints its database URL must not put the password in the CI log, the job summary
  // or diagnosis-<svc>.json/.md: the diagnosis redacts log lines as run-task does.
  it('deploy diagnosis redacts them in the log and the diagnosis files', async () => {
    w = await deployWorld([rollingService('api')]);
    w.emu.behavior({ image: '*api:bad', behavior: 'crash', exitCode: 1, logLines: [leakyLine] });
    const run = await runStep(
      makeDeployStep(w.time),
      { ...w.awsInputs, images: imagesInput(w.emu, { api: 'bad' }) },
      { cwd: w.root, debug: true },
    );
    expect(run.exitCode).toBe(1);
    const files = await filesUnder(w.awsInputs['output-dir']);
    for (const text of [run.log, ...files]) expect(text).not.toContain('S3cretPassw0rd');
  });
});
