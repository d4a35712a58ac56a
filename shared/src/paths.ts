// Folder inputs (--root, --output-dir) checked before anything runs: a root that is not a folder, or an
// output folder under a file (/etc/passwd/x), is bad input with a fix, not a raw ENOTDIR after the work.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from './errors.js';

const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** The repository root: an existing folder. */
export function rootDir(cwd: string, value: string | undefined, input = 'root'): string {
  const root = path.resolve(cwd, value ?? '.');
  if (!isDir(root))
    throw new UserError(
      `${root} is not a folder`,
      input,
      'pass the repository root (the folder holding services/<name>/service.yml)',
    );
  return root;
}

/** A folder the step writes into: it may not exist yet, but it must be creatable and writable. */
export function outputDir(cwd: string, value: string, input = 'output-dir'): string {
  const dir = path.resolve(cwd, value);
  let existing = dir;
  while (!existsSync(existing)) existing = path.dirname(existing);
  const fix = 'pass a folder path you can write to (it is created when missing)';
  if (!isDir(existing))
    throw new UserError(
      existing === dir ? `${dir} is a file, not a folder` : `${dir} cannot be made: ${existing} is a file`,
      input,
      fix,
    );
  try {
    accessSync(existing, constants.W_OK);
  } catch {
    throw new UserError(`${existing} is not writable`, input, fix);
  }
  return dir;
}
