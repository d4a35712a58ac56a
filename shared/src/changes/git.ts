// The files changed in a git range, read with the git CLI (argv arrays, no shell). Owns resolving refs
// and the "last commit" default; knows nothing about services.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { UserError } from '../errors.js';

const run = promisify(execFile);

export interface GitRange {
  /** The commit the changes are measured from; undefined means "the parent of head" (the last commit). */
  base?: string;
  head: string;
}

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Resolves a ref to a commit sha, or a UserError naming the input and the shallow-clone fix. */
export async function resolveCommit(cwd: string, ref: string, input: string): Promise<string> {
  try {
    return (await git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
  } catch {
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
  } catch {
    throw new UserError(`${cwd} is not inside a git repository`, 'root', 'run plan from a git checkout');
  }
}

/** CI's "no previous commit": GitLab's CI_COMMIT_BEFORE_SHA and GitHub's event.before on new branches, tags, MRs, schedules. */
export function isZeroSha(ref: string | undefined): boolean {
  return ref !== undefined && /^0{40}$|^0{64}$/.test(ref.trim());
}

export interface ResolvedRange {
  base: string | undefined;
  head: string;
  files: string[];
  /** Why the range is what it is, when it is not simply base..head (said in the plan's log). */
  note?: string;
}

/**
 * Files changed between base and head (paths relative to the repository root). Uses the merge base, so a
 * branch compared with main lists only its own changes; renames count as both paths. Without a base the
 * range is the last commit (head's parent → head), or every file of head when it has no parent. An
 * all-zero base means "no previous state": the range starts at the default branch's merge base, or, when
 * head is on the default branch or no default branch is known, covers every file.
 */
export async function changedFiles(
  cwd: string,
  range: GitRange,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResolvedRange> {
  const head = await resolveCommit(cwd, range.head, 'head');
  let base: string | undefined;
  let note: string | undefined;
  if (isZeroSha(range.base)) {
    ({ base, note } = await noPreviousState(cwd, head, env));
  } else if (range.base) {
    base = await resolveBase(cwd, range.base);
    base = (await git(cwd, ['merge-base', base, head]).catch(() => '')).trim() || base;
  } else {
    base = (await git(cwd, ['rev-list', '--parents', '-n', '1', head])).trim().split(' ')[1];
  }
  const out = base
    ? await git(cwd, ['diff', '--name-only', '-z', '--no-renames', base, head])
    : await git(cwd, ['ls-tree', '-r', '--name-only', '-z', head]);
  const files = out.split('\0').filter(Boolean).sort();
  return { base, head, files, ...(note ? { note } : {}) };
}

/** The base commit, or a UserError with the exact fetch that brings it into a shallow or stale clone. */
async function resolveBase(cwd: string, ref: string): Promise<string> {
  try {
    return (await git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
  } catch {
    const shallow =
      (await git(cwd, ['rev-parse', '--is-shallow-repository']).catch(() => '')).trim() === 'true';
    const sha = /^[0-9a-f]{40}$/i.test(ref);
    const fetch = sha
      ? `git fetch --no-tags origin ${ref}`
      : `git fetch --no-tags origin ${ref.replace(/^origin\//, '')}`;
    throw new UserError(
      `the base '${ref}' is not in this clone${shallow ? ' (a shallow clone)' : sha ? ' (a force-push can drop it)' : ''}`,
      'since',
      `run \`${fetch}${shallow ? ' --deepen=50' : ''}\` before plan${
        shallow
          ? ', or `git fetch --unshallow`; GitHub: actions/checkout with fetch-depth: 0; GitLab: GIT_DEPTH: 0'
          : ''
      }`,
    );
  }
}

/** The default branch's name from CI (GitLab, GitHub's event) or origin/HEAD. */
async function defaultBranch(cwd: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (env.CENDENCE_DEFAULT_BRANCH) return env.CENDENCE_DEFAULT_BRANCH;
  if (env.CI_DEFAULT_BRANCH) return env.CI_DEFAULT_BRANCH;
  if (env.GITHUB_EVENT_PATH) {
    try {
      const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as {
        repository?: { default_branch?: string };
      };
      if (event.repository?.default_branch) return event.repository.default_branch;
    } catch {}
  }
  const ref = (
    await git(cwd, ['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD']).catch(() => '')
  ).trim();
  return ref ? ref.replace(/^refs\/remotes\/origin\//, '') : undefined;
}

async function noPreviousState(
  cwd: string,
  head: string,
  env: NodeJS.ProcessEnv,
): Promise<{ base: string | undefined; note: string }> {
  const branch = await defaultBranch(cwd, env);
  const all = (why: string) => ({
    base: undefined,
    note: `no previous commit (all-zero base): ${why}, so every service is planned`,
  });
  if (!branch) return all('the default branch is unknown');
  for (const ref of [`refs/remotes/origin/${branch}`, `refs/heads/${branch}`]) {
    const tip = (
      await git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => '')
    ).trim();
    if (!tip) continue;
    const mergeBase = (await git(cwd, ['merge-base', tip, head]).catch(() => '')).trim();
    if (!mergeBase) return all(`${branch} shares no history with this clone's head (fetch more history)`);
    if (mergeBase === head) return all(`head is on ${branch} itself`);
    return {
      base: mergeBase,
      note: `no previous commit (all-zero base): planning what changed since ${branch} (merge base ${mergeBase.slice(0, 12)})`,
    };
  }
  return all(`${branch} is not in this clone`);
}

/** The short sha of a ref, for image tags. */
export async function shortSha(cwd: string, ref = 'HEAD'): Promise<string> {
  const sha = await resolveCommit(cwd, ref, 'git-sha');
  return sha.slice(0, 12);
}
