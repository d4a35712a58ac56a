// The files of a build context as the Docker engine sends them: everything under the context folder
// except what .dockerignore excludes. Matching uses @balena/dockerignore, a port of Moby's own matcher
// (Go filepath.Match + "**" + "!" exceptions, patterns anchored at the context root) — gitignore
// libraries such as `ignore` differ (e.g. "foo" matches at any depth there, only at the root here).
import { readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import dockerignoreModule from '@balena/dockerignore';
import { isMissingFile } from '../errors.js';
import { contextSources } from './dockerfile.js';

export interface ContextFile {
  /** Path relative to the context, '/'-separated. */
  path: string;
  /** Absolute path on disk. */
  abs: string;
  kind: 'file' | 'symlink';
}

export async function readDockerignore(context: string): Promise<string[]> {
  try {
    return (await readFile(path.join(context, '.dockerignore'), 'utf8')).split(/\r?\n/);
  } catch (err) {
    if (isMissingFile(err)) return [];
    throw err;
  }
}

/**
 * Which context paths can affect the image: let through by .dockerignore and read by a COPY/ADD of the
 * Dockerfile. With a shared context (e.g. services/ for every service), this keeps one service's sources
 * out of another's content tag and plan.
 */
export async function contextMatcher(
  context: string,
  dockerfileText: string,
  buildArgs: Record<string, string>,
): Promise<(file: string) => boolean> {
  const ig = dockerignoreModule.default().add(await readDockerignore(context));
  const used = readBySources(contextSources(dockerfileText, buildArgs));
  return (file) => !ig.ignores(file) && used(file);
}

/** Lists the context's files (sorted), honouring .dockerignore. */
export async function contextFiles(context: string): Promise<ContextFile[]> {
  const patterns = await readDockerignore(context);
  // The package is CommonJS with `factory.default = factory`; under NodeNext the default import is the module.
  const ig = dockerignoreModule.default().add(patterns);
  // With an exception ("!x") an ignored folder may still contribute files, so it must be walked.
  const hasExceptions = patterns.some((p) => p.trim().startsWith('!'));
  const out: ContextFile[] = [];
  const walk = async (dir: string, rel: string) => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!hasExceptions && ig.ignores(r)) continue;
        await walk(abs, r);
      } else if ((e.isFile() || e.isSymbolicLink()) && !ig.ignores(r)) {
        out.push({ path: r, abs, kind: e.isSymbolicLink() ? 'symlink' : 'file' });
      }
    }
  };
  await walk(context, '');
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * A predicate over context-relative paths: true when a COPY/ADD source (from contextSources) reads the
 * path — the source itself, a file under it, or a match of its wildcard (Go filepath.Match: * ? [..]).
 */
export function readBySources(sources: string[] | 'all'): (file: string) => boolean {
  if (sources === 'all') return () => true;
  const tests = sources.map((s) => {
    if (!/[*?[]/.test(s)) return (f: string) => f === s || f.startsWith(`${s}/`);
    const re = globToRegExp(s);
    // A wildcard may name a folder ("pkg*/"), whose files are then copied too.
    return (f: string) => {
      const parts = f.split('/');
      return parts.some((_, i) => re.test(parts.slice(0, i + 1).join('/')));
    };
  });
  return (file) => tests.some((t) => t(file));
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** The bytes that identify a context entry: file content, or a symlink's target. */
export async function contentOf(f: ContextFile): Promise<Buffer> {
  return f.kind === 'symlink' ? Buffer.from(`symlink:${await readlink(f.abs)}`) : readFile(f.abs);
}
