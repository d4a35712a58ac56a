// Build secrets: `id=npmrc,src=<file>` or `id=npmrc,env=<VAR>`, handed to the engine as a file mount that
// only RUN instructions see (RUN --mount=type=secret,id=npmrc). Values never enter argv, env of the
// engine, the image, the log or the provenance: env values go to a private 0600 file for the build only.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UserError } from '../errors.js';

export interface SecretSpec {
  id: string;
  src?: string;
  env?: string;
}

/**
 * Parses the `secrets` input: entries separated by newlines or ";", fields by ","; a new "id=" starts a
 * new secret, so "id=a,src=x,id=b,env=Y" is two. Checks every source exists now, before anything runs.
 */
export function parseSecrets(raw: string | undefined, cwd: string, env: NodeJS.ProcessEnv): SecretSpec[] {
  const specs: SecretSpec[] = [];
  for (const field of (raw ?? '')
    .split(/[\n;,]/)
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = field.indexOf('=');
    const key = eq > 0 ? field.slice(0, eq) : '';
    const value = field.slice(eq + 1);
    if (key === 'id') specs.push({ id: value });
    else if ((key === 'src' || key === 'env') && specs.length > 0) specs[specs.length - 1][key] = value;
    else
      throw new UserError(
        `input "secrets": '${field}' is not id=…, src=… or env=…`,
        'secrets',
        'write each secret as id=<name>,src=<file> or id=<name>,env=<VARIABLE>',
      );
  }
  for (const s of specs) {
    if (!/^[\w.-]+$/.test(s.id))
      throw new UserError(`input "secrets": id '${s.id}' must be letters, digits, . _ -`, 'secrets');
    if (s.src) {
      s.src = path.resolve(cwd, s.src);
      if (!existsSync(s.src))
        throw new UserError(
          `input "secrets": the source of '${s.id}' does not exist: ${s.src}`,
          'secrets',
          'give an existing file with src=, or a set environment variable with env=',
        );
    } else if (!s.env || env[s.env] === undefined) {
      throw new UserError(
        `input "secrets": '${s.id}' has no source${s.env ? `: the variable ${s.env} is not set` : ''}`,
        'secrets',
        `set ${s.env ?? 'src=<file> or env=<VARIABLE>'} for the build`,
      );
    }
  }
  return specs;
}

/** Gives every secret a file the engine mounts; env values are written to a private folder removed after. */
export async function withSecretFiles<T>(
  specs: SecretSpec[],
  env: NodeJS.ProcessEnv,
  work: (files: { id: string; src: string }[]) => Promise<T>,
): Promise<T> {
  if (specs.length === 0) return work([]);
  const dir = await mkdtemp(path.join(tmpdir(), 'cendence-secrets-'));
  try {
    const files: { id: string; src: string }[] = [];
    for (const s of specs) {
      if (s.src) files.push({ id: s.id, src: s.src });
      else {
        const file = path.join(dir, s.id);
        await writeFile(file, env[s.env!] ?? '', { mode: 0o600 });
        files.push({ id: s.id, src: file });
      }
    }
    return await work(files);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
