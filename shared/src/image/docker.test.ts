import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UserError } from '../errors.js';
import { DockerEngine } from './docker.js';
import { hasRunMounts } from './dockerfile.js';

describe('a Dockerfile with RUN --mount and a docker client without BuildKit', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cendence-nobuildkit-'));
    // A docker client ≥ 23 without the buildx plugin, alone on PATH: it records every call it gets.
    await writeFile(
      path.join(dir, 'docker'),
      `#!/bin/sh\necho "$*" >> '${dir}/calls'\ncase "$1" in version) echo 28.2.2 ;; *) exit 1 ;; esac\n`,
    );
    await chmod(path.join(dir, 'docker'), 0o755);
    await writeFile(
      path.join(dir, 'Dockerfile'),
      'FROM scratch AS tools\nFROM scratch\nRUN --mount=type=bind,from=tools,target=/t \\\n    true\n',
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is refused before any build, naming the engine input and the fix', async () => {
    const engine = new DockerEngine({ PATH: dir });
    const request = {
      dockerfile: path.join(dir, 'Dockerfile'),
      context: dir,
      tags: ['r.example/app:1'],
      buildArgs: {},
      labels: {},
      cacheFrom: [],
    };
    const err = await engine.build(request, () => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/RUN --mount.*needs BuildKit/);
    expect((err as UserError).where).toBe('engine');
    expect((err as UserError).exitCode).toBe(2);
    expect((err as UserError).fix).toMatch(/buildx/);
    const calls = (await readFile(path.join(dir, 'calls'), 'utf8')).split('\n');
    expect(calls.some((c) => c.startsWith('build '))).toBe(false);
  });

  it('tells RUN mounts apart from a RUN that only mentions one', () => {
    expect(hasRunMounts('FROM scratch\nRUN --network=none --mount=type=cache,target=/c make\n')).toBe(true);
    expect(hasRunMounts('FROM scratch\nRUN echo --mount=type=bind\nCOPY a /a\n')).toBe(false);
  });
});
