import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { contentTag } from './content-tag.js';
import { contextFiles, readBySources } from './context.js';
import { baseImages, contextSources } from './dockerfile.js';

let dir: string;
const inputs = () => ({
  dockerfile: path.join(dir, 'Dockerfile'),
  context: dir,
  buildArgs: { MODE: 'prod' },
  bases: [{ ref: 'local/node:20', id: 'sha256:aaaa' }],
});

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cendence-ctx-'));
  await writeFile(path.join(dir, 'Dockerfile'), 'FROM scratch\nCOPY . /app\n');
  await writeFile(path.join(dir, 'app.txt'), 'hello\n');
  await mkdir(path.join(dir, 'node_modules', 'x'), { recursive: true });
  await writeFile(path.join(dir, 'node_modules', 'x', 'index.js'), 'one');
  await writeFile(path.join(dir, 'notes.md'), 'draft');
  await mkdir(path.join(dir, 'docs'));
  await writeFile(path.join(dir, 'docs', 'keep.md'), 'kept by an exception');
  await writeFile(path.join(dir, 'docs', 'drop.md'), 'dropped');
  await writeFile(path.join(dir, '.dockerignore'), 'node_modules\n*.md\ndocs\n!docs/keep.md\n');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('contentTag', () => {
  it('is "c-" and 16 hex characters, and stable for the same inputs', async () => {
    const a = await contentTag(inputs());
    const b = await contentTag(inputs());
    expect(a.tag).toMatch(/^c-[0-9a-f]{16}$/);
    expect(b.tag).toBe(a.tag);
    expect(a.sha256.startsWith(a.tag.slice(2))).toBe(true);
  });

  it('does not change when an ignored file changes', async () => {
    const before = await contentTag(inputs());
    await writeFile(path.join(dir, 'node_modules', 'x', 'index.js'), 'two');
    await writeFile(path.join(dir, 'notes.md'), 'edited');
    await writeFile(path.join(dir, 'docs', 'drop.md'), 'edited');
    await writeFile(path.join(dir, 'node_modules', 'new.js'), 'new');
    expect((await contentTag(inputs())).tag).toBe(before.tag);
  });

  it('changes when a context file changes, is added, or becomes executable', async () => {
    const t0 = (await contentTag(inputs())).tag;
    await writeFile(path.join(dir, 'app.txt'), 'hello!\n');
    const t1 = (await contentTag(inputs())).tag;
    await writeFile(path.join(dir, 'extra.txt'), 'x');
    const t2 = (await contentTag(inputs())).tag;
    await chmod(path.join(dir, 'extra.txt'), 0o755);
    const t3 = (await contentTag(inputs())).tag;
    await writeFile(path.join(dir, 'docs', 'keep.md'), 'edited exception');
    const t4 = (await contentTag(inputs())).tag;
    expect(new Set([t0, t1, t2, t3, t4]).size).toBe(5);
  });

  it('changes with the Dockerfile, a build arg, the target or the base image identity', async () => {
    const base = (await contentTag(inputs())).tag;
    const withArg = (await contentTag({ ...inputs(), buildArgs: { MODE: 'dev' } })).tag;
    const withTarget = (await contentTag({ ...inputs(), target: 'test' })).tag;
    const withBase = (await contentTag({ ...inputs(), bases: [{ ref: 'local/node:20', id: 'sha256:bbbb' }] }))
      .tag;
    await writeFile(path.join(dir, 'Dockerfile'), 'FROM scratch\nCOPY . /srv\n');
    const withDockerfile = (await contentTag(inputs())).tag;
    expect(new Set([base, withArg, withTarget, withBase, withDockerfile]).size).toBe(5);
  });

  it('with a context shared by several services, counts only what the Dockerfile copies', async () => {
    // Like services/: one context, each Dockerfile copies common/ and its own folder.
    await mkdir(path.join(dir, 'common'));
    await mkdir(path.join(dir, 'game'));
    await writeFile(path.join(dir, 'common', 'lib.ts'), 'v1');
    await writeFile(path.join(dir, 'game', 'index.ts'), 'v1');
    await writeFile(
      path.join(dir, 'Dockerfile'),
      'FROM scratch AS build\nCOPY common/ common/\nCOPY app.* ./\nFROM scratch\nCOPY --from=build /x /x\n',
    );
    const t0 = (await contentTag(inputs())).tag;
    await writeFile(path.join(dir, 'game', 'index.ts'), 'v2');
    await writeFile(path.join(dir, 'notes.txt'), 'not copied');
    expect((await contentTag(inputs())).tag).toBe(t0);
    await writeFile(path.join(dir, 'common', 'lib.ts'), 'v2');
    const t1 = (await contentTag(inputs())).tag;
    await writeFile(path.join(dir, 'app.txt'), 'matched by app.*');
    const t2 = (await contentTag(inputs())).tag;
    expect(new Set([t0, t1, t2]).size).toBe(3);
  });
});

describe('contextSources and readBySources', () => {
  it('reads COPY/ADD sources with ARG substitution, skipping --from copies and URLs', () => {
    const df = [
      'ARG APP=ai',
      'FROM scratch',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile text, not a template
      'COPY --chown=1:1 common/package.json ${APP}/ /x/',
      'ADD https://example.com/a.tgz /a',
      'COPY ["lib/*.ts", "/lib/"]',
      'COPY --from=build /src /src',
    ].join('\n');
    expect(contextSources(df, {})).toEqual(['common/package.json', 'ai', 'lib/*.ts']);
    expect(contextSources(df, { APP: 'game' })).toContain('game');
    expect(contextSources('FROM scratch\nCOPY . /app\n', {})).toBe('all');
    expect(contextSources('FROM scratch\nCOPY $UNSET /app\n', {})).toBe('all');
    const read = readBySources(['common/package.json', 'ai', 'lib/*.ts']);
    expect(['ai/src/x.ts', 'common/package.json', 'lib/a.ts'].every(read)).toBe(true);
    expect(['aix/y', 'common/other.json', 'lib/sub/a.ts', 'game/x'].some(read)).toBe(false);
  });

  it('reads the sources of RUN bind mounts from the context, not those of cache, secret or --from mounts', () => {
    const df = [
      'FROM scratch AS toolchain',
      'RUN --mount=type=bind,source=toolchain,target=/mnt/t npm ci',
      'FROM scratch',
      'RUN --mount=type=bind,src=./auth/package.json,target=/p --mount=type=cache,target=/c \\',
      '    --mount=type=secret,id=npmrc --mount=type=bind,from=toolchain,source=/toolchain,target=/t,rw \\',
      '    --mount=source=common,target=/src/common echo --mount=type=bind,source=ignored',
    ].join('\n');
    expect(contextSources(df, {})).toEqual(['toolchain', 'auth/package.json', 'common']);
    // Without a source a bind mount is the whole context.
    expect(contextSources('FROM scratch\nRUN --mount=type=bind,target=/src make\n', {})).toBe('all');
    expect(contextSources('FROM scratch\nRUN --mount=target=/src,source=/ make\n', {})).toBe('all');
  });
});

describe('contextFiles', () => {
  it('honours .dockerignore with Docker semantics (root-anchored patterns, exceptions)', async () => {
    await mkdir(path.join(dir, 'sub'));
    await writeFile(path.join(dir, 'sub', 'notes.md'), 'a markdown file below the root');
    const files = (await contextFiles(dir)).map((f) => f.path);
    // "*.md" is anchored at the context root in Docker, so sub/notes.md stays (gitignore would drop it).
    expect(files).toEqual(['.dockerignore', 'Dockerfile', 'app.txt', 'docs/keep.md', 'sub/notes.md']);
  });
});

describe('baseImages', () => {
  it('substitutes global ARGs, honours build args, skips scratch and earlier stages', () => {
    const df = [
      'ARG BASE_IMAGE=node:20-bookworm-slim',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile text, not a template
      'FROM ${BASE_IMAGE} AS deps',
      'RUN npm ci',
      'FROM --platform=linux/amd64 deps AS build',
      'FROM scratch',
      'FROM $BASE_IMAGE',
    ].join('\n');
    expect(baseImages(df, {}).map((b) => b.ref)).toEqual(['node:20-bookworm-slim', 'node:20-bookworm-slim']);
    expect(baseImages(df, { BASE_IMAGE: 'local/node:20' })[0]).toEqual({ ref: 'local/node:20', line: 2 });
  });
});
