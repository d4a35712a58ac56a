// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the expected values are Terraform interpolations, not JS templates
// terraform/ without a Terraform binary: every file parses with HashiCorp's HCL parser, every reference
// resolves, variables are typed, described and validated (the validations are evaluated), generated files
// and README tables have not drifted, and the formatting is canonical.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@cdktf/hcl2json';
import { beforeAll, describe, expect, test } from '@jest/globals';
import {
  type Json,
  listFiles,
  loadModule,
  parseProblems,
  references,
  scopeOf,
  strings,
  type TfModule,
  validationFailures,
} from '../emulator/src/terraform/hcl.js';
import { ACTION_SCOPES, actionsByScope, renderCiPolicyActions } from '../scripts/iam-actions.js';
import { renderReadme } from '../scripts/terraform-docs.js';
import { iamActions } from '../shared/src/aws/operations.js';

const TF = join(dirname(fileURLToPath(import.meta.url)), '..', 'terraform');
const ROOT_MODULES = [TF, join(TF, 'bootstrap')];
const ENVIRONMENTS = ['staging', 'production'];

let main: TfModule;
let bootstrap: TfModule;
const tfvars: Record<string, Record<string, Json>> = {};

beforeAll(async () => {
  [main, bootstrap] = await Promise.all(ROOT_MODULES.map((dir) => loadModule(dir)));
  for (const env of ENVIRONMENTS) {
    const file = join(TF, 'environments', `${env}.tfvars`);
    tfvars[env] = await parse(`${env}.tfvars`, readFileSync(file, 'utf8'));
  }
});

/** Unresolved references of a module, as "file: reference (at path)". */
function unresolvedReferences(mod: TfModule): string[] {
  const dynamicLabels = new Set<string>();
  for (const f of mod.files) collectDynamicLabels(f.json, dynamicLabels);
  const builtins = new Set(['each', 'count', 'self', 'path', 'terraform', ...dynamicLabels]);
  const problems: string[] = [];
  const check = (file: string, where: string, value: Json, skip: (path: string) => boolean) => {
    for (const [path, text] of strings(value)) {
      if (skip(path)) continue;
      for (const ref of references(text)) {
        const [root, a, b] = ref.split('.');
        const ok =
          builtins.has(root) ||
          (root === 'var' && mod.variables.has(a)) ||
          (root === 'local' && mod.locals.has(a)) ||
          (root === 'module' && mod.modules.has(a)) ||
          (root === 'data' && mod.data.has(`${a}.${b}`)) ||
          mod.resources.has(`${root}.${a}`);
        if (!ok) problems.push(`${file}: ${ref} (at ${where}${path ? `.${path}` : ''})`);
      }
    }
  };
  const notLifecycle = (path: string) => /(^|\.)lifecycle\[\d+\]\.ignore_changes/.test(path);
  for (const [name, b] of mod.variables) check(b.file, `variable.${name}`, b.body, (p) => p === 'type');
  for (const [name, l] of mod.locals) check(l.file, `local.${name}`, l.expr, () => false);
  for (const [name, b] of mod.outputs) check(b.file, `output.${name}`, b.body, () => false);
  for (const [name, b] of mod.modules) check(b.file, `module.${name}`, b.body, () => false);
  for (const [name, b] of mod.resources) check(b.file, name, b.body, notLifecycle);
  for (const [name, b] of mod.data) check(b.file, `data.${name}`, b.body, notLifecycle);
  return problems;
}

function collectDynamicLabels(value: Json, into: Set<string>): void {
  if (Array.isArray(value)) for (const v of value) collectDynamicLabels(v, into);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'dynamic' && v && typeof v === 'object') for (const label of Object.keys(v)) into.add(label);
      collectDynamicLabels(v, into);
    }
  }
}

describe('terraform: parsing', () => {
  test('every .tf, .tfvars and .tfbackend file parses with the HCL parser, file by file', async () => {
    const files = [
      ...ROOT_MODULES.flatMap((dir) => listFiles(dir)),
      ...listFiles(join(TF, 'environments'), ['.tfvars', '.tfbackend']),
    ];
    expect(files.length).toBeGreaterThan(25);
    const problems: string[] = [];
    for (const file of files) {
      const name = file.slice(TF.length + 1);
      try {
        await parse(name, readFileSync(file, 'utf8'));
      } catch (error) {
        for (const p of parseProblems(error)) problems.push(`${p.file}:${p.line}:${p.column}: ${p.message}`);
        if (parseProblems(error).length === 0) problems.push(`${name}: ${String(error)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('a syntax error is reported with its own file, line and column', async () => {
    const broken = 'locals {\n  a = 1\n  b = \n}\n\nvariable "x" {\n  default = "unterminated\n}\n';
    const error = await parse('network.tf', broken).then(
      () => undefined,
      (e: unknown) => e,
    );
    const problems = parseProblems(error);
    expect(problems).toContainEqual(
      expect.objectContaining({
        file: 'network.tf',
        line: 3,
        column: 7,
        message: expect.stringMatching(/^Invalid expression/),
      }),
    );
    expect(problems).toContainEqual(
      expect.objectContaining({
        file: 'network.tf',
        line: 7,
        column: 26,
        message: expect.stringMatching(/^Invalid multi-line string/),
      }),
    );
  });

  test('the files are organised by concern, one environment per tfvars file', () => {
    const concerns = [
      'versions',
      'backend',
      'variables',
      'network',
      'endpoints',
      'security_groups',
      'alb',
      'cluster',
    ];
    const more = ['services', 'discovery', 'ecr', 'logs', 'kms', 'iam', 'ci_identity', 'database', 'scaling'];
    for (const name of [...concerns, ...more, 'alarms', 'cloudfront', 'outputs']) {
      expect(existsSync(join(TF, `${name}.tf`))).toBe(true);
    }
    for (const env of ENVIRONMENTS) {
      expect(existsSync(join(TF, 'environments', `${env}.tfvars`))).toBe(true);
      expect(existsSync(join(TF, 'environments', `${env}.s3.tfbackend`))).toBe(true);
    }
  });

  test('versions: Terraform >= 1.10 and the AWS provider 6.x; the S3 backend encrypts and uses lock files', () => {
    const versions = main.files.find((f) => f.name === 'versions.tf')?.json.terraform[0];
    expect(versions.required_version).toBe('>= 1.10');
    expect(versions.required_providers[0].aws).toMatchObject({
      source: 'hashicorp/aws',
      version: '>= 6.0, < 7.0',
    });
    const backend = main.files.find((f) => f.name === 'backend.tf')?.json.terraform[0].backend.s3[0];
    expect(backend).toMatchObject({ encrypt: true, use_lockfile: true });
    expect(backend).not.toHaveProperty('dynamodb_table');
  });
});

describe('terraform: references', () => {
  test('every var., local., module., data and resource reference resolves to a declaration', () => {
    expect(unresolvedReferences(main)).toEqual([]);
    expect(unresolvedReferences(bootstrap)).toEqual([]);
  });

  test('the reference check reports what does not resolve (and skips for-variables and dynamic iterators)', async () => {
    const text = [
      'variable "ports" {\n  type        = list(number)\n  description = "d"\n}',
      'resource "aws_vpc" "this" {\n  cidr_block = var.cidr\n}',
      'resource "aws_subnet" "a" {\n  vpc_id = aws_vpc.that.id\n  tags   = { for p in var.ports : p => "${p}-${local.missing}" }',
      '  dynamic "ingress" {\n    for_each = var.ports\n    content {\n      from_port = ingress.value\n    }\n  }\n}',
      'output "x" {\n  value = data.aws_region.nope.region\n}',
    ].join('\n');
    const dir = mkdtempSync(join(tmpdir(), 'tf-refs-'));
    try {
      writeFileSync(join(dir, 'main.tf'), text);
      const problems = unresolvedReferences(await loadModule(dir));
      expect(problems.map((p) => p.split(' ')[1]).sort()).toEqual([
        'aws_vpc.that',
        'data.aws_region.nope',
        'local.missing',
        'var.cidr',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('every variable and local is used somewhere', () => {
    for (const mod of [main, bootstrap]) {
      const used = new Set<string>();
      const all = mod.files.flatMap((f) => [...strings(f.json)].map(([, text]) => text));
      for (const text of all)
        for (const ref of references(text)) used.add(ref.split('.').slice(0, 2).join('.'));
      const unused = [
        ...[...mod.variables.keys()].map((v) => `var.${v}`),
        ...[...mod.locals.keys()].map((l) => `local.${l}`),
      ].filter((name) => !used.has(name));
      expect(unused).toEqual([]);
    }
  });
});

describe('terraform: variables and outputs', () => {
  test('every variable has a type and a description', () => {
    for (const mod of [main, bootstrap]) {
      for (const [name, { body }] of mod.variables) {
        expect({ name, type: typeof body.type }).toEqual({ name, type: 'string' });
        expect({ name, description: (body.description ?? '').length > 10 }).toEqual({
          name,
          description: true,
        });
      }
    }
  });

  test('every string, number and list variable is validated, with an error message', () => {
    for (const mod of [main, bootstrap]) {
      for (const [name, { body }] of mod.variables) {
        const type = String(body.type).replace(/^\$\{|\}$/g, '');
        if (type === 'bool' || type === 'map(string)') continue;
        const validations = (body.validation ?? []) as Json[];
        expect({ name, validated: validations.length > 0 }).toEqual({ name, validated: true });
        for (const v of validations) expect(v.error_message.length).toBeGreaterThan(10);
      }
    }
  });

  test('the defaults and both environments pass every validation', () => {
    for (const env of ENVIRONMENTS) {
      const scope = scopeOf(main, tfvars[env]);
      for (const name of main.variables.keys())
        expect({ env, name, failures: validationFailures(main, name, scope) }).toEqual({
          env,
          name,
          failures: [],
        });
    }
    const defaults = scopeOf(bootstrap);
    for (const name of bootstrap.variables.keys())
      expect(validationFailures(bootstrap, name, defaults)).toEqual([]);
  });

  const rejected: [string, Json, RegExp][] = [
    ['environment', 'prod', /staging.*production/],
    ['region', 'Paris', /region code/],
    ['vpc_cidr', '10.0.0.0/8', /\/16 and \/20/],
    ['vpc_cidr', '10.40.0.300/16', /IPv4 CIDR/],
    ['az_count', 1, /2 or 3/],
    ['az_count', 4, /2 or 3/],
    ['alb_ingress_cidrs', ['0.0.0.0/0', 'everyone'], /IPv4 CIDRs/],
    ['test_listener_cidrs', ['0.0.0.0/0'], /other than 0\.0\.0\.0\/0/],
    ['test_listener_port', 443, /1024 to 65535/],
    ['alb_ssl_policy', 'ELBSecurityPolicy-2016-08', /TLS 1\.2\+/],
    ['certificate_arn', 'arn:aws:iam::123456789012:server-certificate/x', /ACM certificate ARN/],
    ['fargate_spot_weight', 0, /must be positive/],
    ['log_retention_days', 45, /retention value/],
    ['db_backup_retention_days', 0, /1-35/],
    ['db_username', 'postgres', /reserved/],
    ['bootstrap_image_tag', 'latest', /other than latest/],
    ['alarm_email', 'oncall', /e-mail/],
  ];

  test.each(rejected)('validation rejects %s = %j', (name, value, message) => {
    const scope = scopeOf(main, { ...tfvars.staging, [name]: value });
    const failures = validationFailures(main, name, scope);
    expect(failures.join(' ')).toMatch(message);
  });

  test('production refuses log retention under 365 days (IAC-8), staging allows it', () => {
    const fails = (env: string) =>
      validationFailures(
        main,
        'log_retention_days',
        scopeOf(main, { ...tfvars[env], log_retention_days: 90 }),
      );
    expect(fails('production')).toEqual([
      'Production logs must be kept at least 365 days (log_retention_days >= 365).',
    ]);
    expect(fails('staging')).toEqual([]);
  });

  test('the services map is validated: Fargate sizes, counts, unique priorities, blue/green needs a route, known callers', () => {
    const base = scopeOf(main, tfvars.staging).vars.services;
    const withService = (patch: Json) => {
      const scope = scopeOf(main, { ...tfvars.staging, services: { ...base, ...patch } });
      return validationFailures(main, 'services', scope).join(' ');
    };
    expect(withService({})).toBe('');
    expect(withService({ x: { port: 3000, cpu: 300 } })).toMatch(/Fargate cpu/);
    expect(withService({ x: { port: 3000, min_count: 3, desired_count: 2 } })).toMatch(
      /min_count <= desired_count/,
    );
    expect(
      withService({
        x: { port: 3000, path_patterns: ['/x/*'], listener_priority: 5 },
        y: { port: 3000, path_patterns: ['/y/*'], listener_priority: 5 },
      }),
    ).toMatch(/unique/);
    expect(withService({ x: { port: 3000, blue_green: true } })).toMatch(/blue_green needs path_patterns/);
    expect(withService({ x: { port: 3000, ingress_from: ['nobody'] } })).toMatch(
      /ingress_from must name other services/,
    );
    expect(withService({ X: { port: 80 } })).toMatch(/lowercase/);
  });

  test('CloudFront needs an origin name the ALB certificate covers', () => {
    const scope = scopeOf(main, { ...tfvars.staging, enable_cloudfront: true });
    expect(validationFailures(main, 'cloudfront_origin_domain', scope).join(' ')).toMatch(
      /required when enable_cloudfront/,
    );
    const named = scopeOf(main, {
      ...tfvars.staging,
      enable_cloudfront: true,
      cloudfront_origin_domain: 'origin.example.com',
    });
    expect(validationFailures(main, 'cloudfront_origin_domain', named)).toEqual([]);
  });

  test('tfvars files set only declared variables, every required one, and their own environment', () => {
    const required = [...main.variables].filter(([, b]) => !('default' in b.body)).map(([n]) => n);
    expect(required.sort()).toEqual(['certificate_arn', 'environment']);
    for (const env of ENVIRONMENTS) {
      expect(Object.keys(tfvars[env]).filter((k) => !main.variables.has(k))).toEqual([]);
      for (const name of required) expect(tfvars[env]).toHaveProperty(name);
      expect(tfvars[env].environment).toBe(env);
    }
  });

  test('every output is described; the services output carries the whole deployment hand-off', () => {
    for (const mod of [main, bootstrap]) {
      for (const [name, { body }] of mod.outputs)
        expect({ name, described: (body.description ?? '').length > 10 }).toEqual({ name, described: true });
    }
    const value = main.outputs.get('services')?.body.value as string;
    for (const key of [
      'cluster',
      'service',
      'task_family',
      'container_name',
      'repository_url',
      'task_role_arn',
      'execution_role_arn',
      'subnets',
      'security_groups',
      'target_groups',
      'listener_rules',
      'deployment_strategy',
    ]) {
      expect(value).toMatch(new RegExp(`\\b${key}\\s+=`));
    }
  });
});

describe('terraform: generated files', () => {
  test('ci_policy_actions.tf matches the operations registry (regenerate: npx tsx scripts/iam-actions.ts)', () => {
    expect(readFileSync(join(TF, 'ci_policy_actions.tf'), 'utf8')).toBe(renderCiPolicyActions());
  });

  test('every registry action has a resource scope; only trust-policy actions are left out', () => {
    const scoped = Object.values(actionsByScope()).flat();
    const left = iamActions().filter((a) => !scoped.includes(a));
    expect(left).toEqual(['sts:AssumeRoleWithWebIdentity']);
    expect(ACTION_SCOPES[left[0]]).toBe('trust_policy');
    expect(() => actionsByScope([...iamActions(), 'ecs:DeleteCluster'])).toThrow(
      /No IAM resource scope for ecs:DeleteCluster/,
    );
  });

  test('README inputs and outputs tables match the .tf files (regenerate: npx tsx scripts/terraform-docs.ts)', async () => {
    const readme = readFileSync(join(TF, 'README.md'), 'utf8');
    expect(readme).toBe(await renderReadme(readme));
    for (const name of main.variables.keys()) expect(readme).toContain(`| \`${name}\` |`);
    for (const name of main.outputs.keys()) expect(readme).toContain(`| \`${name}\` |`);
  });
});

// --- Formatting --------------------------------------------------------------------------------------------------

/**
 * The canonical-format rules we can check without Terraform: no tabs or trailing spaces, a final newline,
 * two spaces per open bracket, and the `=` of consecutive one-line attributes aligned one space after the
 * longest name (terraform fmt's alignment). Heredoc bodies are left alone.
 */
function formatProblems(name: string, text: string): string[] {
  const problems: string[] = [];
  const lines = text.split('\n');
  if (!text.endsWith('\n') || text.endsWith('\n\n'))
    problems.push(`${name}: must end with exactly one newline`);
  // One indentation level per line that leaves brackets open (`jsonencode({` is one level, not two).
  const open: number[] = [];
  const level = () => new Set(open).size;
  let heredoc: string | undefined;
  let run: { line: number; indent: number; key: number; eq: number }[] = [];
  const flush = () => {
    if (run.length > 1) {
      const column = Math.max(...run.map((r) => r.key)) + 1;
      for (const r of run)
        if (r.eq !== column)
          problems.push(`${name}:${r.line}: = not aligned (column ${r.eq + 1}, expected ${column + 1})`);
    } else if (run.length === 1 && run[0].eq !== run[0].key + 1) {
      problems.push(`${name}:${run[0].line}: one space before =`);
    }
    run = [];
  };
  lines.forEach((line, index) => {
    const n = index + 1;
    if (heredoc) {
      if (line.trim() === heredoc) heredoc = undefined;
      return;
    }
    if (line.includes('\t')) problems.push(`${name}:${n}: tab`);
    if (/\s$/.test(line)) problems.push(`${name}:${n}: trailing whitespace`);
    const code = stripStringsAndComments(line);
    const opens = (code.match(/[{[(]/g) ?? []).length;
    const closes = (code.match(/[}\])]/g) ?? []).length;
    const leadingCloses = /^\s*([}\])]*)/.exec(code)?.[1].length ?? 0;
    open.splice(open.length - leadingCloses, leadingCloses);
    if (line.trim() !== '') {
      const expected = 2 * level();
      const indent = line.length - line.trimStart().length;
      if (indent !== expected) problems.push(`${name}:${n}: indented ${indent}, expected ${expected}`);
    }
    const attr = /^(\s*)([A-Za-z0-9_"-]+)(\s*)=(?![=>])/.exec(line);
    if (attr && opens === closes) {
      const key = attr[1].length + attr[2].length;
      if (run.length > 0 && run[0].indent !== attr[1].length) flush();
      run.push({ line: n, indent: attr[1].length, key, eq: key + attr[3].length });
    } else {
      flush();
      if (attr && attr[3] !== ' ') problems.push(`${name}:${n}: one space before =`);
    }
    for (const c of code.trimStart().slice(leadingCloses)) {
      if ('{[('.includes(c)) open.push(n);
      else if ('}])'.includes(c)) open.pop();
    }
    const here = /<<-?([A-Z]+)\s*$/.exec(line);
    if (here) heredoc = here[1];
  });
  flush();
  if (open.length !== 0) problems.push(`${name}: unbalanced brackets`);
  return problems;
}

function stripStringsAndComments(line: string): string {
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') {
      let depth = 0;
      for (i++; i < line.length; i++) {
        if (line[i] === '\\') i++;
        else if (line.startsWith('${', i)) {
          depth++;
          i++;
        } else if (line[i] === '}' && depth > 0) depth--;
        else if (line[i] === '"' && depth === 0) break;
      }
      out += '""';
    } else if (c === '#' || line.startsWith('//', i)) {
      break;
    } else {
      out += c;
    }
  }
  return out;
}

const hasTerraform = spawnSync('terraform', ['version'], { stdio: 'ignore' }).status === 0;

describe('terraform: formatting', () => {
  test('lint (no terraform needed): indentation by bracket depth, aligned =, no tabs or trailing spaces', () => {
    const files = [
      ...ROOT_MODULES.flatMap((dir) => listFiles(dir)),
      ...listFiles(join(TF, 'environments'), ['.tfvars', '.tfbackend']),
    ];
    const problems = files.flatMap((f) => formatProblems(f.slice(TF.length + 1), readFileSync(f, 'utf8')));
    expect(problems).toEqual([]);
  });

  test('the lint catches misindented and misaligned code', () => {
    const bad = 'resource "x" "y" {\n   a = 1\n  bb = 2\n  ccc   = 3\n}\n';
    expect(formatProblems('bad.tf', bad)).toEqual([
      'bad.tf:2: indented 3, expected 2',
      'bad.tf:3: = not aligned (column 6, expected 7)',
      'bad.tf:4: = not aligned (column 9, expected 7)',
    ]);
  });

  (hasTerraform ? test : test.skip)(
    'terraform fmt -check -recursive agrees (runs only where a terraform binary exists)',
    () => {
      const result = spawnSync('terraform', ['fmt', '-check', '-recursive', '-list=true', TF], {
        encoding: 'utf8',
        env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' },
      });
      expect(result.stdout.trim()).toBe('');
      expect(result.status).toBe(0);
    },
  );
});
