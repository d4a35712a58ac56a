import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { describeError, UserError } from '../errors.js';
import { loadManifest, loadManifests } from './load.js';

let root: string;

async function service(name: string, yml: string, opts: { dockerfile?: boolean } = {}) {
  const dir = path.join(root, 'services', name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'service.yml'), yml);
  if (opts.dockerfile !== false) await writeFile(path.join(dir, 'Dockerfile'), 'FROM scratch\n');
}

/** The one line a user reads for the error thrown while loading. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(2);
    return describeError(err).split('\n  fix:')[0];
  }
  throw new Error('expected a UserError');
}

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'cendence-manifest-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('loadManifests', () => {
  it('loads valid manifests with defaults, sorted by name, with file and dir', async () => {
    await service('game', 'name: game\n');
    await service('auth', 'name: auth\ndependsOn: [game]\nbuild: { args: { MODE: prod } }\n');
    const ms = loadManifests(root);
    expect(ms.map((m) => m.name)).toEqual(['auth', 'game']);
    expect(ms[0]).toMatchObject({
      file: 'services/auth/service.yml',
      dir: 'services/auth',
      dependsOn: ['game'],
      build: { dockerfile: 'Dockerfile', context: '.', args: { MODE: 'prod' }, paths: [] },
    });
  });

  const cases: [string, string, string][] = [
    [
      'an unknown strategy',
      'name: auth\ndeploy: { cluster: c, strategy: blue }\n',
      "services/auth/service.yml: deploy.strategy: must be one of rolling, blue-green, canary, linear, codedeploy (got 'blue')",
    ],
    [
      'a name with capitals',
      'name: Auth\n',
      "services/auth/service.yml: name: must be lowercase letters, digits and dashes, starting with a letter (got 'Auth')",
    ],
    ['a missing name', 'repository: auth\n', 'services/auth/service.yml: name: is required (a string)'],
    [
      'an unknown top-level field',
      'name: auth\nimage: foo\n',
      'services/auth/service.yml: image: unknown field (allowed: name, repository, build, test, dependsOn, deploy)',
    ],
    [
      'an unknown nested field',
      'name: auth\nbuild: { dockerFile: Dockerfile }\n',
      'services/auth/service.yml: build.dockerFile: unknown field (allowed in build: dockerfile, context, args, target, paths)',
    ],
    [
      'a test command given as a string',
      'name: auth\ntest: { command: npm test }\n',
      "services/auth/service.yml: test.command: must be a list (got 'npm test')",
    ],
    [
      'an empty test command',
      'name: auth\ntest: { command: [] }\n',
      'services/auth/service.yml: test.command: must have at least 1 item (got a list)',
    ],
    [
      'a negative desired count',
      'name: auth\ndeploy: { cluster: c, desiredCount: -1 }\n',
      'services/auth/service.yml: deploy.desiredCount: must be ≥ 0 (got -1)',
    ],
    [
      'a fractional timeout',
      'name: auth\ndeploy: { cluster: c, timeoutSeconds: 1.5 }\n',
      'services/auth/service.yml: deploy.timeoutSeconds: must be a whole number (got 1.5)',
    ],
    [
      'a non-string build arg',
      'name: auth\nbuild: { args: { PORT: 8080 } }\n',
      'services/auth/service.yml: build.args.PORT: must be a string (got 8080)',
    ],
    [
      'a name that does not match the folder',
      'name: authn\n',
      "services/auth/service.yml: name: must match the folder name 'auth' (got 'authn')",
    ],
    [
      'invalid YAML',
      'name: auth\ndeploy: [unclosed\n',
      'services/auth/service.yml: invalid YAML at line 3: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
    [
      'a list instead of a mapping',
      '- name: auth\n',
      'services/auth/service.yml: must be a YAML mapping with at least a name field',
    ],
    [
      'a build context outside the repository',
      'name: auth\nbuild: { context: ../../.. }\n',
      "services/auth/service.yml: build.context: must stay inside the repository (got '../../..')",
    ],
  ];
  it.each(cases)(
    'rejects %s with a message naming file, field and what is allowed',
    async (_what, yml, message) => {
      await service('auth', yml);
      expect(errorOf(() => loadManifests(root))).toBe(message);
    },
  );

  it('rejects a missing Dockerfile', async () => {
    await service('auth', 'name: auth\n', { dockerfile: false });
    expect(errorOf(() => loadManifests(root))).toBe(
      'services/auth/service.yml: build.dockerfile: Dockerfile not found: services/auth/Dockerfile',
    );
  });

  it('rejects a dependency on an unknown service, naming the known ones', async () => {
    await service('auth', 'name: auth\n');
    await service('game', 'name: game\ndependsOn: [auth, ai]\n');
    expect(errorOf(() => loadManifests(root))).toBe(
      "services/game/service.yml: dependsOn[1]: no service named 'ai' (known: auth, game)",
    );
  });

  it('rejects a dependency cycle, showing it', async () => {
    await service('a', 'name: a\ndependsOn: [b]\n');
    await service('b', 'name: b\ndependsOn: [c]\n');
    await service('c', 'name: c\ndependsOn: [a]\n');
    expect(errorOf(() => loadManifests(root))).toBe(
      'services/a/service.yml: dependsOn: dependency cycle: a → b → c → a',
    );
  });

  it('reports the problems of every manifest at once', async () => {
    await service('auth', 'name: auth\ndeploy: { cluster: c, strategy: blue }\n');
    await service('game', 'name: game\nbuild: { paths: [/etc] }\n');
    expect(errorOf(() => loadManifests(root))).toBe(
      [
        '2 problems in service manifests:',
        "  services/auth/service.yml: deploy.strategy: must be one of rolling, blue-green, canary, linear, codedeploy (got 'blue')",
        "  services/game/service.yml: build.paths[0]: must be a path relative to the repository root (got '/etc')",
      ].join('\n'),
    );
  });

  it('says where manifests are expected when there are none', async () => {
    expect(errorOf(() => loadManifests(root))).toBe(
      `${path.join(root, 'services')}: no service manifests found under services/ (expected services/<name>/service.yml)`,
    );
  });
});

describe('loadManifest', () => {
  it('loads one file relative to the root', async () => {
    await service('ai', 'name: ai\ntest: { command: [npm, test], junit: /app/junit.xml }\n');
    const m = loadManifest('services/ai/service.yml', root);
    expect(m.test).toEqual({ command: ['npm', 'test'], junit: '/app/junit.xml', env: {} });
  });
});

describe('one bad manifest, and only its own errors (issue 16 items 7, 8, 14)', () => {
  function errorObject(fn: () => unknown): UserError {
    try {
      fn();
    } catch (err) {
      return err as UserError;
    }
    throw new Error('expected a UserError');
  }

  it('a bad field in game does not make auth’s dependsOn [game] an error', async () => {
    await service('game', 'name: game\ndeploy: { cluster: c, strategy: yolo }\n');
    await service('auth', 'name: auth\ndependsOn: [game]\n');
    const e = errorObject(() => loadManifests(root));
    expect(e.message).toMatch(/deploy\.strategy/);
    expect(e.message).not.toMatch(/dependsOn|auth/);
    expect(e.where).toBe('services/game/service.yml');
  });

  it.each([
    ['deploy.strategy', 'name: api\ndeploy: { cluster: c, strategy: yolo }\n', 'docs/steps/deploy.md'],
    [
      'deploy.environment',
      'name: api\ndeploy: { cluster: c, environment: { A: [1] } }\n',
      'docs/steps/render.md',
    ],
    ['build.target', 'name: api\nbuild: { target: [x] }\n', 'docs/steps/build.md'],
    ['test.command', 'name: api\ntest: { command: [] }\n', 'docs/steps/test.md'],
    ['dependsOn', 'name: api\ndependsOn: [Bad]\n', 'docs/steps/plan.md'],
  ])('the fix for %s points at %s', async (_f, yml, page) => {
    await service('api', yml);
    const e = errorObject(() => loadManifests(root));
    expect(e.fix).toContain(page);
    for (const other of ['plan', 'deploy', 'render', 'build', 'test'].map((p) => `docs/steps/${p}.md`))
      if (other !== page) expect(e.fix).not.toContain(other);
  });

  it('names the file of a YAML alias bomb, and does not expand it', async () => {
    const lines = ['name: api', 'a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const [prev, cur] = [String.fromCharCode(96 + i), String.fromCharCode(97 + i)];
      lines.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    await service('api', `${lines.join('\n')}\n`);
    expect(errorOf(() => loadManifests(root))).toMatch(
      /^services\/api\/service\.yml: cannot be read as YAML: Excessive alias count/,
    );
  });

  it('refuses a deploy.taskDefinition outside the repository, as build.context is', async () => {
    await service('api', 'name: api\ndeploy: { cluster: c, taskDefinition: ../../../etc/passwd }\n');
    expect(errorOf(() => loadManifests(root))).toBe(
      "services/api/service.yml: deploy.taskDefinition: must stay inside the repository (got '../../../etc/passwd')",
    );
  });

  it('refuses a desiredCount above what ECS runs per service', async () => {
    await service('api', 'name: api\ndeploy: { cluster: c, desiredCount: 100000000 }\n');
    expect(errorOf(() => loadManifests(root))).toMatch(/deploy\.desiredCount: must be ≤ 5000/);
  });
});
