import { describe, expect, it } from '@jest/globals';
import { UserError } from '../errors.js';
import { manifestSchema, type ServiceManifest } from '../manifest/schema.js';
import { renderFromTemplate } from './render.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const API_IMAGE = `123456789012.dkr.ecr.eu-west-3.amazonaws.com/api@${DIGEST}`;
const ROLE = 'arn:aws:iam::123456789012:role/api-exec';

function manifest(deploy: Record<string, unknown> = {}): ServiceManifest {
  const m = manifestSchema.parse({ name: 'api', deploy: { cluster: 'prod', ...deploy } });
  return { ...m, file: 'services/api/service.yml', dir: 'services/api' };
}

function template(over: Record<string, unknown> = {}, container: Record<string, unknown> = {}) {
  return {
    family: 'api',
    cpu: '256',
    memory: '512',
    executionRoleArn: ROLE,
    containerDefinitions: [{ name: 'api', image: '<IMAGE>', essential: true, ...container }],
    ...over,
  };
}

function render(t: unknown, m = manifest(), images: Record<string, string> = { api: API_IMAGE }) {
  return renderFromTemplate(t, {
    manifest: m,
    root: '/repo',
    images,
    region: 'eu-west-3',
    templateFile: 'services/api/taskdef.json',
  });
}

function renderError(t: unknown, m = manifest(), images?: Record<string, string>): UserError {
  try {
    render(t, m, images);
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('render succeeded but should have failed');
}

describe('render: a valid template', () => {
  it('fills the image, merges manifest env and secrets, and applies Fargate and logging defaults', () => {
    const m = manifest({
      environment: { LOG_LEVEL: 'debug', PORT: '8080' },
      secrets: { DB_PASSWORD: 'arn:aws:ssm:eu-west-3:123456789012:parameter/api/db-password' },
    });
    const t = template({ cpu: '1 vCPU', memory: '2 GB' }, { environment: [{ name: 'PORT', value: '80' }] });
    const r = render(t, m);
    const [c] = r.taskDefinition.containerDefinitions!;
    expect(c.image).toBe(API_IMAGE);
    expect(c.environment).toEqual([
      { name: 'LOG_LEVEL', value: 'debug' },
      { name: 'PORT', value: '8080' },
    ]);
    expect(c.secrets).toEqual([
      { name: 'DB_PASSWORD', valueFrom: 'arn:aws:ssm:eu-west-3:123456789012:parameter/api/db-password' },
    ]);
    expect(c.logConfiguration).toEqual({
      logDriver: 'awslogs',
      options: {
        'awslogs-group': '/ecs/prod/api',
        'awslogs-region': 'eu-west-3',
        'awslogs-stream-prefix': 'api',
        mode: 'non-blocking',
      },
    });
    expect(r.taskDefinition).toMatchObject({
      cpu: '1024',
      memory: '2048',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
    });
    expect(r.warnings).toEqual([]);
  });

  it('fills several containers from one images map with <IMAGE:name> placeholders', () => {
    const proxy = `127.0.0.1:4566/proxy@${DIGEST}`;
    const t = template({}, {});
    (t.containerDefinitions as unknown[]).push({ name: 'proxy', image: '<IMAGE:proxy>', essential: false });
    const r = render(t, manifest(), { api: API_IMAGE, proxy });
    expect(r.images).toEqual({ api: API_IMAGE, proxy });
  });

  it('accepts a task definition downloaded from AWS and warns about the removed describe-only keys', () => {
    const t = {
      ...template(),
      taskDefinitionArn: 'arn:aws:ecs:eu-west-3:123456789012:task-definition/api:4',
      revision: 4,
      status: 'ACTIVE',
      compatibilities: ['EC2', 'FARGATE'],
      requiresAttributes: [],
      registeredAt: 1700000000,
    };
    const r = render(t);
    expect(r.taskDefinition).not.toHaveProperty('revision');
    expect(r.warnings[0]).toMatch(/removed describe-only keys .*taskDefinitionArn/);
  });

  it('warns, without failing, when an image is not pinned by digest', () => {
    const r = render(template({}, { image: 'public.ecr.aws/nginx/nginx:1.27' }), manifest(), {});
    expect(r.warnings.join('\n')).toMatch(/not pinned by digest/);
  });
});

describe('render: bad input names the field and the fix', () => {
  const cases: [string, () => UserError, RegExp, RegExp][] = [
    [
      'unknown container named in the manifest',
      () => renderError(template(), manifest({ container: 'web' })),
      /deploy\.container: no container named "web".*containers: api/,
      /one of: api/,
    ],
    [
      'cpu/memory pair Fargate does not offer',
      () => renderError(template({ cpu: '256', memory: '4096' })),
      /memory: memory "4096" is not allowed with cpu 256/,
      /512, 1024, 2048/,
    ],
    [
      'missing image',
      () => renderError(template({}, { image: undefined }), manifest(), {}),
      /containerDefinitions\[api\]\.image: is missing/,
      /<IMAGE>/,
    ],
    [
      'image placeholder without an image in input images',
      () => renderError(template(), manifest(), {}),
      /needs the image of service "api"/,
      /"api": "<registry>\/api@sha256:<digest>"/,
    ],
    [
      'duplicate container names',
      () =>
        renderError({
          ...template(),
          containerDefinitions: [
            { name: 'api', image: '<IMAGE>' },
            { name: 'api', image: 'x' },
          ],
        }),
      /duplicate container name "api"/,
      /unique name/,
    ],
    [
      'no essential container',
      () => renderError(template({}, { essential: false })),
      /no container is essential/,
      /"essential": true/,
    ],
    [
      'bad family name',
      () => renderError(template({ family: 'api v2' })),
      /family: "api v2" is not a valid family name/,
      /255 letters/,
    ],
    [
      'plaintext secret in environment',
      () => renderError(template(), manifest({ environment: { DB_PASSWORD: 'hunter2' } })),
      /services\/api\/service\.yml deploy\.environment\.DB_PASSWORD: looks like a secret/,
      /deploy\.secrets/,
    ],
    [
      'a password inside a URL, whatever the variable is called',
      () =>
        renderError(template(), manifest({ environment: { DATABASE_URL: 'postgres://app:pw@db:5432/app' } })),
      /deploy\.environment\.DATABASE_URL: looks like a URL with a password in it/,
      /deploy\.secrets.*secrets\[\]\.valueFrom.*deploy\.allowPlaintext/,
    ],
    [
      'a token in the template environment',
      () =>
        renderError(
          template({}, { environment: [{ name: 'GH', value: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' }] }),
        ),
      /containerDefinitions\[api\]\.environment\.GH: looks like a GitHub token/,
      /valueFrom/,
    ],
    [
      'secret valueFrom that is a literal',
      () => renderError(template(), manifest({ secrets: { API_KEY: 'sk live 123' } })),
      /services\/api\/service\.yml deploy\.secrets\.API_KEY: valueFrom is neither/,
      /SSM parameter ARN/,
    ],
    [
      'secret valueFrom of another service',
      () => renderError(template({}, { secrets: [{ name: 'X', valueFrom: 'arn:aws:s3:::bucket/key' }] })),
      /is not an SSM parameter or Secrets Manager secret ARN/,
      /Secrets Manager ARN/,
    ],
    [
      'missing execution role',
      () => renderError(template({ executionRoleArn: undefined })),
      /executionRoleArn: is missing/,
      /task execution role ARN/,
    ],
    [
      'a network mode Fargate rejects',
      () => renderError(template({ networkMode: 'bridge' })),
      /networkMode: "bridge"/,
      /awsvpc/,
    ],
    [
      'missing containerDefinitions',
      () => renderError({ family: 'api' }),
      /containerDefinitions: is missing/,
      /"containerDefinitions"/,
    ],
    [
      'a typo in a top-level key',
      () => renderError(template({ memroy: '512' })),
      /memroy: is not a task definition field/,
      /allowed: family/,
    ],
    [
      'an images value that is not an image',
      () => renderError(template(), manifest(), { api: 'not an image' }),
      /images\.api: "not an image"/,
      /push step/,
    ],
  ];

  cases.push(
    [
      'containers whose memory limits exceed the task',
      () => renderError(template({}, { memory: 1024 })),
      /containerDefinitions\[\*\]\.memory: containers' hard memory limits add up to 1024 MiB, more than the task's 512/,
      /memoryReservation/,
    ],
    [
      'ephemeral storage outside Fargate range',
      () => renderError(template({ ephemeralStorage: { sizeInGiB: 500 } })),
      /ephemeralStorage\.sizeInGiB: 500 is outside/,
      /21 to 200/,
    ],
    [
      'dependsOn COMPLETE on an essential container',
      () =>
        renderError({
          ...template({}, { dependsOn: [{ containerName: 'init', condition: 'COMPLETE' }] }),
          containerDefinitions: [
            { name: 'api', image: '<IMAGE>', dependsOn: [{ containerName: 'init', condition: 'COMPLETE' }] },
            { name: 'init', image: '<IMAGE>' },
          ],
        }),
      /condition COMPLETE on essential container "init" can never be met/,
      /"essential": false/,
    ],
  );

  it.each(cases)('%s', (_name, act, message, fix) => {
    const err = act();
    expect(err.exitCode).toBe(2);
    expect(err.where).toBe('services/api/taskdef.json');
    expect(err.message).toMatch(message);
    expect(`${err.message}\n${err.fix}`).toMatch(fix);
  });

  it('reports every problem at once', () => {
    const err = renderError(
      template({ cpu: '300', family: 'bad name', executionRoleArn: undefined }, { essential: false }),
    );
    expect(err.message).toMatch(/4 problems/);
    for (const field of ['family', 'cpu', 'executionRoleArn', 'containerDefinitions'])
      expect(err.message).toContain(`- ${field}`);
  });

  describe('deploy.allowPlaintext (issue 16 item 9)', () => {
    it('keeps a listed variable in plaintext, and still refuses the others', () => {
      const env = { JWT_PUBLIC_KEY: 'not-secret-public-key', DB_PASSWORD: 'hunter2' };
      const err = renderError(template(), manifest({ environment: env, allowPlaintext: ['JWT_PUBLIC_KEY'] }));
      expect(err.message).toMatch(/DB_PASSWORD/);
      expect(err.message).not.toMatch(/JWT_PUBLIC_KEY/);
      const ok = render(
        template(),
        manifest({ environment: { JWT_PUBLIC_KEY: 'x-y-z' }, allowPlaintext: ['JWT_PUBLIC_KEY'] }),
      );
      expect(ok.taskDefinition.containerDefinitions?.[0]?.environment).toContainEqual({
        name: 'JWT_PUBLIC_KEY',
        value: 'x-y-z',
      });
    });
  });
});
