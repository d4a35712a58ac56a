// The whole release of the five Transcendence services (their real manifests and task definition templates)
// into the world terraform/ describes, under the deploy role each CI assumes with the identity token of the
// job that runs it: GitHub (token served the way the runner serves it) and GitLab (the id_tokens variable).
// Every call is authorised by the role's Terraform policy in the emulator; refusals (names Terraform does not
// create, a foreign execution role, the wrong job) end with exit 1 or 2, name the action and the resource,
// and leave nothing changed. Tasks are simulated (the emulator's behaviours). The two releases build, test
// (inside the images) and push the services for real with the Docker engine and the local base image, under
// the deploy role (the registry cache and the pushes are authorised by its Terraform policy); the second
// release's builds come from the engine's layer cache. Without Docker (or the base image) they deploy seeded
// images instead, and say so. The refusal cases deploy seeded images.
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { DescribeRulesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { githubClaims, gitlabClaims } from '../emulator/src/iam/ci-claims.js';
import { iamOf } from '../emulator/src/iam/state.js';
import { type Emulator, startEmulator } from '../emulator/src/index.js';
import { dockerStatus, removeImages } from '../harness/build-push.js';
import { VirtualTime } from '../harness/deploy-world.js';
import { runStep } from '../harness/render-world.js';
import { AwsClients } from '../shared/src/aws/clients.js';
import { isMutating } from '../shared/src/aws/operations.js';
import { buildStep } from '../shared/src/steps/build.js';
import { makeDeployStep } from '../shared/src/steps/deploy.js';
import { planStep } from '../shared/src/steps/plan.js';
import { pushStep } from '../shared/src/steps/push.js';
import { renderStep } from '../shared/src/steps/render.js';
import { makeRollbackStep } from '../shared/src/steps/rollback.js';
import { testStep } from '../shared/src/steps/test.js';
import { verifyStep } from '../shared/src/steps/verify.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const SERVICES = ['ai', 'auth', 'frontend', 'game', 'matchmaking'];
const REPO = 'transcendence-org/cendence';
const CLUSTER = 'transcendence-staging';
const BASE = process.env.CENDENCE_BASE_IMAGE ?? 'cendence/base:node20';

/** Why the releases cannot build for real here, or undefined when they can. */
function noRealBuild(): string | undefined {
  const docker = dockerStatus();
  if (!docker.ok) return docker.reason;
  try {
    execFileSync('docker', ['image', 'inspect', BASE], { stdio: 'ignore' });
  } catch {
    return `the base image ${BASE} is missing (.ci/base-image.sh makes it)`;
  }
  return undefined;
}
const NO_REAL_BUILD = noRealBuild();
if (NO_REAL_BUILD)
  console.warn(`release tests deploy seeded images, no real build/test/push: ${NO_REAL_BUILD}`);

interface World {
  emu: Emulator;
  root: string;
  outputsFile: string;
  time: VirtualTime;
  admin: AwsClients;
}

let w: World;
let tokenServer: http.Server | undefined;
let served = '';

/**
 * A copy of the repository's services and the Terraform outputs of the world: with `source`, the whole
 * services/ folder (without installed or built files) in a git repository, ready to build; otherwise the
 * manifests and templates, with images "pushed earlier" (v2 of every service) seeded in Terraform's repositories.
 */
async function world(tfvars = 'staging', source = false): Promise<World> {
  const emu = await startEmulator({
    terraform: {
      dir: path.join(REPO_ROOT, 'terraform'),
      varFiles: [path.join(REPO_ROOT, `terraform/environments/${tfvars}.tfvars`)],
    },
    throttling: false,
  });
  const root = await mkdtemp(path.join(tmpdir(), 'cendence-tf-release-'));
  if (source) {
    await cp(path.join(REPO_ROOT, 'services'), path.join(root, 'services'), {
      recursive: true,
      filter: (src) => !/[\\/](node_modules|dist|coverage)([\\/]|$)/.test(src),
    });
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=ci', '-c', 'user.email=ci@cendence.invalid', ...args], {
        cwd: root,
        stdio: 'pipe',
      });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'the services');
  } else {
    for (const s of SERVICES) {
      for (const f of ['service.yml', 'taskdef.json', 'Dockerfile']) {
        await cp(path.join(REPO_ROOT, 'services', s, f), path.join(root, 'services', s, f));
      }
    }
    await emu.seed({ repositories: SERVICES.map((s) => ({ name: `transcendence/${s}`, images: ['v2'] })) });
  }
  const outputsFile = path.join(root, 'infra.json');
  await writeFile(outputsFile, JSON.stringify(emu.terraform!.outputs));
  const admin = new AwsClients({
    region: emu.region,
    endpoint: emu.url,
    credentials: { accessKeyId: 'AKIDTERRAFORMADMIN', secretAccessKey: 'secret' },
  });
  return { emu, root, outputsFile, time: new VirtualTime(emu), admin };
}

async function stop(x: World | undefined): Promise<void> {
  if (!x) return;
  removeImages(`${x.emu.host}/*`);
  x.admin.destroy();
  await x.emu.stop();
  await rm(x.root, { recursive: true, force: true });
}

/** The runner's id-token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL): answers the token of the current job. */
beforeAll(async () => {
  tokenServer = http.createServer((req, res) => {
    const ok = req.headers.authorization === 'Bearer runner-request-token';
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    res.end(JSON.stringify(ok ? { value: served } : { message: 'bad request token' }));
  });
  await new Promise<void>((r) => tokenServer!.listen(0, '127.0.0.1', () => r()));
});
afterAll(async () => {
  await new Promise<void>((r) => tokenServer?.close(() => r()));
});
afterEach(async () => {
  await stop(w);
});

type Ci = 'github' | 'gitlab';

/** Environment and inputs of a CI job: its identity token, and the deploy role Terraform made for that CI. */
function job(ci: Ci, claims: Record<string, unknown>) {
  const token = w.emu.mintToken(claims);
  const port = (tokenServer!.address() as AddressInfo).port;
  const env: NodeJS.ProcessEnv =
    ci === 'github'
      ? {
          ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${port}/token`,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runner-request-token',
          GITHUB_RUN_ID: '4242',
        }
      : { CENDENCE_ID_TOKEN: token, CI_JOB_ID: '77' };
  served = token;
  const outputs = w.emu.terraform!.outputs;
  const inputs = {
    root: w.root,
    endpoint: w.emu.url,
    region: w.emu.region,
    'role-to-assume': outputs[`${ci}_deploy_role_arn`].value as string,
    'terraform-outputs': w.outputsFile,
  };
  return { env, inputs };
}

const imagesOf = (emu: Emulator, tag: string, repo = (s: string) => `transcendence/${s}`) =>
  JSON.stringify(Object.fromEntries(SERVICES.map((s) => [s, `${emu.host}/${repo(s)}:${tag}`])));

/** Calls refused by IAM, and mutating calls that succeeded after the first refusal. */
function afterRefusal(emu: Emulator) {
  const calls = emu.calls();
  const denied = calls.filter((c) => c.error === 'AccessDeniedException' || c.error === 'AccessDenied');
  const first = denied[0]?.seq ?? Number.POSITIVE_INFINITY;
  const mutated = calls
    .filter((c) => c.seq > first && !c.error && c.operation !== 'AssumeRoleWithWebIdentity')
    .filter((c) => isMutating(c.service as never, c.operation))
    .map((c) => `${c.service}.${c.operation}`);
  return { denied, mutated };
}

async function taskDefinitions(): Promise<Record<string, string>> {
  const out = await w.admin.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: SERVICES }));
  return Object.fromEntries(
    (out.services ?? []).map((s) => [s.serviceName, s.taskDefinition!.split('/').pop()!]),
  );
}

describe.each<[Ci, () => Record<string, unknown>]>([
  ['github', () => githubClaims(w.emu, { repository: REPO, ref: 'refs/heads/main' })],
  ['gitlab', () => gitlabClaims(w.emu, { projectPath: 'transcendence/cendence', ref: 'main' })],
])('a release under the %s deploy role', (ci, claims) => {
  // Up to 300 s: five real images built, tested inside and pushed while other suites run beside it.
  it('plans, builds, tests, pushes, renders, verifies, deploys (rolling + blue/green, auth migration first) and rolls back', async () => {
    const real = !NO_REAL_BUILD;
    w = await world('staging', real);
    const { env, inputs } = job(ci, claims());
    const cwd = w.root;

    const plan = await runStep(planStep, { root: w.root, all: 'true' }, { cwd, env });
    expect(plan.error).toBeUndefined();
    expect(JSON.parse(plan.outputs.services).sort()).toEqual(SERVICES);

    let images = imagesOf(w.emu, 'v2');
    if (real) {
      // The images job: build (registry cache in Terraform's repositories), test inside the images, push.
      const started = Date.now();
      const engineEnv = { ...env, PATH: process.env.PATH, HOME: process.env.HOME };
      // The registry cache of the final image only (min): it still reads and writes Terraform's repositories
      // under the role, without pushing every build stage as well (max), which this test does not need.
      const engine = { network: 'host', 'build-args': `BASE_IMAGE=${BASE}`, 'cache-mode': 'min' };
      const build = await runStep(buildStep, { ...inputs, ...engine }, { cwd, env: engineEnv });
      expect(build.error).toBeUndefined();
      expect(JSON.parse(build.outputs.built).sort()).toEqual(SERVICES);
      const built = Date.now();
      const test = await runStep(testStep, { builds: build.outputs.builds }, { cwd, env: engineEnv });
      expect(test.error).toBeUndefined();
      expect(test.outputs.passed).toBe('true');
      const tested = Date.now();
      const push = await runStep(
        pushStep,
        { ...inputs, ...engine, builds: build.outputs.builds },
        { cwd, env: engineEnv },
      );
      expect(push.error).toBeUndefined();
      images = push.outputs.images;
      // Digest-pinned, in the repositories Terraform created.
      for (const s of SERVICES)
        expect(JSON.parse(images)[s]).toMatch(
          new RegExp(`^${w.emu.host}/transcendence/${s}(:[^@]+)?@sha256:`),
        );
      process.stdout.write(
        `${ci} release: build ${built - started} ms, test ${tested - built} ms, push ${Date.now() - tested} ms (${Object.values(
          JSON.parse(build.outputs.builds) as Record<
            string,
            { service: string; seconds: number; status: string }
          >,
        )
          .map((b) => `${b.service} ${b.status} ${b.seconds.toFixed(1)} s`)
          .join(', ')})\n`,
      );
    }
    const render = await runStep(
      renderStep,
      { ...inputs, images, 'output-dir': path.join(cwd, 'td') },
      { cwd, env },
    );
    expect(render.error).toBeUndefined();
    const auth = JSON.parse(await readFile(JSON.parse(render.outputs['task-definitions']).auth, 'utf8'));
    // Every name comes from Terraform: no placeholder survives in what would be registered.
    expect(auth.family).toBe('transcendence-staging-auth');
    expect(auth.executionRoleArn).toBe(w.emu.terraform!.outputs.execution_role_arn.value);
    expect(auth.containerDefinitions[0].logConfiguration.options['awslogs-group']).toBe(
      '/ecs/transcendence-staging/auth',
    );
    expect(auth.containerDefinitions[0].secrets.map((s: { valueFrom: string }) => s.valueFrom)).toEqual([
      `${w.emu.terraform!.outputs.database_secret_arn.value}:username::`,
      `${w.emu.terraform!.outputs.database_secret_arn.value}:password::`,
    ]);

    const verify = await runStep(verifyStep, { ...inputs, images }, { cwd, env });
    expect(verify.error).toBeUndefined();

    const deploy = await runStep(
      makeDeployStep(w.time),
      { ...inputs, images, 'output-dir': path.join(cwd, 'd1') },
      { cwd, env },
    );
    expect(deploy.error).toBeUndefined();
    expect(deploy.log).toContain(
      `assumed arn:aws:sts::${w.emu.accountId}:assumed-role/transcendence-staging-${ci}-deploy/`,
    );
    expect(Object.values(await taskDefinitions()).sort()).toEqual(
      SERVICES.map((s) => `transcendence-staging-${s}:2`),
    );
    // The frontend went blue/green: production traffic moved to the target group that was idle (green).
    const tf = w.emu.terraform!.outputs.services.value.frontend;
    const rule = await w.admin.elbv2.send(
      new DescribeRulesCommand({ RuleArns: [tf.listener_rules.production] }),
    );
    const weights = Object.fromEntries(
      rule.Rules![0].Actions![0].ForwardConfig!.TargetGroups!.map((t) => [t.TargetGroupArn, t.Weight]),
    );
    expect(weights).toEqual({ [tf.target_groups.blue]: 0, [tf.target_groups.green]: 100 });
    const runTask = w.emu.calls({ operation: 'RunTask' });
    expect(runTask).toHaveLength(1); // the auth migration, before auth's UpdateService
    const authUpdate = w.emu.calls({ operation: 'UpdateService' }).find((c) => c.seq > runTask[0].seq);
    expect(authUpdate).toBeDefined();

    // A later job (manual rollback), with its own token: the first one expired during the release.
    const later = job(ci, claims());
    const rollback = await runStep(
      makeRollbackStep(w.time),
      { ...later.inputs, services: 'game', 'output-dir': path.join(cwd, 'rb') },
      { cwd, env: later.env },
    );
    expect(rollback.error).toBeUndefined();
    expect((await taskDefinitions()).game).toBe('transcendence-staging-game:1');

    // Every call was made with the role's session and allowed by its Terraform policy.
    const calls = w.emu
      .calls()
      .filter((c) => c.operation !== 'AssumeRoleWithWebIdentity' && c.accessKeyId !== 'AKIDTERRAFORMADMIN');
    // Only the "not there yet" answers a release expects: GetLogEvents before the migration's log stream
    // exists, the build asking whether the commit's image was pushed already, the registry's blob checks, and
    // the registry's 401 challenge to the docker client's first anonymous request (it then sends the token).
    const expected = [
      'ResourceNotFoundException',
      'ImageNotFoundException',
      'BLOB_UNKNOWN',
      'MANIFEST_UNKNOWN',
      'UNAUTHORIZED',
    ];
    expect(calls.filter((c) => c.error && !expected.includes(c.error))).toEqual([]);
    // API calls carry the session's key; the registry's /v2/ requests carry the token it was given for them
    // (authorised as that session too: a refusal would be a DENIED error above).
    const api = calls.filter((c) => c.accessKeyId !== undefined);
    expect(api.every((c) => c.accessKeyId?.startsWith('ASIA'))).toBe(true);
    expect(calls.filter((c) => c.accessKeyId === undefined && c.service !== 'ecr')).toEqual([]);
    const operations = new Set(calls.map((c) => c.operation));
    for (const op of [
      ...(real ? ['GetAuthorizationToken', 'PutImage', 'SimulatePrincipalPolicy'] : []),
      'DescribeClusters',
      'DescribeImages',
      'RegisterTaskDefinition',
      'RunTask',
      'UpdateService',
    ])
      expect(operations).toContain(op);
  }, 300_000);
});

describe('refusals', () => {
  const run = async (mutate: (root: string) => Promise<void>, images?: (emu: Emulator) => string) => {
    w = await world();
    await mutate(w.root);
    const { env, inputs } = job('github', githubClaims(w.emu, { repository: REPO }));
    return runStep(
      makeDeployStep(w.time),
      {
        ...inputs,
        images: (images ?? ((e) => imagesOf(e, 'v2')))(w.emu),
        'output-dir': path.join(w.root, 'd'),
      },
      { cwd: w.root, env },
    );
  };
  const edit = async (file: string, change: (text: string) => string) => {
    await writeFile(file, change(await readFile(file, 'utf8')));
  };

  it('a manifest cluster Terraform does not create: verify names the refused action and resource', async () => {
    const r = await run((root) =>
      edit(path.join(root, 'services/game/service.yml'), (t) =>
        t.replace('deploy:\n', 'deploy:\n  cluster: transcendence\n'),
      ),
    );
    expect(r.exitCode).toBe(2);
    expect(r.error?.message).toContain(
      'ecs:DescribeClusters on resource: arn:aws:ecs:eu-west-3:123456789012:cluster/transcendence',
    );
    expect(r.error?.message).toContain('services/game/service.yml deploy.cluster');
    expect(afterRefusal(w.emu).mutated).toEqual([]);
    expect(w.emu.calls({ operation: 'RegisterTaskDefinition' })).toEqual([]);
  });

  it('a repository Terraform does not create: verify names it and the refused ECR read', async () => {
    const r = await run(
      (root) =>
        edit(path.join(root, 'services/game/service.yml'), (t) =>
          t.replace('repository: transcendence/game', 'repository: game'),
        ),
      // The image the push step would have printed for repository "game".
      (e) => JSON.stringify({ ...JSON.parse(imagesOf(e, 'v2')), game: `${e.host}/game:v2` }),
    );
    expect(r.exitCode).toBe(2);
    expect(r.error?.message).toContain(
      'ecr:DescribeImages on resource: arn:aws:ecr:eu-west-3:123456789012:repository/game',
    );
    expect(r.error?.message).toContain(
      'ECR repository "game" is not the one terraform/ created ("transcendence/game")',
    );
    expect(afterRefusal(w.emu).mutated).toEqual([]);
    expect(w.emu.calls({ operation: 'RegisterTaskDefinition' })).toEqual([]);
  });

  it('a task family or execution role that is not Terraform’s is named before any change', async () => {
    const r = await run(async (root) => {
      await edit(path.join(root, 'services/auth/taskdef.json'), (t) =>
        t.replace(
          '{\n',
          '{\n  "family": "transcendence-auth",\n  "executionRoleArn": "arn:aws:iam::123456789012:role/transcendence-ecs-execution",\n',
        ),
      );
    });
    expect(r.exitCode).toBe(2);
    expect(r.error?.message).toContain(
      'task family "transcendence-auth" is not the one terraform/ created ("transcendence-staging-auth")',
    );
    expect(r.error?.message).toContain(
      'execution role "arn:aws:iam::123456789012:role/transcendence-ecs-execution"',
    );
    expect(w.emu.calls({ mutates: true }).filter((c) => c.operation !== 'AssumeRoleWithWebIdentity')).toEqual(
      [],
    );
  });

  it('without verify, IAM itself refuses passing a foreign execution role, and nothing is deployed', async () => {
    w = await world();
    await edit(path.join(w.root, 'services/auth/taskdef.json'), (t) =>
      t.replace(
        '{\n',
        '{\n  "executionRoleArn": "arn:aws:iam::123456789012:role/transcendence-ecs-execution",\n',
      ),
    );
    const { env, inputs } = job('github', githubClaims(w.emu, { repository: REPO }));
    const r = await runStep(
      makeDeployStep(w.time),
      {
        ...inputs,
        services: 'auth',
        verify: 'false',
        images: imagesOf(w.emu, 'v2'),
        'output-dir': path.join(w.root, 'd'),
      },
      { cwd: w.root, env },
    );
    expect(r.exitCode).toBe(1);
    expect(r.error?.message ?? r.log).toMatch(
      /not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role\/transcendence-ecs-execution/,
    );
    expect(afterRefusal(w.emu).mutated).toEqual([]);
    expect((await taskDefinitions()).auth).toBe('transcendence-staging-auth:1');
  });

  /** The deploy role's policies as IAM holds them (an administrator may add a deny, or trim a statement). */
  const policiesOf = (ci: Ci) => {
    const arn = w.emu.terraform!.outputs[`${ci}_deploy_role_arn`].value as string;
    return iamOf(w.emu.world).roles.get(arn)!.policies;
  };

  it('a service the deploy role may not update: verify names the write IAM would refuse, before any change', async () => {
    w = await world();
    const game = `arn:aws:ecs:eu-west-3:123456789012:service/${CLUSTER}/game`;
    const infra = w.emu.terraform!.outputs.ecs_infrastructure_role_arn?.value as string | undefined;
    policiesOf('github').push({
      name: 'freeze',
      document: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Deny', Action: 'ecs:UpdateService', Resource: game },
          ...(infra ? [{ Effect: 'Deny' as const, Action: 'iam:PassRole', Resource: infra }] : []),
        ],
      },
    });
    const { env, inputs } = job('github', githubClaims(w.emu, { repository: REPO }));
    const r = await runStep(verifyStep, { ...inputs, images: imagesOf(w.emu, 'v2') }, { cwd: w.root, env });
    expect(r.exitCode).toBe(2);
    expect(r.error?.message).toContain(
      `services/game/service.yml deploy.service: the deploy role arn:aws:iam::123456789012:role/transcendence-staging-github-deploy may not perform ecs:UpdateService on resource: ${game} (an explicit deny)`,
    );
    if (infra) {
      expect(r.error?.message).toContain(
        `services/frontend/service.yml deploy.blueGreen.roleArn: the deploy role arn:aws:iam::123456789012:role/transcendence-staging-github-deploy may not perform iam:PassRole on resource: ${infra}`,
      );
    }
    // Reads only (the simulator among them), and nothing else was refused: the role may read all of it.
    expect(afterRefusal(w.emu).denied).toEqual([]);
    expect(w.emu.calls({ mutates: true }).filter((c) => c.operation !== 'AssumeRoleWithWebIdentity')).toEqual(
      [],
    );
    expect(w.emu.calls({ operation: 'SimulatePrincipalPolicy' }).length).toBeGreaterThan(0);

    // deploy runs the same verify first: refused, nothing registered or updated.
    const d = await runStep(
      makeDeployStep(w.time),
      { ...inputs, images: imagesOf(w.emu, 'v2'), 'output-dir': path.join(w.root, 'd') },
      { cwd: w.root, env: job('github', githubClaims(w.emu, { repository: REPO })).env },
    );
    expect(d.exitCode).toBe(2);
    expect(d.error?.message).toContain(`ecs:UpdateService on resource: ${game}`);
    expect(w.emu.calls({ mutates: true }).filter((c) => c.operation !== 'AssumeRoleWithWebIdentity')).toEqual(
      [],
    );
  });

  it('a deploy role that may not simulate its policies: verify warns naming the permission, checks the rest', async () => {
    w = await world();
    for (const p of policiesOf('gitlab')) {
      const doc = p.document!;
      const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
      doc.Statement = statements.filter((s) => s.Sid !== 'SimulateDeployRoles');
    }
    const { env, inputs } = job(
      'gitlab',
      gitlabClaims(w.emu, { projectPath: 'transcendence/cendence', ref: 'main' }),
    );
    const r = await runStep(verifyStep, { ...inputs, images: imagesOf(w.emu, 'v2') }, { cwd: w.root, env });
    expect(r.error).toBeUndefined();
    expect(r.log).toContain(
      'may not call iam:SimulatePrincipalPolicy on itself; grant it in terraform/ci_identity.tf',
    );
    expect(r.log).toContain('ok: cluster transcendence-staging is ACTIVE');
  });

  it.each([
    ['a job without environment assuming the production role', 'production', { repository: REPO }],
    ['a token for another repository', 'staging', { repository: 'someone/fork' }],
    ['an expired token', 'staging', { repository: REPO, expiresIn: -30 }],
  ])('%s: STS refuses, nothing is called', async (_what, env, jobSpec) => {
    w = await world(env);
    const { env: jobEnv, inputs } = job('github', githubClaims(w.emu, jobSpec));
    const r = await runStep(
      makeDeployStep(w.time),
      { ...inputs, images: imagesOf(w.emu, 'v2'), 'output-dir': path.join(w.root, 'd') },
      { cwd: w.root, env: jobEnv },
    );
    expect([1, 2]).toContain(r.exitCode);
    expect(r.error?.message).toMatch(/sts:AssumeRoleWithWebIdentity|Token expired/);
    expect(w.emu.calls().map((c) => c.operation)).toEqual(['AssumeRoleWithWebIdentity']);
  });
});
