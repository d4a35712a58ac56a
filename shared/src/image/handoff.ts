// What build hands to test and push: the builds record, as the `builds` output (JSON) and optionally a
// file (GitLab artifacts, or the CLI between commands).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { parseStrictJson } from '../strict-json.js';
import type { BuildRecord } from './build.js';

export type Builds = Record<string, BuildRecord>;

/** Reads the `builds` input: JSON text, or the path of a file holding it (the build step's builds-file). */
export function readBuilds(value: string, cwd: string): Builds {
  const file = value.trim().startsWith('{') ? undefined : path.resolve(cwd, value);
  const parsed = parseStrictJson(file ? readBuildsFile(file) : value, {
    ...(file ? { file } : { input: 'builds' }),
    fix: "pass the build step's builds output or builds-file",
  });
  // Accept the output itself or the build step's --json result, which nests it under "builds".
  const map = (parsed as { builds?: unknown }).builds ?? parsed;
  if (!map || typeof map !== 'object' || Array.isArray(map)) {
    throw new UserError('input "builds" must be a JSON object {"<service>": {...}}', 'builds');
  }
  for (const [service, r] of Object.entries(map as Record<string, Partial<BuildRecord>>)) {
    for (const key of ['image', 'repository', 'contentTag', 'gitTag', 'status'] as const) {
      if (typeof r?.[key] !== 'string')
        throw new UserError(
          `builds.${service}.${key} is missing`,
          'builds',
          "pass the build step's builds output unchanged",
        );
    }
  }
  for (const [service, r] of Object.entries(map as Builds)) recordProblem(service, r);
  return map as Builds;
}

/** A record push could act on: checked before any login or upload, so a bad one changes nothing. */
function recordProblem(service: string, r: BuildRecord): void {
  const fix = "pass the build step's builds output unchanged";
  if (r.status !== 'built' && r.status !== 'reused')
    throw new UserError(
      `builds.${service}.status must be built or reused (got "${r.status}")`,
      'builds',
      fix,
    );
  if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(r.repository))
    throw new UserError(`builds.${service}.repository is not an ECR repository name`, 'builds', fix);
  const slash = r.image.indexOf('/');
  if (slash < 1 || r.image.slice(slash + 1) !== r.repository)
    throw new UserError(
      `builds.${service}.image "${r.image}" is not in repository "${r.repository}"`,
      'builds',
      `the image must be <registry>/${r.repository}; ${fix}`,
    );
}

function readBuildsFile(file: string): string {
  if (!existsSync(file))
    throw new UserError(
      `builds file not found: ${file}`,
      'builds',
      'run the build step first (with --builds-file), or pass its builds output',
    );
  return readFileSync(file, 'utf8');
}
