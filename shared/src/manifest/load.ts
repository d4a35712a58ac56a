// Loads services/*/service.yml: YAML → zod schema → cross-references (names, dependencies, Dockerfiles).
// Every problem becomes one line "file: field: what is allowed (got …)", all reported at once, before
// any AWS call. Owns reading and validating manifests; ordering lives in graph.ts.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../errors.js';
import { findCycle } from './graph.js';
import { manifestSchema, type ServiceManifest } from './schema.js';

export interface ManifestProblem {
  /** Manifest file relative to the repository root. */
  file: string;
  /** Field path like "deploy.strategy" or "dependsOn[1]"; empty for the whole file. */
  field: string;
  message: string;
}

/** All problems found in the manifests, each naming its file and field. */
export class ManifestError extends UserError {
  constructor(readonly problems: ManifestProblem[]) {
    const line = (p: ManifestProblem) => (p.field ? `${p.field}: ${p.message}` : p.message);
    const single = problems.length === 1;
    super(
      single
        ? line(problems[0])
        : `${problems.length} problems in service manifests:\n${problems.map((p) => `  ${p.file}: ${line(p)}`).join('\n')}`,
      single ? problems[0].file : undefined,
      `fix the manifest field(s) named above; ${docsFor(problems)}`,
    );
  }
}

/** The page documenting a manifest field: each step's page describes the fields it reads. */
export function docsPageFor(field: string): string {
  if (/^deploy\.(environment|secrets|allowPlaintext|taskDefinition|container)\b/.test(field))
    return 'docs/steps/render.md';
  if (field.startsWith('deploy')) return 'docs/steps/deploy.md';
  if (field.startsWith('build')) return 'docs/steps/build.md';
  if (field.startsWith('test')) return 'docs/steps/test.md';
  return 'docs/steps/plan.md';
}

function docsFor(problems: ManifestProblem[]): string {
  const pages = [...new Set(problems.map((p) => docsPageFor(p.field)))];
  return `the fields are documented in ${pages.join(' and ')}`;
}

export const SERVICES_DIR = 'services';
export const MANIFEST_NAME = 'service.yml';

/** Loads and validates one manifest. `file` is resolved against `root`; messages name it relative to root. */
export function loadManifest(file: string, root = process.cwd()): ServiceManifest {
  const { manifest, problems } = readOne(path.resolve(root, file), root);
  if (problems.length > 0 || !manifest) throw new ManifestError(problems);
  return manifest;
}

export interface LoadOptions {
  /**
   * Check that each build context and Dockerfile exists (default true). Steps that never build
   * (render, deploy, rollback, run-task) pass false: an image built elsewhere deploys without them.
   */
  buildFiles?: boolean;
}

/** Loads every services/<name>/service.yml under root, sorted by name, and checks cross-references. */
export function loadManifests(root: string, opts: LoadOptions = {}): ServiceManifest[] {
  const dir = path.join(root, SERVICES_DIR);
  const files = isDir(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, MANIFEST_NAME)))
        .map((d) => path.join(dir, d.name, MANIFEST_NAME))
        .sort()
    : [];
  if (files.length === 0) {
    throw new UserError(
      `no service manifests found under ${SERVICES_DIR}/ (expected ${SERVICES_DIR}/<name>/${MANIFEST_NAME})`,
      dir,
      'run from the repository root, or pass --root',
    );
  }
  const problems: ManifestProblem[] = [];
  const manifests: ServiceManifest[] = [];
  for (const f of files) {
    const r = readOne(f, root, opts);
    problems.push(...r.problems);
    if (r.manifest) manifests.push(r.manifest);
  }
  // A manifest with a bad field still names a service (its folder): others may depend on it, and
  // saying "no service named 'game'" about them would send the reader to the wrong file.
  const broken = files
    .map((f) => path.basename(path.dirname(f)))
    .filter((n) => !manifests.some((m) => m.name === n));
  problems.push(...crossReferenceProblems(manifests, broken));
  if (problems.length > 0) throw new ManifestError(problems);
  return manifests;
}

function readOne(
  abs: string,
  root: string,
  opts: LoadOptions = {},
): { manifest?: ServiceManifest; problems: ManifestProblem[] } {
  const file = toPosix(path.relative(root, abs));
  const dir = toPosix(path.dirname(file));
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch {
    return { problems: [{ file, field: '', message: 'file not found' }] };
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) => ({
        file,
        field: '',
        message: `invalid YAML at line ${e.linePos?.[0].line ?? '?'}: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
      })),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // The yaml library refuses alias expansion that grows without bound ("billion laughs").
    return { problems: [{ file, field: '', message: `cannot be read as YAML: ${(err as Error).message}` }] };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { problems: [{ file, field: '', message: 'must be a YAML mapping with at least a name field' }] };
  }
  const parsed = manifestSchema.safeParse(data);
  if (!parsed.success) {
    return { problems: parsed.error.issues.map((i) => ({ file, ...describeIssue(i, data) })) };
  }
  const manifest: ServiceManifest = { ...parsed.data, file, dir };
  return { manifest, problems: fileProblems(manifest, root, opts.buildFiles ?? true) };
}

/** Checks one manifest against the file system: folder name, Dockerfile, context, shared paths. */
function fileProblems(m: ServiceManifest, root: string, buildFiles: boolean): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const at = (field: string, message: string) => problems.push({ file: m.file, field, message });
  const folder = path.basename(m.dir);
  if (m.name !== folder) at('name', `must match the folder name '${folder}' (got '${m.name}')`);
  const context = toPosix(path.join(m.dir, m.build.context));
  if (!isInside(root, context))
    at('build.context', `must stay inside the repository (got '${m.build.context}')`);
  else if (buildFiles && !isDir(path.join(root, context)))
    at('build.context', `folder not found: ${context}`);
  const dockerfile = toPosix(path.join(m.dir, m.build.dockerfile));
  if (!isInside(root, dockerfile))
    at('build.dockerfile', `must stay inside the repository (got '${m.build.dockerfile}')`);
  else if (buildFiles && !existsSync(path.join(root, dockerfile)))
    at('build.dockerfile', `Dockerfile not found: ${dockerfile}`);
  const template = toPosix(path.join(m.dir, m.deploy?.taskDefinition ?? 'taskdef.json'));
  if (m.deploy && (path.isAbsolute(m.deploy.taskDefinition) || !isInside(root, template)))
    at('deploy.taskDefinition', `must stay inside the repository (got '${m.deploy.taskDefinition}')`);
  m.build.paths.forEach((p, i) => {
    if (path.isAbsolute(p) || !isInside(root, p))
      at(`build.paths[${i}]`, `must be a path relative to the repository root (got '${p}')`);
  });
  return problems;
}

/** Problems that need every manifest: duplicate names, unknown dependencies, dependency cycles. */
function crossReferenceProblems(manifests: ServiceManifest[], broken: string[] = []): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const names = new Set([...manifests.map((m) => m.name), ...broken]);
  const known = [...names].sort().join(', ');
  for (const m of manifests) {
    m.dependsOn.forEach((d, i) => {
      if (d === m.name)
        problems.push({
          file: m.file,
          field: `dependsOn[${i}]`,
          message: 'a service cannot depend on itself',
        });
      else if (!names.has(d))
        problems.push({
          file: m.file,
          field: `dependsOn[${i}]`,
          message: `no service named '${d}' (known: ${known})`,
        });
    });
  }
  if (problems.length > 0 || broken.length > 0) return problems;
  const cycle = findCycle(manifests);
  if (cycle) {
    const first = manifests.find((m) => m.name === cycle[0]);
    problems.push({
      file: first?.file ?? SERVICES_DIR,
      field: 'dependsOn',
      message: `dependency cycle: ${cycle.join(' → ')}`,
    });
  }
  return problems;
}

/** One zod issue → field path and a sentence saying what is allowed and what was given. */
export function describeIssue(issue: z.core.$ZodIssue, data: unknown): { field: string; message: string } {
  const field = formatPath(issue.path);
  const value = valueAt(data, issue.path);
  const got = ` (got ${show(value)})`;
  switch (issue.code) {
    case 'invalid_value':
      return { field, message: `must be one of ${issue.values.map(String).join(', ')}${got}` };
    case 'invalid_type':
      if (value === undefined) return { field, message: `is required (${article(issue.expected)})` };
      return { field, message: `must be ${article(issue.expected)}${got}` };
    case 'unrecognized_keys':
      return {
        field: issue.keys.map((k) => joinPath(field, k)).join(', '),
        message: `unknown field${issue.keys.length > 1 ? 's' : ''} (allowed${field ? ` in ${field}` : ''}: ${allowedKeys(issue.path).join(', ')})`,
      };
    case 'too_small':
      if (issue.origin === 'array')
        return {
          field,
          message: `must have at least ${issue.minimum} item${issue.minimum === 1n || issue.minimum === 1 ? '' : 's'}${got}`,
        };
      if (issue.origin === 'string') return { field, message: `must not be empty` };
      return { field, message: `must be ${issue.inclusive ? '≥' : '>'} ${issue.minimum}${got}` };
    case 'too_big':
      if (issue.origin === 'array') return { field, message: `must have at most ${issue.maximum} items` };
      return { field, message: `must be ${issue.inclusive ? '≤' : '<'} ${issue.maximum}${got}` };
    case 'invalid_format':
      return { field, message: `must be ${issue.message}${got}` };
    default:
      return { field, message: `${issue.message}${got}` };
  }
}

function allowedKeys(at: PropertyKey[]): string[] {
  // Walk the schema along the path, through optional/default wrappers, to the object whose keys are allowed.
  // biome-ignore lint/suspicious/noExplicitAny: zod's internal def is untyped across wrapper kinds
  let s: any = manifestSchema;
  const unwrap = () => {
    while (s?._zod?.def?.innerType) s = s._zod.def.innerType;
  };
  for (const key of at) {
    unwrap();
    s = s?.shape?.[key as string];
  }
  unwrap();
  return Object.keys(s?.shape ?? {});
}

function formatPath(p: PropertyKey[]): string {
  return p.reduce<string>(
    (acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : joinPath(acc, String(k))),
    '',
  );
}

function joinPath(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}

function valueAt(data: unknown, p: PropertyKey[]): unknown {
  let v = data;
  for (const k of p) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

function article(expected: string): string {
  const words: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    int: 'a whole number',
    boolean: 'true or false',
    array: 'a list',
    object: 'a mapping',
    record: 'a mapping',
  };
  return words[expected] ?? expected;
}

function isInside(root: string, rel: string): boolean {
  const r = path.relative(root, path.resolve(root, rel));
  return r === '' || (!r.startsWith('..') && !path.isAbsolute(r));
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
