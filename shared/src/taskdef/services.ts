// What the render, diff, verify and run-task steps share: reading the `images` input, rendering several
// services at once (every service's problems reported together), and reading back the files render wrote.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { ServiceManifest } from '../manifest/schema.js';
import type { Runner } from '../runner/types.js';
import { parseStrictJson } from '../strict-json.js';
import { type RenderedTaskDefinition, renderTaskDefinition } from './render.js';
import { isRecord } from './shape.js';

/** The `images` input: JSON {"<service>": "<uri>@sha256:…"}, or the path of a file holding it. */
export function parseImages(raw: string | undefined, cwd: string): Record<string, string> {
  if (raw === undefined || raw.trim() === '') return {};
  let text = raw;
  let file: string | undefined;
  if (!raw.trim().startsWith('{')) {
    file = path.resolve(cwd, raw);
    if (!existsSync(file)) {
      throw new UserError(
        `input "images" is neither JSON nor an existing file: ${raw}`,
        'images',
        'pass the push step\'s images output: {"<service>": "<registry>/<repo>@sha256:<digest>"}',
      );
    }
    text = readFileSync(file, 'utf8');
  }
  const parsed = parseStrictJson(text, {
    ...(file ? { file } : { input: 'images' }),
    fix: "pass the push step's images output unchanged",
  });
  // Accept the push step's --json result too, which nests the map under "images".
  const map = isRecord(parsed) && isRecord(parsed.images) ? parsed.images : parsed;
  if (!isRecord(map) || !Object.values(map).every((v) => typeof v === 'string')) {
    throw new UserError(
      'input "images" must be a JSON object of service name → image URI',
      'images',
      'e.g. {"api": "123456789012.dkr.ecr.eu-west-3.amazonaws.com/api@sha256:…"}',
    );
  }
  return map as Record<string, string>;
}

/** Only manifests with a deploy section can be rendered; naming one without it is a user error. */
export function deployable(manifests: ServiceManifest[], explicit: boolean): ServiceManifest[] {
  const without = manifests.filter((m) => !m.deploy);
  if (explicit && without.length > 0) {
    throw new UserError(
      `service${without.length > 1 ? 's' : ''} ${without.map((m) => m.name).join(', ')} ha${without.length > 1 ? 've' : 's'} no deploy section`,
      without[0].file,
      'add deploy: { cluster: <name> } to the manifest, or leave the service out of --services',
    );
  }
  return manifests.filter((m) => m.deploy);
}

export interface RenderManyOptions {
  root: string;
  images: Record<string, string>;
  region: string;
  runner: Runner;
}

/** Renders every manifest; all services' problems end in one UserError. Warnings go to the runner. */
export async function renderServices(
  manifests: ServiceManifest[],
  opts: RenderManyOptions,
): Promise<RenderedTaskDefinition[]> {
  const results = await Promise.allSettled(
    manifests.map((manifest) =>
      renderTaskDefinition({ manifest, root: opts.root, images: opts.images, region: opts.region }),
    ),
  );
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  for (const f of failures) if (!(f instanceof UserError)) throw f;
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) {
    const errors = failures as UserError[];
    throw new UserError(
      `${errors.length} services have task definition problems:\n${errors
        .map((e) => `${e.where ? `${e.where}: ` : ''}${e.message}${e.fix ? `\n  fix: ${e.fix}` : ''}`)
        .join('\n')}`,
      'render',
      'fix each problem listed above, then run again',
    );
  }
  const rendered = results.map((r) => (r as PromiseFulfilledResult<RenderedTaskDefinition>).value);
  for (const r of rendered) for (const w of r.warnings) opts.runner.warning(w, { file: r.templateFile });
  return rendered;
}

/** Writes <dir>/<service>.json for each rendered task definition; returns service → file. */
export async function writeRendered(
  rendered: RenderedTaskDefinition[],
  dir: string,
): Promise<Record<string, string>> {
  await mkdir(dir, { recursive: true });
  const files: Record<string, string> = {};
  for (const r of rendered) {
    const file = path.join(dir, `${r.service}.json`);
    await writeFile(file, `${JSON.stringify(r.taskDefinition, null, 2)}\n`);
    files[r.service] = file;
  }
  return files;
}
