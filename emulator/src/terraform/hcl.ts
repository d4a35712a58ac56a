// Reading Terraform without Terraform: files parsed one by one with HashiCorp's HCL parser (@cdktf/hcl2json,
// wasm), references found by a small lexer over the expression text, and a small evaluator for the subset of
// expressions terraform/ uses (templates, traversals with [*] splats, operators, ?:, list/object literals,
// [for …] and {for …} with if, can()/try() and the pure functions below, variable type defaults from
// optional()). Resource and data attributes are reachable through Scope.roots (plan.ts fills them).
// Anything outside that subset throws rather than guessing.
// Comment directives (checkov:skip, trivy:ignore) come from the raw text: the parser drops comments.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// biome-ignore lint/suspicious/noExplicitAny: hcl2json returns untyped JSON
export type Json = any;

export interface TfFile {
  name: string;
  path: string;
  text: string;
  json: Json;
}

/** One parse problem, located as HCL reports it (file:line,col). */
export interface ParseProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** Splits hcl2json's single error string ("parse config: [f.tf:4,19-5,1: Summary; detail. …]"). */
export function parseProblems(error: unknown): ParseProblem[] {
  const text = error instanceof Error ? error.message : String(error);
  const problems: ParseProblem[] = [];
  const pattern = /([^\s[\]]+):(\d+),(\d+)-(?:\d+,)?\d+: ([\s\S]*?)(?=\s[^\s[\]]+:\d+,\d+-|\]$|$)/g;
  for (const m of text.matchAll(pattern)) {
    problems.push({ file: m[1], line: Number(m[2]), column: Number(m[3]), message: m[4].trim() });
  }
  return problems;
}

/**
 * HashiCorp's parser, loaded on first use: it starts a Go wasm runtime when imported, and the bundled CLI
 * resolves it from node_modules (its wasm file cannot be bundled).
 */
async function hclParser(): Promise<typeof import('@cdktf/hcl2json')> {
  try {
    return await import('@cdktf/hcl2json');
  } catch (err) {
    throw new Error(
      `the Terraform parser @cdktf/hcl2json is not installed (${(err as Error).message}): run \`npm install @cdktf/hcl2json\` where cendence runs`,
    );
  }
}

export async function parseFile(path: string, name = path.split('/').pop() ?? path): Promise<TfFile> {
  const text = readFileSync(path, 'utf8');
  const { parse } = await hclParser();
  return { name, path, text, json: await parse(name, text) };
}

/** Every file of a root module (not recursive) whose name ends with one of the extensions. */
export function listFiles(dir: string, extensions = ['.tf']): string[] {
  return readdirSync(dir)
    .filter((f) => extensions.some((ext) => f.endsWith(ext)))
    .sort()
    .map((f) => join(dir, f));
}

export interface Block {
  file: string;
  body: Json;
}

/** A root module: declarations by kind, keyed as Terraform addresses them. */
export interface TfModule {
  files: TfFile[];
  variables: Map<string, Block>;
  locals: Map<string, { file: string; expr: Json }>;
  outputs: Map<string, Block>;
  modules: Map<string, Block>;
  /** "type.name" */
  resources: Map<string, Block>;
  /** "type.name" (without the data. prefix) */
  data: Map<string, Block>;
}

export async function loadModule(dir: string): Promise<TfModule> {
  const files = await Promise.all(listFiles(dir).map((p) => parseFile(p)));
  const mod: TfModule = {
    files,
    variables: new Map(),
    locals: new Map(),
    outputs: new Map(),
    modules: new Map(),
    resources: new Map(),
    data: new Map(),
  };
  const add = (map: Map<string, Block>, key: string, file: string, body: Json) => {
    if (map.has(key))
      throw new Error(`${file}: duplicate declaration ${key} (also in ${map.get(key)?.file})`);
    map.set(key, { file, body });
  };
  for (const f of files) {
    for (const [name, blocks] of Object.entries<Json[]>(f.json.variable ?? {}))
      add(mod.variables, name, f.name, blocks[0]);
    for (const [name, blocks] of Object.entries<Json[]>(f.json.output ?? {}))
      add(mod.outputs, name, f.name, blocks[0]);
    for (const [name, blocks] of Object.entries<Json[]>(f.json.module ?? {}))
      add(mod.modules, name, f.name, blocks[0]);
    for (const kind of ['resource', 'data'] as const) {
      for (const [type, byName] of Object.entries<Record<string, Json[]>>(f.json[kind] ?? {})) {
        for (const [name, blocks] of Object.entries(byName)) {
          add(kind === 'resource' ? mod.resources : mod.data, `${type}.${name}`, f.name, blocks[0]);
        }
      }
    }
    for (const block of (f.json.locals ?? []) as Json[]) {
      for (const [name, expr] of Object.entries(block)) {
        if (mod.locals.has(name)) throw new Error(`${f.name}: duplicate local ${name}`);
        mod.locals.set(name, { file: f.name, expr });
      }
    }
  }
  return mod;
}

/** Resources (or data sources) of one type, by name. */
export function ofType(map: Map<string, Block>, type: string): [string, Json][] {
  return [...map.entries()]
    .filter(([key]) => key.startsWith(`${type}.`))
    .map(([key, b]) => [key.slice(type.length + 1), b.body]);
}

export function resource(mod: TfModule, address: string): Json {
  const block = mod.resources.get(address);
  if (!block) throw new Error(`no resource ${address}`);
  return block.body;
}

export function dataSource(mod: TfModule, address: string): Json {
  const block = mod.data.get(address);
  if (!block) throw new Error(`no data source ${address}`);
  return block.body;
}

/** Every string in a JSON value with its path, for scanning expressions. */
export function* strings(value: Json, path = ''): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, `${path}[${i}]`);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) yield* strings(v, path ? `${path}.${k}` : k);
}

/** Unwraps "${expr}" to "expr" (a whole-string interpolation), else undefined. */
export function soleExpression(value: string): string | undefined {
  const parts = templateParts(value);
  return parts.length === 1 && parts[0].kind === 'expr' ? parts[0].text : undefined;
}

// --- Lexer ----------------------------------------------------------------------------------------------------

type TemplatePart = { kind: 'literal'; text: string } | { kind: 'expr'; text: string };

/** Splits a template string into literal text and ${…} expressions (brace- and string-aware). */
export function templateParts(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      literal += '${';
      i += 3;
    } else if (text.startsWith('${', i)) {
      if (literal) parts.push({ kind: 'literal', text: literal });
      literal = '';
      const end = matchingBrace(text, i + 1);
      parts.push({ kind: 'expr', text: text.slice(i + 2, end).trim() });
      i = end + 1;
    } else {
      literal += text[i];
      i += 1;
    }
  }
  if (literal || parts.length === 0) parts.push({ kind: 'literal', text: literal });
  return parts;
}

/** Index of the } closing the { at `open`, skipping quoted strings (with their own templates). */
function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"') i = closingQuote(text, i);
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  throw new Error(`unbalanced braces in ${JSON.stringify(text)}`);
}

function closingQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text.startsWith('${', i)) i = matchingBrace(text, i + 1);
    else if (text[i] === '"') return i;
  }
  throw new Error(`unterminated string in ${JSON.stringify(text)}`);
}

/** The content of a quoted HCL string with its escapes resolved; ${…} parts are kept verbatim. */
function unescapeString(raw: string): string {
  const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '\\') {
      out += escapes[raw[i + 1]] ?? raw[i + 1];
      i++;
    } else if (raw.startsWith('${', i)) {
      const end = matchingBrace(raw, i + 1);
      out += raw.slice(i, end + 1);
      i = end;
    } else {
      out += raw[i];
    }
  }
  return out;
}

type Token =
  | { t: 'ident'; v: string }
  | { t: 'num'; v: number }
  | { t: 'str'; v: string }
  | { t: 'op'; v: string };

const OPERATORS = [
  '==',
  '!=',
  '&&',
  '||',
  '=>',
  '<=',
  '>=',
  '...',
  '?',
  ':',
  '.',
  ',',
  '[',
  ']',
  '(',
  ')',
  '{',
  '}',
  '=',
  '!',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
];

function tokenize(code: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < code.length) {
    const c = code[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#' || code.startsWith('//', i)) {
      // hcl2json keeps comments inside multi-line expressions.
      const end = code.indexOf('\n', i);
      i = end < 0 ? code.length : end;
    } else if (code.startsWith('/*', i)) {
      const end = code.indexOf('*/', i + 2);
      i = end < 0 ? code.length : end + 2;
    } else if (c === '"') {
      const end = closingQuote(code, i);
      tokens.push({ t: 'str', v: unescapeString(code.slice(i + 1, end)) });
      i = end + 1;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(code.slice(i)) as RegExpExecArray;
      tokens.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(code.slice(i)) as RegExpExecArray;
      tokens.push({ t: 'ident', v: m[0] });
      i += m[0].length;
    } else {
      const op = OPERATORS.find((o) => code.startsWith(o, i));
      if (!op) throw new Error(`unexpected ${JSON.stringify(c)} in ${JSON.stringify(code)}`);
      tokens.push({ t: 'op', v: op });
      i += op.length;
    }
  }
  return tokens;
}

// --- References ----------------------------------------------------------------------------------------------

const KEYWORDS = new Set(['for', 'in', 'if', 'true', 'false', 'null']);

/**
 * The traversals an expression string refers to, as their first segments ("var.x", "local.y",
 * "aws_vpc.this", "data.aws_region.current", "each.value"), from every ${…} in it, nested templates
 * included. For-expression variables are left out.
 */
export function references(value: string, outerBound: ReadonlySet<string> = new Set()): string[] {
  const refs: string[] = [];
  for (const part of templateParts(value)) {
    if (part.kind === 'expr') refs.push(...codeReferences(part.text, outerBound));
  }
  return refs;
}

function codeReferences(code: string, outerBound: ReadonlySet<string>): string[] {
  const tokens = tokenize(code);
  // For-expression variables are in scope for the whole expression here, nested templates included.
  const bound = new Set(outerBound);
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].t === 'ident' && tokens[i].v === 'for') {
      for (let j = i + 1; j < tokens.length && !(tokens[j].t === 'ident' && tokens[j].v === 'in'); j++) {
        if (tokens[j].t === 'ident') bound.add(tokens[j].v as string);
      }
    }
  }
  const refs: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    if (tok.t === 'str') {
      refs.push(...references(tok.v, bound));
      continue;
    }
    if (tok.t !== 'ident' || KEYWORDS.has(tok.v) || bound.has(tok.v)) continue;
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    if (prev?.t === 'op' && prev.v === '.') continue; // an attribute, not a root
    if (next?.t === 'op' && (next.v === '(' || next.v === '=')) continue; // a function call or an object key
    const segments = [tok.v];
    for (
      let j = i + 1;
      tokens[j]?.t === 'op' && tokens[j].v === '.' && tokens[j + 1]?.t === 'ident';
      j += 2
    ) {
      segments.push(tokens[j + 1].v as string);
    }
    refs.push(segments.slice(0, segments[0] === 'data' ? 3 : 2).join('.'));
  }
  return refs;
}

// --- Evaluator -------------------------------------------------------------------------------------------------

export interface Scope {
  vars: Record<string, Json>;
  /** Raw local expressions (as hcl2json returns them); evaluated on use. */
  locals: Record<string, Json>;
  /** Names bound by for-expressions (and each/count/dynamic iterators). */
  bindings?: Record<string, Json>;
  /** Other root names (resource types, data): objects whose attributes are read by traversal. */
  roots?: Record<string, Json>;
}

/** An IPv4 CIDR check standing in for cidrhost(prefix, 0), which fails on anything else. */
function cidrhost(prefix: string, host: number): string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(prefix);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32)
    throw new Error(`invalid CIDR ${prefix}`);
  return host === 0 ? m.slice(1, 5).join('.') : fail(`cidrhost(_, ${host}) is not modelled`);
}

function fail(message: string): never {
  throw new Error(message);
}

/** cidrsubnet(prefix, newbits, netnum) for IPv4. */
function cidrsubnet(prefix: string, newbits: number, netnum: number): string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(prefix);
  if (!m) throw new Error(`invalid CIDR ${prefix}`);
  const bits = Number(m[5]) + newbits;
  if (bits > 32 || netnum >= 2 ** newbits)
    throw new Error(`cidrsubnet: ${netnum} does not fit in ${newbits} bits`);
  const base = m.slice(1, 5).reduce((a, o) => a * 256 + Number(o), 0);
  const mask = bits === 0 ? 0 : 2 ** 32 - 2 ** (32 - bits);
  const ip = ((base & mask) >>> 0) + netnum * 2 ** (32 - bits);
  return `${[24, 16, 8, 0].map((sh) => Math.floor(ip / 2 ** sh) % 256).join('.')}/${bits}`;
}

/** format() for the verbs terraform/ uses: %s, %d, %v, %%. */
function format(spec: string, ...args: Json[]): string {
  let i = 0;
  return spec.replace(/%([sdv%])/g, (_, verb: string) => (verb === '%' ? '%' : String(args[i++])));
}

/** jsonencode(): Terraform writes object keys in lexical order. */
function jsonencode(v: Json): string {
  const sorted = (x: Json): Json =>
    Array.isArray(x)
      ? x.map(sorted)
      : x && typeof x === 'object'
        ? Object.fromEntries(
            Object.keys(x)
              .sort()
              .map((k) => [k, sorted(x[k])]),
          )
        : x;
  return JSON.stringify(sorted(v));
}

const FUNCTIONS: Record<string, (...args: Json[]) => Json> = {
  abs: (n: number) => Math.abs(n),
  ceil: (n: number) => Math.ceil(n),
  cidrsubnet,
  coalesce: (...vs: Json[]) =>
    vs.find((v) => v !== null && v !== undefined && v !== '') ?? fail('coalesce: no non-null argument'),
  element: (list: Json[], i: number) => list[i % list.length],
  format,
  join: (sep: string, list: Json[]) => list.join(sep),
  jsondecode: (s: string) => JSON.parse(s),
  jsonencode,
  lookup: (obj: Json, key: string, dflt?: Json) =>
    obj && key in obj ? obj[key] : (dflt ?? fail(`lookup: no key ${key}`)),
  max: (...ns: number[]) => Math.max(...ns),
  merge: (...objs: Json[]) => Object.assign({}, ...objs.filter((o) => o !== null)),
  min: (...ns: number[]) => Math.min(...ns),
  one: (list: Json[]) =>
    list.length === 0 ? null : list.length === 1 ? list[0] : fail('one: more than one element'),
  range: (...a: number[]) => {
    const [start, end, step] = a.length === 1 ? [0, a[0], 1] : [a[0], a[1], a[2] ?? 1];
    const out: number[] = [];
    for (let i = start; step > 0 ? i < end : i > end; i += step) out.push(i);
    return out;
  },
  replace: (s: string, find: string, repl: string) => s.split(find).join(repl),
  setproduct: (...lists: Json[][]) =>
    lists.reduce<Json[][]>((acc, list) => acc.flatMap((prefix) => list.map((x) => [...prefix, x])), [[]]),
  slice: (list: Json[], start: number, end: number) =>
    end > list.length
      ? fail(`slice: end ${end} is beyond the ${list.length} elements`)
      : list.slice(start, end),
  sort: (list: string[]) => [...list].sort(),
  substr: (s: string, offset: number, length: number) =>
    length < 0 ? s.slice(offset) : s.slice(offset, offset + length),
  tolist: (list: Json[]) => list,
  tomap: (obj: Json) => obj,
  tostring: (v: Json) => (v === null ? null : String(v)),
  zipmap: (ks: string[], vs: Json[]) => Object.fromEntries(ks.map((k, i) => [k, vs[i]])),
  alltrue: (list: Json[]) => list.every(Boolean),
  anytrue: (list: Json[]) => list.some(Boolean),
  cidrhost,
  concat: (...lists: Json[][]) => lists.flat(1),
  contains: (list: Json[], v: Json) => list.some((x) => deepEqual(x, v)),
  distinct: (list: Json[]) => list.filter((x, i) => list.findIndex((y) => deepEqual(x, y)) === i),
  endswith: (s: string, suffix: string) => s.endsWith(suffix),
  flatten: (list: Json[]) => list.flat(Number.POSITIVE_INFINITY),
  floor: (n: number) => Math.floor(n),
  keys: (obj: Json) => Object.keys(obj).sort(),
  length: (v: Json) => (typeof v === 'string' || Array.isArray(v) ? v.length : Object.keys(v).length),
  lower: (s: string) => s.toLowerCase(),
  regex: (pattern: string, s: string) => {
    const m = new RegExp(pattern).exec(s);
    return m ? m[0] : fail(`regex ${pattern} does not match ${s}`);
  },
  split: (sep: string, s: string) => s.split(sep),
  startswith: (s: string, prefix: string) => s.startsWith(prefix),
  strcontains: (s: string, sub: string) => s.includes(sub),
  toset: (list: Json[]) => [...new Set(list.map((x) => JSON.stringify(x)))].sort().map((x) => JSON.parse(x)),
  tonumber: (v: Json) => (Number.isNaN(Number(v)) ? fail(`not a number: ${v}`) : Number(v)),
  trimprefix: (s: string, prefix: string) => (s.startsWith(prefix) ? s.slice(prefix.length) : s),
  upper: (s: string) => s.toUpperCase(),
  values: (obj: Json) =>
    Object.keys(obj)
      .sort()
      .map((k) => obj[k]),
};

/** Evaluates a value as hcl2json returns it (a literal, a template, or nested lists/objects of those). */
export function evaluate(value: Json, scope: Scope): Json {
  if (typeof value === 'string') {
    const parts = templateParts(value);
    if (parts.length === 1 && parts[0].kind === 'expr') return evalCode(parts[0].text, scope);
    return parts.map((p) => (p.kind === 'literal' ? p.text : String(evalCode(p.text, scope)))).join('');
  }
  if (Array.isArray(value)) return value.map((v) => evaluate(v, scope));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluate(v, scope)]));
  }
  return value;
}

function evalCode(code: string, scope: Scope): Json {
  const parser = new Parser(tokenize(code), code, scope);
  const result = parser.expression();
  parser.end();
  return result;
}

const PRECEDENCE: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '>': 4,
  '<=': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
};

function applyBinary(op: string, a: Json, b: Json): Json {
  switch (op) {
    case '==':
      return deepEqual(a, b);
    case '!=':
      return !deepEqual(a, b);
    case '&&':
      return Boolean(a) && Boolean(b);
    case '||':
      return Boolean(a) || Boolean(b);
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    case '>=':
      return a >= b;
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    default:
      return a % b;
  }
}

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly code: string,
    private readonly scope: Scope,
  ) {}

  end(): void {
    if (this.i < this.tokens.length) this.fail(`unexpected ${JSON.stringify(this.tokens[this.i].v)}`);
  }

  expression(): Json {
    const condition = this.binary(1);
    if (!this.takeOp('?')) return condition;
    // Only the chosen branch is evaluated, so `x == null ? null : x.a` works as in Terraform.
    const yes = this.deferred();
    this.expectOp(':');
    const no = this.deferred();
    return condition ? yes() : no();
  }

  /** Skips over one sub-expression and returns a function evaluating it (with extra bindings). */
  private deferred(stopAt?: string): (bindings?: Record<string, Json>) => Json {
    const start = this.i;
    this.skipExpression(stopAt);
    const tokens = this.tokens.slice(start, this.i);
    return (bindings = {}) => {
      const scope = { ...this.scope, bindings: { ...this.scope.bindings, ...bindings } };
      const p = new Parser(tokens, this.code, scope);
      const v = p.expression();
      p.end();
      return v;
    };
  }

  /** Advances over one expression at the current depth (to ':' ',' a closing bracket, `stopAt`, or the end). */
  private skipExpression(stopAt?: string): void {
    let depth = 0;
    let openConditionals = 0;
    const start = this.i;
    for (; this.i < this.tokens.length; this.i++) {
      const tok = this.tokens[this.i];
      if (depth === 0 && tok.v === stopAt) return;
      // Two operands in a row at depth 0: the next object entry (entries may be separated by newlines).
      const prev = this.tokens[this.i - 1];
      if (
        depth === 0 &&
        this.i > start &&
        tok.t !== 'op' &&
        (prev.t !== 'op' || [')', ']', '}'].includes(prev.v))
      )
        return;
      if (tok.t !== 'op') continue;
      if (['(', '[', '{'].includes(tok.v)) depth++;
      else if ([')', ']', '}'].includes(tok.v)) {
        if (depth === 0) return;
        depth--;
      } else if (depth === 0 && tok.v === ',') return;
      else if (depth === 0 && tok.v === '?') openConditionals++;
      else if (depth === 0 && tok.v === ':') {
        if (openConditionals === 0) return;
        openConditionals--;
      }
    }
  }

  private binary(min: number): Json {
    let left = this.unary();
    for (;;) {
      const tok = this.tokens[this.i];
      const prec = tok?.t === 'op' ? PRECEDENCE[tok.v] : undefined;
      if (prec === undefined || prec < min) return left;
      this.i++;
      left = applyBinary(tok.v as string, left, this.binary(prec + 1));
    }
  }

  private unary(): Json {
    if (this.takeOp('!')) return !this.unary();
    if (this.takeOp('-')) return -this.unary();
    return this.postfix(this.primary());
  }

  private postfix(value: Json): Json {
    for (;;) {
      if (this.takeOp('.')) {
        const name = this.ident();
        if (value === null || value === undefined) this.fail(`attribute ${name} of null`);
        value = value[name] ?? null;
      } else if (this.tokens[this.i]?.v === '[' && this.tokens[this.i + 1]?.v === '*') {
        this.i += 2;
        this.expectOp(']');
        // A splat: later .attr traversals apply to every element (a single value is a one-element list).
        let list: Json[] = Array.isArray(value)
          ? value
          : value === null || value === undefined
            ? []
            : [value];
        while (this.takeOp('.')) {
          const name = this.ident();
          list = list.map((v) => v?.[name] ?? null);
        }
        return list;
      } else if (this.takeOp('[')) {
        const key = this.expression();
        this.expectOp(']');
        value = value?.[key] ?? null;
      } else {
        return value;
      }
    }
  }

  private primary(): Json {
    const tok = this.tokens[this.i++];
    if (!tok) this.fail('unexpected end');
    if (tok.t === 'num') return tok.v;
    if (tok.t === 'str') return evaluate(tok.v, this.scope);
    if (tok.t === 'op') {
      if (tok.v === '(') {
        const v = this.expression();
        this.expectOp(')');
        return v;
      }
      if (tok.v === '[') return this.peekIdent('for') ? this.forList() : this.list(']');
      if (tok.v === '{') return this.peekIdent('for') ? this.forObject() : this.object();
      this.fail(`unsupported ${tok.v}`);
    }
    const name = tok.v as string;
    if (name === 'true') return true;
    if (name === 'false') return false;
    if (name === 'null') return null;
    if (this.takeOp('(')) {
      if (name === 'can') {
        const arg = this.deferred();
        this.expectOp(')');
        try {
          arg();
          return true;
        } catch {
          return false;
        }
      }
      if (name === 'try') {
        const args: ((b?: Record<string, Json>) => Json)[] = [];
        while (!this.takeOp(')')) {
          args.push(this.deferred());
          this.takeOp(',');
        }
        for (const arg of args) {
          try {
            return arg();
          } catch {}
        }
        this.fail('try: no argument could be evaluated');
      }
      const fn = FUNCTIONS[name];
      if (!fn) this.fail(`unsupported function ${name}()`);
      return fn(...this.list(')'));
    }
    if (this.scope.bindings && name in this.scope.bindings) return this.scope.bindings[name];
    if (name === 'var') {
      this.expectOp('.');
      const v = this.ident();
      if (!(v in this.scope.vars)) this.fail(`undeclared variable ${v}`);
      return this.scope.vars[v];
    }
    if (name === 'local') {
      this.expectOp('.');
      const l = this.ident();
      if (!(l in this.scope.locals)) this.fail(`undeclared local ${l}`);
      return evaluate(this.scope.locals[l], this.scope);
    }
    if (this.scope.roots && name in this.scope.roots) return this.scope.roots[name];
    return this.fail(`cannot evaluate ${name} (only var., local., for-variables, resources and literals)`);
  }

  /** { key = value, … } (the opening { is consumed); entries may be separated by commas or newlines. */
  private object(): Json {
    const out: Record<string, Json> = {};
    while (!this.takeOp('}')) {
      const tok = this.tokens[this.i];
      let key: Json;
      if (tok?.t === 'ident' && (this.tokens[this.i + 1]?.v === '=' || this.tokens[this.i + 1]?.v === ':')) {
        key = tok.v;
        this.i++;
      } else key = this.expression();
      if (!this.takeOp('=')) this.expectOp(':');
      out[String(key)] = this.expression();
      this.takeOp(',');
    }
    return out;
  }

  /** {for k, v in coll : key => value if cond} (the opening { is consumed). */
  private forObject(): Json {
    const { entries, deferred } = this.forHeader();
    const key = deferred('=>');
    this.expectOp('=>');
    const value = deferred('if');
    const condition = this.forCondition('}');
    const out: Record<string, Json> = {};
    for (const b of entries) if (condition(b)) out[String(key(b))] = value(b);
    return out;
  }

  /** [for k, v in coll : body if cond] (the opening [ is consumed). */
  private forList(): Json[] {
    const { entries, deferred } = this.forHeader();
    const body = deferred('if');
    const condition = this.forCondition(']');
    return entries.filter((b) => condition(b)).map((b) => body(b));
  }

  /** `for k, v in coll :` — the bindings of every element, and a way to defer the expressions after it. */
  private forHeader() {
    this.i++; // for
    const names = [this.ident()];
    if (this.takeOp(',')) names.push(this.ident());
    if (!this.peekIdent('in')) this.fail('expected in');
    this.i++;
    const collection = this.expression();
    this.expectOp(':');
    return { entries: forBindings(names, collection), deferred: (stopAt: string) => this.deferred(stopAt) };
  }

  /** The optional `if cond` and the closing bracket of a for-expression. */
  private forCondition(close: string): (bindings?: Record<string, Json>) => Json {
    let condition: (bindings?: Record<string, Json>) => Json = () => true;
    if (this.peekIdent('if')) {
      this.i++;
      condition = this.deferred();
    }
    this.expectOp(close);
    return condition;
  }

  private list(close: string): Json[] {
    const items: Json[] = [];
    while (!this.takeOp(close)) {
      items.push(this.expression());
      if (!this.takeOp(',')) {
        this.expectOp(close);
        break;
      }
    }
    return items;
  }

  private peekIdent(name: string): boolean {
    const tok = this.tokens[this.i];
    return tok?.t === 'ident' && tok.v === name;
  }

  private ident(): string {
    const tok = this.tokens[this.i++];
    if (tok?.t !== 'ident') this.fail('expected a name');
    return tok.v as string;
  }

  private takeOp(op: string): boolean {
    const tok = this.tokens[this.i];
    if (tok?.t === 'op' && tok.v === op) {
      this.i++;
      return true;
    }
    return false;
  }

  private expectOp(op: string): void {
    if (!this.takeOp(op)) this.fail(`expected ${op}`);
  }

  private fail(message: string): never {
    throw new Error(`${message} in ${JSON.stringify(this.code)}`);
  }
}

/** The bindings of a for-expression over a list (index, value) or an object (key, value; keys sorted). */
function forBindings(names: string[], collection: Json): Record<string, Json>[] {
  const entries: [Json, Json][] = Array.isArray(collection)
    ? collection.map((v, i) => [i, v])
    : Object.keys(collection ?? {})
        .sort()
        .map((k) => [k, collection[k]]);
  return entries.map(([k, v]) => (names.length === 2 ? { [names[0]]: k, [names[1]]: v } : { [names[0]]: v }));
}

function deepEqual(a: Json, b: Json): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Evaluates every validation of a variable; returns the error messages of those that fail. */
export function validationFailures(mod: TfModule, name: string, scope: Scope): string[] {
  const block = mod.variables.get(name);
  if (!block) throw new Error(`no variable ${name}`);
  return ((block.body.validation ?? []) as Json[])
    .filter((v) => evaluate(v.condition, scope) !== true)
    .map((v) => v.error_message as string);
}

// --- Variable values -------------------------------------------------------------------------------------------

type TypeSpec =
  | { kind: 'any' }
  | { kind: 'object'; attrs: Record<string, { type: TypeSpec; optional: boolean; default: Json }> }
  | { kind: 'collection'; element: TypeSpec };

/** Reads a type constraint ("${map(object({ a = optional(string, \"x\") }))}") for its optional() defaults. */
export function typeSpec(typeExpr: string): TypeSpec {
  const code = soleExpression(typeExpr) ?? typeExpr;
  const tokens = tokenize(code);
  let i = 0;
  const op = (v: string) => tokens[i]?.t === 'op' && tokens[i].v === v && ++i > 0;
  const fail = (m: string): never => {
    throw new Error(`${m} in type ${code}`);
  };
  const parseType = (): TypeSpec => {
    const tok = tokens[i++];
    if (tok?.t !== 'ident') return fail('expected a type');
    if (['string', 'number', 'bool', 'any'].includes(tok.v)) return { kind: 'any' };
    if (!op('(')) return fail(`expected ( after ${tok.v}`);
    let spec: TypeSpec;
    if (tok.v === 'object') {
      if (!op('{')) fail('expected {');
      const attrs: Record<string, { type: TypeSpec; optional: boolean; default: Json }> = {};
      while (!op('}')) {
        const key = tokens[i++];
        if (key?.t !== 'ident' || !op('=')) fail('expected attribute = type');
        if (tokens[i]?.t === 'ident' && tokens[i].v === 'optional' && tokens[i + 1]?.v === '(') {
          i += 2;
          const type = parseType();
          let dflt: Json = null;
          if (op(',')) {
            const start = i;
            let depth = 0;
            while (i < tokens.length && !(depth === 0 && tokens[i].v === ')')) {
              if (['(', '[', '{'].includes(tokens[i].v as string)) depth++;
              if ([')', ']', '}'].includes(tokens[i].v as string)) depth--;
              i++;
            }
            dflt = literalTokens(tokens.slice(start, i));
          }
          if (!op(')')) fail('expected ) after optional');
          attrs[key.v as string] = { type, optional: true, default: dflt };
        } else {
          attrs[key.v as string] = { type: parseType(), optional: false, default: null };
        }
        op(',');
      }
      spec = { kind: 'object', attrs };
    } else if (['map', 'list', 'set'].includes(tok.v)) {
      spec = { kind: 'collection', element: parseType() };
    } else if (tok.v === 'tuple') {
      return fail('tuple types are not supported');
    } else {
      return fail(`unknown type ${tok.v}`);
    }
    if (!op(')')) fail('expected )');
    return spec;
  };
  return parseType();
}

function literalTokens(tokens: Token[]): Json {
  const text = tokens.map((t) => (t.t === 'str' ? JSON.stringify(t.v) : String(t.v))).join('');
  return evalCode(text, { vars: {}, locals: {} });
}

/** Applies optional() defaults and missing-attribute nulls, as Terraform does when it converts a value to a type. */
export function conform(spec: TypeSpec, value: Json): Json {
  if (value === null || value === undefined) return null;
  if (spec.kind === 'object') {
    return Object.fromEntries(
      Object.entries(spec.attrs).map(([name, attr]) => [
        name,
        conform(attr.type, value[name] === undefined || value[name] === null ? attr.default : value[name]),
      ]),
    );
  }
  if (spec.kind === 'collection') {
    if (Array.isArray(value)) return value.map((v) => conform(spec.element, v));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, conform(spec.element, v)]));
  }
  return value;
}

/** Variable values as Terraform would see them: defaults, overridden by tfvars, converted to their types. */
export function variableValues(mod: TfModule, tfvars: Record<string, Json> = {}): Record<string, Json> {
  const values: Record<string, Json> = {};
  for (const [name, { body }] of mod.variables) {
    const raw = name in tfvars ? tfvars[name] : body.default;
    values[name] = body.type ? conform(typeSpec(body.type), raw ?? null) : (raw ?? null);
  }
  return values;
}

export function scopeOf(mod: TfModule, tfvars: Record<string, Json> = {}): Scope {
  return {
    vars: variableValues(mod, tfvars),
    locals: Object.fromEntries([...mod.locals].map(([k, v]) => [k, v.expr])),
  };
}

// --- Comment directives --------------------------------------------------------------------------------------

export interface Directive {
  file: string;
  line: number;
  tool: 'checkov' | 'trivy';
  id: string;
  reason: string;
  /** "resource.type.name" / "data.type.name" of the block the directive applies to. */
  block: string | undefined;
}

const BLOCK_START = /^(resource|data)\s+"([^"]+)"\s+"([^"]+)"\s*\{/;

/**
 * checkov skips (`# checkov:skip=ID: reason`, inside the block) and trivy ignores (`#trivy:ignore:ID`
 * on the line above the block, the reason on the comment line before it), with the block each applies to.
 */
export function directives(file: TfFile): Directive[] {
  const lines = file.text.split('\n');
  const owner: (string | undefined)[] = [];
  let current: string | undefined;
  for (const line of lines) {
    const start = BLOCK_START.exec(line);
    if (start) current = `${start[1]}.${start[2]}.${start[3]}`;
    owner.push(current);
    if (line === '}') current = undefined;
  }
  const found: Directive[] = [];
  lines.forEach((line, index) => {
    const checkov = /#\s*checkov:skip=([A-Z0-9_]+)(?::\s*(.*))?$/.exec(line);
    if (checkov) {
      found.push({
        file: file.name,
        line: index + 1,
        tool: 'checkov',
        id: checkov[1],
        reason: (checkov[2] ?? '').trim(),
        block: owner[index],
      });
    }
    const trivy = /#\s*trivy:ignore:([A-Z0-9-]+)\s*(.*)$/.exec(line);
    if (trivy) {
      let next = index + 1;
      while (next < lines.length && lines[next].trimStart().startsWith('#')) next++;
      const start = BLOCK_START.exec(lines[next] ?? '');
      const above = lines[index - 1]?.trim() ?? '';
      const reason =
        trivy[2].trim() ||
        (above.startsWith('#') && !/(checkov|trivy):/.test(above) ? above.replace(/^#+\s*/, '') : '');
      found.push({
        file: file.name,
        line: index + 1,
        tool: 'trivy',
        id: trivy[1],
        reason,
        block: start ? `${start[1]}.${start[2]}.${start[3]}` : undefined,
      });
    }
  });
  return found;
}
