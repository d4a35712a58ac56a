// Two services' Dockerfiles in one build context, of the same size and with the same mtime (as a fresh
// checkout leaves them): BuildKit keeps the Dockerfile it synced last under the context's directory and
// the file's base name, and re-sends it only when size or mtime changed, so the second build would read
// the first one's Dockerfile and tag the wrong image. The build step must give each its own image.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { engineAvailable } from '../emulator/src/index.js';
import { DockerEngine } from '../shared/src/image/docker.js';

const engine = await engineAvailable();
const maybe = engine.ok ? describe : describe.skip;
if (!engine.ok) console.log(`skipping BuildKit Dockerfile sync test: ${engine.reason}`);

maybe('two Dockerfiles of equal size and mtime in one context', () => {
  let dir: string;
  const tags = [`cendence-test/sync-a:${process.pid}`, `cendence-test/sync-b:${process.pid}`];
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cendence-sync-'));
    const when = new Date('2026-01-01T00:00:00Z');
    for (const [svc, file] of [
      ['a', 'a.txt'],
      ['b', 'b.txt'],
    ]) {
      await writeFile(path.join(dir, file), `${svc}\n`);
      await mkdir(path.join(dir, svc));
      const dockerfile = path.join(dir, svc, 'Dockerfile');
      await writeFile(dockerfile, `FROM scratch\nCOPY ${file} /which\nLABEL svc=${svc}\n`);
      await utimes(dockerfile, when, when);
    }
  });
  afterAll(async () => {
    await promisify(execFile)('docker', ['rmi', '-f', ...tags]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('builds each from its own Dockerfile', async () => {
    const docker = new DockerEngine();
    const ids: string[] = [];
    for (const [i, svc] of ['a', 'b'].entries()) {
      const request = {
        dockerfile: path.join(dir, svc, 'Dockerfile'),
        context: dir,
        tags: [tags[i]],
        buildArgs: {},
        labels: {},
        cacheFrom: [],
      };
      ids.push((await docker.build(request, () => {})).imageId);
    }
    expect(ids[0]).not.toBe(ids[1]);
    const label = async (tag: string) =>
      (
        await promisify(execFile)('docker', ['inspect', '-f', '{{index .Config.Labels "svc"}}', tag])
      ).stdout.trim();
    expect(await label(tags[0])).toBe('a');
    expect(await label(tags[1])).toBe('b');
  }, 120_000);
});
