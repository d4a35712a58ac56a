// The files changed in a git range, read with the git CLI (argv arrays, no shell). Owns resolving refs
// and the "last commit" default; knows nothing about services.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { UserError } from '../errors.js';

const run = promisify(execFile);

export interface GitRange {
  /** The commit the changes are measured from; undefined means "the parent of head" (the last commit). */
  base?: string;
  head: string;
}

export interface ResolvedRange {
  base: string | undefined;
  head: string;
  files: string[];
}

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** git ran and answered no (a non-zero exit), as opposed to git missing or failing to start. */
function gitSaidNo(err: unknown): boolean {
  return typeof (err as { code?: unknown } | null)?.code === 'number';
}

/** Resolves a ref to a commit sha, or a UserError naming the input and the shallow-clone fix. */
export async function resolveCommit(cwd: string, ref: string, input: string): Promise<string> {
  try {
    return (await git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
  } catch (err) {
    if (!gitSaidNo(err)) throw err;
    throw new UserError(
      `git ref '${ref}' is not a commit in ${cwd}`,
      input,
      'check the ref; in CI fetch enough history (GitHub: actions/checkout with fetch-depth: 0; GitLab: GIT_DEPTH: 0)',
    );
  }
}

/** The repository root containing cwd, or a UserError when cwd is not in a git work tree. */
export async function repositoryRoot(cwd: string): Promise<string> {
  try {
    return (await git(cwd, ['rev-parse', '--show-toplevel'])).trim();
  } catch (err) {
    if (!gitSaidNo(err)) throw err;
    throw new UserError(`${cwd} is not inside a git repository`, 'root', 'run plan from a git checkout');
  }
}

/**
 * Files changed between base and head (paths relative to the repository root). Uses the merge base, so a
 * branch compared with main lists only its own changes; renames count as both paths. Without a base the
 * range is the last commit (head's parent → head), or every file of head when it has no parent.
 */
export async function changedFiles(cwd: string, range: GitRange): Promise<ResolvedRange> {
  const head = await resolveCommit(cwd, range.head, 'head');
  let base: string | undefined;
  if (range.base) {
    base = await resolveCommit(cwd, range.base, 'since');
    base = (await git(cwd, ['merge-base', base, head])).trim() || base;
  } else {
    base = (await git(cwd, ['rev-list', '--parents', '-n', '1', head])).trim().split(' ')[1];
  }
  const out = base
    ? await git(cwd, ['diff', '--name-only', '-z', '--no-renames', base, head])
    : await git(cwd, ['ls-tree', '-r', '--name-only', '-z', head]);
  const files = out.split('\0').filter(Boolean).sort();
  return { base, head, files };
}

/** The short sha of a ref, for image tags. */
export async function shortSha(cwd: string, ref = 'HEAD'): Promise<string> {
  const sha = await resolveCommit(cwd, ref, 'git-sha');
  return sha.slice(0, 12);
}
