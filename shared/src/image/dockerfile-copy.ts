// BuildKit (docker 20.10's and buildx's) syncs the Dockerfile into a cache keyed by the build context's
// directory and the Dockerfile's base name, and re-sends it only when its size or mtime changed. In a
// fresh checkout, services/auth/Dockerfile and services/game/Dockerfile often have the same mtime; when
// they also have the same size, the second build silently reuses the first one's Dockerfile and tags
// the other service's image (seen here: auth and game, whose Dockerfiles differ only in a 4-letter name).
// So a BuildKit build reads a copy whose name is its content's hash: other content, other cache entry.
import { createHash } from 'node:crypto';
import { copyFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Writes `text` (the content of `dockerfile`) into `dir` under a content-addressed name; returns its path. */
export async function contentNamedDockerfile(dockerfile: string, text: string, dir: string): Promise<string> {
  const name = `Dockerfile.${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
  const copy = path.join(dir, name);
  await writeFile(copy, text);
  // BuildKit reads a Dockerfile-specific ignore file from beside the Dockerfile, by its name.
  await copyFile(`${dockerfile}.dockerignore`, `${copy}.dockerignore`).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  return copy;
}
