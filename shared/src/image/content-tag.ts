// The content tag: a name for an image derived only from what goes into its build — the Dockerfile,
// the context files that .dockerignore lets through and a COPY/ADD reads (paths, contents, executable
// bit), build args, target, and the identity of each base image. Same inputs → same tag, so an image that is already in
// the registry under this tag need not be built or pushed again. Git shas, dates and labels are left out
// on purpose: they change on every commit without changing the image's content.
import { createHash } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import { contentOf, contextFiles, contextMatcher } from './context.js';

/** Bump when the recipe changes, so old tags are not mistaken for new content. */
const RECIPE = 'cendence-content-v1';

export interface ContentInputs {
  /** Absolute path of the Dockerfile. */
  dockerfile: string;
  /** Absolute path of the build context. */
  context: string;
  buildArgs: Record<string, string>;
  target?: string;
  /** Each base image reference with its resolved identity (image id or digest). */
  bases: { ref: string; id: string }[];
}

export interface ContentTag {
  /** "c-" + 16 hex characters of the sha256. */
  tag: string;
  /** The full sha256 the tag is cut from. */
  sha256: string;
  /** Context files hashed (after .dockerignore). */
  files: number;
}

export async function contentTag(inputs: ContentInputs): Promise<ContentTag> {
  const h = createHash('sha256');
  const field = (...parts: string[]) => h.update(`${parts.join('\0')}\n`);
  field('recipe', RECIPE);
  const dockerfile = await readFile(inputs.dockerfile);
  field('dockerfile', sha256(dockerfile));
  for (const [k, v] of Object.entries(inputs.buildArgs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    field('arg', k, v);
  if (inputs.target) field('target', inputs.target);
  for (const b of inputs.bases) field('base', b.ref, b.id);
  const used = await contextMatcher(inputs.context, dockerfile.toString('utf8'), inputs.buildArgs);
  const files = (await contextFiles(inputs.context)).filter((f) => used(f.path));
  for (const f of files) {
    const mode = f.kind === 'file' && ((await lstat(f.abs)).mode & 0o111) !== 0 ? 'x' : '-';
    field('file', f.path, mode, sha256(await contentOf(f)));
  }
  const digest = h.digest('hex');
  return { tag: `c-${digest.slice(0, 16)}`, sha256: digest, files: files.length };
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
