// Bad inputs found by the adversarial run and the newcomer walk-through (issue 16): each must end with
// exit 2, a message naming the place and the fix, and no mutating AWS call. Grouped by the item they
// prove; docs/reliability.md maps each item to its cases.
import { buildStep } from '../shared/src/steps/build.js';
import { pushStep } from '../shared/src/steps/push.js';
import { renderStep } from '../shared/src/steps/render.js';
import { makeRollbackStep } from '../shared/src/steps/rollback.js';
import { runTaskStep } from '../shared/src/steps/run-task.js';
import { testStep } from '../shared/src/steps/test.js';
import type { DeployWorld } from '../test/deploy-harness.js';
import { rollingService } from '../test/deploy-harness.js';
import { fargateTemplate } from '../test/render-world.js';
import { type Act, api, type Case, deployApi, refuses, withDeploy, withTaskdef } from './world.js';

const rollback = (w: DeployWorld, inputs: Record<string, string>): Act => ({
  step: makeRollbackStep(w.time),
  inputs: { ...w.awsInputs, ...inputs },
});
const render = (w: DeployWorld, inputs: Record<string, string>): Act => ({
  step: renderStep,
  inputs: {
    root: w.root,
    region: w.emu.region,
    images: JSON.stringify({ api: `${w.emu.host}/api:v2` }),
    ...inputs,
  },
});
const runTask = (w: DeployWorld, inputs: Record<string, string>): Act => ({
  step: runTaskStep,
  inputs: { ...w.awsInputs, service: 'api', ...inputs },
});

/** A builds record as the build step writes it, for the push cases. */
const built = (w: DeployWorld, over: Record<string, unknown> = {}) =>
  JSON.stringify({
    api: {
      service: 'api',
      repository: 'api',
      image: `${w.emu.host}/api`,
      contentTag: 'c-0123456789abcdef',
      gitTag: 'abc1234',
      status: 'built',
      seconds: 1,
      ...over,
    },
  });
const push = (w: DeployWorld, builds: string): Act => ({
  step: pushStep,
  inputs: { region: w.emu.region, endpoint: w.emu.url, builds },
});

/** A template environment variable holding `value`, for the secret-by-value cases. */
const envValue = (name: string, value: string) =>
  withTaskdef(
    fargateTemplate('api', {
      networkMode: 'awsvpc',
      containerDefinitions: [
        { name: 'api', image: '<IMAGE>', essential: true, environment: [{ name, value }] },
      ],
    }),
  );

/** Message must match `shown` and must not contain `hidden` (file content that must never be echoed). */
const without = (shown: string, hidden: string) => new RegExp(`^(?![\\s\\S]*${hidden})[\\s\\S]*${shown}`);

/** An alias bomb: nine levels of nine aliases (9^9 nodes if expanded). */
const aliasBomb = () => {
  const lines = ['name: api', 'a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 9; i++) {
    const [prev, cur] = [String.fromCharCode(96 + i), String.fromCharCode(97 + i)];
    lines.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  return `${lines.join('\n')}\n`;
};

async function writeManifest(w: DeployWorld, name: string, text: string): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(`${w.root}/services/${name}/service.yml`, text);
}

const NO_CREDENTIALS: Record<string, string | undefined> = {
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_CONFIG_FILE: '/nonexistent/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
};

/** Runs a case with the SDK's default credential chain finding nothing (process.env is what it reads). */
function withoutCredentials(c: Case): Case {
  return {
    ...c,
    async run() {
      const saved = Object.fromEntries(Object.keys(NO_CREDENTIALS).map((k) => [k, process.env[k]]));
      const set = (vars: Record<string, string | undefined>) => {
        for (const [k, v] of Object.entries(vars)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      };
      try {
        // The world needs keys to start; the case's act removes them just before the step runs.
        return await c.run();
      } finally {
        set(saved);
      }
    },
  };
}

export const HARDENING: Case[] = [
  // Item 5: a revision of another family.
  refuses(
    'B21',
    'rollback --to-revision names a revision of another family',
    /to-revision: worker:1 is a revision of "worker", but api runs "api"/,
    undefined,
    (w) => rollback(w, { services: 'api', 'to-revision': 'worker:1' }),
    [api(), rollingService('worker')],
  ),
  refuses(
    'B22',
    'rollback --to-revision of a family that does not exist',
    /to-revision: .*ghost:1 does not exist/,
    undefined,
    (w) => rollback(w, { services: 'api', 'to-revision': 'ghost:1' }),
  ),
  refuses(
    'B23',
    'rollback --to-revision that is not a revision',
    /to-revision: "api" is not a task definition/,
    undefined,
    (w) => rollback(w, { services: 'api', 'to-revision': 'api' }),
  ),
  refuses(
    'B24',
    'rollback with both --to-revision and --to-image',
    /only one of record-file, to-revision, to-image/,
    undefined,
    (w) => rollback(w, { services: 'api', 'to-revision': 'api:1', 'to-image': `${w.emu.host}/api:v1` }),
  ),

  // Item 6: the builds record, checked before any push.
  refuses(
    'B25',
    'push: a builds record whose repository differs from its image path',
    /builds: builds\.api\.image ".*\/api" is not in repository "other"/,
    undefined,
    (w) => push(w, built(w, { repository: 'other' })),
  ),
  refuses(
    'B26',
    'push: a builds record with an unknown status',
    /builds\.api\.status must be built or reused \(got "pending"\)/,
    undefined,
    (w) => push(w, built(w, { status: 'pending' })),
  ),
  refuses(
    'B27',
    'push: a builds record with a field missing',
    /builds\.api\.contentTag is missing/,
    undefined,
    (w) => push(w, built(w, { contentTag: undefined })),
  ),
  refuses(
    'B28',
    'push: --services names a service not in builds',
    /service 'web' is not in builds/,
    undefined,
    (w) => ({
      ...push(w, built(w)),
      inputs: { ...push(w, built(w)).inputs, services: 'web' },
    }),
  ),

  // Item 7: the exit-code contract.
  refuses(
    'B29',
    'AWS_ENDPOINT_URL that is not a URL',
    /AWS_ENDPOINT_URL: is not an http\(s\) URL \(fix: /,
    undefined,
    (w) => ({
      ...deployApi(w, 'v2', { endpoint: '' }),
      env: { AWS_ENDPOINT_URL: 'not-a-url' },
    }),
  ),
  refuses(
    'B30',
    'an endpoint input that is not http(s)',
    /endpoint: is not an http\(s\) URL/,
    undefined,
    (w) => deployApi(w, 'v2', { endpoint: 'ftp://127.0.0.1:21' }),
  ),
  refuses(
    'B31',
    'AWS_ENDPOINT_URL_ECS that is not a URL',
    /AWS_ENDPOINT_URL_ECS: is not an http\(s\) URL/,
    undefined,
    (w) => ({
      ...deployApi(w, 'v2'),
      env: { AWS_ENDPOINT_URL_ECS: '127.0.0.1:4566' },
    }),
  ),
  refuses(
    'B32',
    'a YAML alias bomb in a manifest (the file is named)',
    /services\/api\/service\.yml: cannot be read as YAML: Excessive alias count/,
    undefined,
    async (w) => {
      await writeManifest(w, 'api', aliasBomb());
      return deployApi(w, 'v2');
    },
  ),
  refuses('B33', 'render --root that is a file', /root: \/etc\/passwd is not a folder/, undefined, (w) =>
    render(w, { root: '/etc/passwd' }),
  ),
  refuses(
    'B34',
    'render --root of a system folder with no services',
    /no service manifests found under services\//,
    undefined,
    (w) => render(w, { root: '/etc' }),
  ),
  refuses(
    'B35',
    'render --output-dir under a file',
    /output-dir: \/etc\/passwd\/x cannot be made: \/etc\/passwd is a file/,
    undefined,
    (w) => render(w, { 'output-dir': '/etc/passwd/x' }),
  ),
  refuses('B36', 'deploy --output-dir under a file', /output-dir: .* is a file/, undefined, (w) =>
    deployApi(w, 'v2', { 'output-dir': '/etc/hostname/records' }),
  ),
  withoutCredentials(
    refuses(
      'B37',
      'no AWS credentials anywhere',
      /credentials: no AWS credentials found .*\(fix: in CI pass role-to-assume/,
      undefined,
      (w) => {
        for (const [k, v] of Object.entries(NO_CREDENTIALS)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
        return deployApi(w, 'v2');
      },
    ),
  ),

  // Item 8: limits AWS enforces, enforced before the call.
  refuses(
    'B38',
    'a task definition above 64 KiB',
    /size: is \d+\.\d KiB of JSON; ECS accepts at most 64 KiB/,
    envValue('BIG', 'x'.repeat(100_000)),
    (w) => deployApi(w, 'v2'),
  ),
  refuses(
    'B39',
    'run-task overrides above 8 KiB',
    /command: the command makes \d+\.\d KiB of RunTask overrides; ECS accepts at most 8 KiB/,
    undefined,
    (w) => runTask(w, { command: JSON.stringify(['sh', '-c', 'echo '.repeat(2000)]) }),
  ),
  refuses(
    'B40',
    'desiredCount of 1e8',
    /deploy\.desiredCount: must be ≤ 5000/,
    withDeploy({ desiredCount: 100_000_000 }),
    (w) => deployApi(w, 'v2'),
  ),
  refuses(
    'B41',
    'duplicate keys in a task definition template',
    /taskdef\.json:\d+:\d+: not valid JSON: duplicate key "cpu"/,
    withTaskdef(
      '{"family": "api", "cpu": "256", "cpu": "4096", "memory": "512", "containerDefinitions": []}',
    ),
    (w) => deployApi(w, 'v2'),
  ),
  refuses(
    'B42',
    'duplicate keys in the images input',
    /input "images" is not valid JSON: duplicate key "api"/,
    undefined,
    (w) => ({
      ...deployApi(w, 'v2'),
      inputs: {
        ...deployApi(w, 'v2').inputs,
        images: `{"api": "${w.emu.host}/api:v1", "api": "${w.emu.host}/api:v2"}`,
      },
    }),
  ),
  refuses(
    'B43',
    'deploy.taskDefinition outside the repository',
    /deploy\.taskDefinition: must stay inside the repository/,
    withDeploy({ taskDefinition: '../../../../etc/passwd' }),
    (w) => deployApi(w, 'v2'),
  ),
  refuses(
    'B44',
    'a desiredCount that is not a whole number',
    /deploy\.desiredCount/,
    withDeploy({ desiredCount: 1.5 }),
    (w) => deployApi(w, 'v2'),
  ),

  // Item 9: plaintext secrets found by their value.
  ...(
    [
      [
        'B45',
        'a database URL with a password',
        'DATABASE_URL',
        'postgres://app:pw@db.internal:5432/app',
        /URL with a password/,
      ],
      ['B46', 'a GitHub token', 'GH', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', /GitHub token/],
      ['B47', 'a Stripe live key', 'PAYMENTS', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc', /Stripe live key/],
      [
        'B48',
        'a bearer JWT',
        'UPSTREAM_HEADER',
        'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhcGkifQ.c2lnbmF0dXJl',
        /JSON Web Token/,
      ],
      [
        'B49',
        'a Slack webhook',
        'NOTIFY',
        'https://hooks.slack.com/services/T0001/B0001/abcdefghijkl',
        /Slack webhook/,
      ],
      ['B50', 'PGPASS in plaintext', 'PGPASS', 'correct-horse', /secret \(by its name\)/],
      ['B51', 'APP_PWD in plaintext', 'APP_PWD', 'correct-horse', /secret \(by its name\)/],
      ['B52', 'a PEM private key', 'TLS', '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB', /PEM private key/],
      [
        'B53',
        'a random key under a secret-like name',
        'SESSION_SALT',
        'q8Z$w2!xP0vL9#mB4rT7yK1n',
        /generated key/,
      ],
      [
        'B54',
        'a redis URL with a password and no user',
        'CACHE',
        'redis://:s3cret@cache:6379/0',
        /URL with a password/,
      ],
    ] as const
  ).map(([id, title, name, value, what]) =>
    refuses(
      id,
      `plaintext secret by value: ${title}`,
      new RegExp(`environment\\.${name}: looks like .*${what.source}.*secrets`),
      envValue(name, value),
      (w) => deployApi(w, 'v2'),
    ),
  ),
  refuses(
    'B55',
    'a manifest variable with a password in its URL',
    /deploy\.environment\.DATABASE_URL: looks like a URL with a password/,
    withDeploy({ environment: { DATABASE_URL: 'mysql://root:toor@db/app' } }),
    (w) => deployApi(w, 'v2'),
  ),

  // Item 11: file inputs never echo their content.
  refuses(
    'B56',
    '--images pointing at /etc/passwd names the file, never its content',
    without('/etc/passwd:1:1: not valid JSON', 'root:'),
    undefined,
    (w) => ({
      ...deployApi(w, 'v2'),
      inputs: { ...deployApi(w, 'v2').inputs, images: '/etc/passwd' },
    }),
  ),
  refuses(
    'B57',
    '--record-file pointing at /etc/passwd',
    without('/etc/passwd:1:1: not valid JSON', 'root:'),
    undefined,
    (w) => rollback(w, { services: 'api', 'record-file': '/etc/passwd' }),
  ),
  refuses(
    'B58',
    '--builds pointing at /etc/passwd',
    without('/etc/passwd:1:1: not valid JSON', 'root:'),
    undefined,
    (w) => push(w, '/etc/passwd'),
  ),
  refuses(
    'B59',
    'a run-task command that is broken JSON holding a token',
    without('input "command" is not valid JSON', 'hunter2'),
    undefined,
    (w) => runTask(w, { command: '["migrate", "--password=hunter2' }),
  ),

  // Item 14: one bad manifest, only its own errors.
  refuses(
    'B60',
    "a bad field in api does not make web's dependsOn [api] an error",
    without('deploy\\.strategy: must be one of', 'dependsOn'),
    withDeploy({ strategy: 'yolo' }),
    (w) => deployApi(w, 'v2'),
    [api(), rollingService('web', {}, ['api'])],
  ),
  refuses(
    'B61',
    'a deploy.* field error points at the deploy docs',
    /deploy\.timeoutSeconds.*docs\/steps\/deploy\.md/,
    withDeploy({ timeoutSeconds: -1 }),
    (w) => deployApi(w, 'v2'),
  ),

  // Item 15: a region the world is not in.
  refuses(
    'B62',
    '--region eu-west-1 against a world in us-east-1 changes nothing there',
    /cluster|main|not found|does not exist/i,
    undefined,
    (w) => deployApi(w, 'v2', { region: 'eu-west-1' }),
  ),

  // Item 10: an input with terminal control characters is refused and echoed defused.
  refuses(
    'B63',
    'a service name with escape sequences is echoed defused',
    without("unknown service '\\\\x1b\\[2Kok'", '\u001b'),
    undefined,
    (w) => deployApi(w, 'v2', { services: 'api\r\x1b[2Kok' }),
  ),

  // More everyday mistakes, each exit 2 before any change.
  refuses('B64', 'an images input whose value is not a string', /images/, undefined, (w) => ({
    ...deployApi(w, 'v2'),
    inputs: { ...deployApi(w, 'v2').inputs, images: '{"api": 42}' },
  })),
  refuses(
    'B65',
    'a manifest field with a typo',
    /deploy\.strateggy: unknown field/,
    withDeploy({ strateggy: 'rolling' }),
    (w) => deployApi(w, 'v2'),
  ),
  refuses(
    'B66',
    'a privileged container',
    /privileged/,
    withTaskdef(
      fargateTemplate('api', {
        containerDefinitions: [{ name: 'api', image: '<IMAGE>', essential: true, privileged: true }],
      }),
    ),
    (w) => deployApi(w, 'v2'),
  ),
  refuses(
    'B67',
    'an execution role that is not a role ARN',
    /executionRoleArn/,
    withTaskdef(fargateTemplate('api', { executionRoleArn: 'ecsTaskExecutionRole' })),
    (w) => deployApi(w, 'v2'),
  ),
  refuses(
    'B68',
    'a secret valueFrom that is a literal value',
    /valueFrom/,
    withDeploy({ secrets: { DB_PASSWORD: 'hunter2 plain' } }),
    (w) => deployApi(w, 'v2'),
  ),
  refuses('B69', 'run-task with a container the task definition lacks', /container|ghost/i, undefined, (w) =>
    runTask(w, { container: 'ghost', command: 'migrate' }),
  ),
  refuses('B70', 'rollback with an output folder under a file', /output-dir: .* is a file/, undefined, (w) =>
    rollback(w, { services: 'api', 'output-dir': '/etc/hostname/x' }),
  ),
  refuses(
    'B71',
    'build --builds-file under a file, refused before any build',
    /builds-file: .*\/etc\/hostname is a file/,
    undefined,
    (w) => ({
      step: buildStep,
      inputs: {
        root: w.root,
        region: w.emu.region,
        endpoint: w.emu.url,
        'git-sha': 'a'.repeat(40),
        'builds-file': '/etc/hostname/builds.json',
      },
    }),
  ),
  refuses(
    'B72',
    'test --junit-dir under a file, refused before any test runs',
    /junit-dir: .*\/etc\/hostname is a file/,
    undefined,
    (w) => ({
      step: testStep,
      inputs: { root: w.root, builds: built(w), 'junit-dir': '/etc/hostname/junit' },
    }),
  ),
];
