// diff against the emulator through the real SDK: a service whose live task definition is what render
// produces shows no change (no noise from the defaults and order ECS adds on describe), a new digest or
// variable shows as one readable line each, and only read-only calls are made.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Emulator, startEmulator } from '../emulator/src/index.js';
import { fargateTemplate, makeRepo, removeRepos, runStep } from '../harness/render-world.js';
import { manifestSchema } from '../shared/src/manifest/schema.js';
import { diffStep } from '../shared/src/steps/diff.js';
import { renderFromTemplate } from '../shared/src/taskdef/render.js';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
let emu: Emulator;
let root: string;
const deploy = { cluster: 'prod', environment: { LOG_LEVEL: 'info', A_FIRST: '1' } };
const template = fargateTemplate('api', { cpu: '0.5 vCPU', memory: '1 GB' });

beforeAll(async () => {
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDDIFFTEST', AWS_SECRET_ACCESS_KEY: 'diff-secret' });
  // The live revision is exactly what render makes from the same inputs.
  const manifest = {
    ...manifestSchema.parse({ name: 'api', deploy }),
    file: 'services/api/service.yml',
    dir: 'services/api',
  };
  const live = renderFromTemplate(structuredClone(template), {
    manifest,
    root: await mkdtemp(path.join(tmpdir(), 'cendence-diff-')),
    images: { api: `api@${digest('a')}` },
    region: 'eu-west-3',
    templateFile: 'services/api/taskdef.json',
  });
  emu = await startEmulator({
    throttling: false,
    region: 'eu-west-3',
    world: {
      clusters: ['prod'],
      services: [
        {
          name: 'api',
          cluster: 'prod',
          taskDefinition: live.taskDefinition as unknown as Record<string, unknown>,
        },
      ],
    },
  });
  root = await makeRepo([
    { name: 'api', deploy, taskdef: template },
    { name: 'new', deploy: { cluster: 'prod' }, taskdef: fargateTemplate('new') },
  ]);
});

afterAll(async () => {
  await emu?.stop();
  await removeRepos();
});

async function diff(images: Record<string, string>, services = 'api') {
  const since = emu.calls().at(-1)?.seq ?? 0;
  const r = await runStep(
    diffStep,
    { services, images: JSON.stringify(images), endpoint: emu.url, region: emu.region },
    { cwd: root },
  );
  return {
    ...r,
    mutating: emu.calls({ since, mutates: true }),
    ops: emu.calls({ since }).map((c) => c.operation),
  };
}

describe('diff step', () => {
  it('finds no change when the live task definition is what render produces', async () => {
    const r = await diff({ api: `api@${digest('a')}` });
    expect(r.error).toBeUndefined();
    expect(r.outputs.changed).toBe('false');
    expect(r.outputs.diff).toBe('');
    expect(r.log).toContain('api (prod/api): no change');
    expect(r.ops.sort()).toEqual(['DescribeServices', 'DescribeTaskDefinition']);
    expect(r.mutating).toEqual([]);
  });

  it('shows a new image digest as one path-based line', async () => {
    const r = await diff({ api: `api@${digest('b')}` });
    expect(r.outputs.changed).toBe('true');
    expect(JSON.parse(r.outputs['changed-services'])).toEqual(['api']);
    expect(r.outputs.diff).toBe(
      `api: ~ taskDefinition.containerDefinitions.api.image: "api@${digest('a')}" → "api@${digest('b')}"`,
    );
    expect(r.mutating).toEqual([]);
  });

  it('reports a service that does not exist yet as a change', async () => {
    const r = await diff({ api: `api@${digest('a')}`, new: `new@${digest('c')}` }, 'api,new');
    expect(JSON.parse(r.outputs['changed-services'])).toEqual(['new']);
    expect(r.outputs.diff).toBe('new: + service: "prod/new (does not exist yet)"');
    expect(r.mutating).toEqual([]);
  });
});
