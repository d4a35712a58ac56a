// A plan without Terraform: every resource and data source of a root module evaluated for one set of
// variables (defaults, tfvars files, -var values), with count, for_each and dynamic blocks expanded and the
// attributes AWS computes (ids, ARNs, URLs, endpoints) synthesised as `terraform apply` would name them for
// the emulator's account and region. Attributes are evaluated on first use, so a resource type the world
// does not model costs nothing unless something refers to it. Generated ids are derived from the resource
// address, so the same configuration always yields the same world.
import { computedAttributes, DATA_SOURCES } from './computed.js';
import {
  type Block,
  evaluate,
  type Json,
  loadModule,
  parseFile,
  type Scope,
  scopeOf,
  type TfModule,
  validationFailures,
} from './hcl.js';
import { policyDocument } from './policy-document.js';

export interface PlanOptions {
  /** Default: the aws provider's region (var.region in terraform/), else us-east-1. */
  region?: string;
  accountId: string;
  /** tfvars files, applied in order. */
  varFiles?: string[];
  /** -var name=value pairs, applied after the files (a value is HCL unless the variable is a string). */
  vars?: Record<string, string>;
}

export interface Instance {
  /** Terraform address: aws_ecs_service.this["auth"] */
  address: string;
  type: string;
  name: string;
  key?: string | number;
  /** Attributes, evaluated on first read. */
  attrs: Json;
}

export interface TerraformPlan {
  dir: string;
  region: string;
  accountId: string;
  vars: Record<string, Json>;
  /** Every resource instance, in declaration order. */
  resources: Instance[];
  /** Every data source instance (what the account already has, e.g. an existing OIDC provider). */
  dataSources: Instance[];
  ofType(type: string): Instance[];
  /** Evaluates one output (as `terraform output -json` would show its value). */
  output(name: string): Json;
  /** `terraform output -json`: { name: { value, type, sensitive } } for every output that evaluates. */
  outputsJson(): Record<string, { value: Json; type: Json; sensitive: boolean }>;
}

const META = new Set([
  'count',
  'for_each',
  'lifecycle',
  'depends_on',
  'provider',
  'provisioner',
  'connection',
]);

/** Defines `key` on `obj` as a getter evaluated once. */
function lazy(obj: Record<string, Json>, key: string, get: () => Json): void {
  let done = false;
  let value: Json;
  Object.defineProperty(obj, key, {
    enumerable: true,
    configurable: true,
    get() {
      if (!done) {
        value = get();
        done = true;
      }
      return value;
    },
  });
}

/** A block body (as hcl2json returns it) evaluated, nested blocks and dynamic blocks included. */
export function evalBody(body: Json, scope: Scope): Json {
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries<Json>(body)) {
    if (META.has(k) || k === 'dynamic') continue;
    out[k] = isBlockList(v) ? v.map((b: Json) => evalBody(b, scope)) : evaluate(v, scope);
  }
  for (const [name, specs] of Object.entries<Json[]>(body.dynamic ?? {})) {
    out[name] = [...(out[name] ?? []), ...expandDynamic(name, specs, scope)];
  }
  return out;
}

function isBlockList(v: Json): boolean {
  return Array.isArray(v) && v.length > 0 && v.every((b) => b && typeof b === 'object' && !Array.isArray(b));
}

function expandDynamic(name: string, specs: Json[], scope: Scope): Json[] {
  const blocks: Json[] = [];
  for (const spec of specs) {
    const iterator = spec.iterator ? evaluate(spec.iterator, scope) : name;
    const coll = evaluate(spec.for_each, scope) ?? [];
    const entries: [Json, Json][] = Array.isArray(coll)
      ? coll.map((v, i) => [i, v])
      : Object.keys(coll)
          .sort()
          .map((k) => [k, coll[k]]);
    for (const [key, value] of entries) {
      const inner = { ...scope, bindings: { ...scope.bindings, [iterator]: { key, value } } };
      blocks.push(evalBody(spec.content?.[0] ?? {}, inner));
    }
  }
  return blocks;
}

/** Reads tfvars files and -var values into variable values Terraform would see (before type conversion). */
async function readVarValues(mod: TfModule, opts: PlanOptions): Promise<Record<string, Json>> {
  const values: Record<string, Json> = {};
  const empty: Scope = { vars: {}, locals: {} };
  for (const file of opts.varFiles ?? []) {
    for (const [k, v] of Object.entries<Json>((await parseFile(file)).json)) {
      if (!mod.variables.has(k)) throw new Error(`${file}: variable "${k}" is not declared in the module`);
      values[k] = evaluate(v, empty);
    }
  }
  for (const [k, raw] of Object.entries(opts.vars ?? {})) {
    const decl = mod.variables.get(k);
    if (!decl) throw new Error(`-var ${k}: variable "${k}" is not declared in the module`);
    const isString = !decl.body.type || /^\$\{string\}$/.test(decl.body.type);
    values[k] = isString ? raw : evaluate(`\${${raw}}`, empty);
  }
  return values;
}

export async function planTerraform(dir: string, opts: PlanOptions): Promise<TerraformPlan> {
  const mod = await loadModule(dir);
  const tfvars = await readVarValues(mod, opts);
  for (const [name, { body }] of mod.variables) {
    if (!(name in tfvars) && !('default' in body)) {
      throw new Error(`No value for required variable "${name}": pass --var ${name}=… or a --var-file`);
    }
  }
  const scope = scopeOf(mod, tfvars);
  for (const name of mod.variables.keys()) {
    const failures = validationFailures(mod, name, scope);
    if (failures.length > 0) throw new Error(`Invalid value for variable "${name}": ${failures.join('; ')}`);
  }
  const roots: Record<string, Json> = {};
  scope.roots = roots;
  const resources: Instance[] = [];
  const dataSources: Instance[] = [];
  const provider = mod.files.flatMap((f) => f.json.provider?.aws ?? [])[0];
  const region: string = opts.region ?? (provider?.region ? evaluate(provider.region, scope) : 'us-east-1');
  const env = { region, accountId: opts.accountId, partition: 'aws' };

  const instantiate = (kind: 'resource' | 'data', type: string, name: string, block: Block): Json => {
    const body = block.body;
    const prefix = kind === 'data' ? `data.${type}.${name}` : `${type}.${name}`;
    const make = (key: string | number | undefined, bindings: Record<string, Json>): Json => {
      const address = key === undefined ? prefix : `${prefix}[${JSON.stringify(key)}]`;
      const inner: Scope = { ...scope, bindings: { ...scope.bindings, ...bindings } };
      const attrs: Record<string, Json> = {};
      for (const [k, v] of Object.entries<Json>(body)) {
        if (META.has(k) || k === 'dynamic') continue;
        lazy(attrs, k, () => (isBlockList(v) ? v.map((b: Json) => evalBody(b, inner)) : evaluate(v, inner)));
      }
      for (const [dyn, specs] of Object.entries<Json[]>(body.dynamic ?? {})) {
        const own = body[dyn];
        lazy(attrs, dyn, () => [
          ...(own ? own.map((b: Json) => evalBody(b, inner)) : []),
          ...expandDynamic(dyn, specs, inner),
        ]);
      }
      // Computed attributes read the configuration only (a computed port must not read itself).
      const config = Object.defineProperties({}, Object.getOwnPropertyDescriptors(attrs));
      const computed =
        kind === 'data'
          ? DATA_SOURCES[type]?.(config, env, address)
          : computedAttributes(type, config, env, address);
      for (const [k, get] of Object.entries(computed ?? {})) {
        if (!(k in attrs) || k === 'id' || k === 'arn') lazy(attrs, k, get);
      }
      if (kind === 'data' && type === 'aws_iam_policy_document') {
        lazy(attrs, 'json', () => JSON.stringify(policyDocument(attrs)));
        lazy(attrs, 'minified_json', () => JSON.stringify(policyDocument(attrs)));
      }
      (kind === 'resource' ? resources : dataSources).push({ address, type, name, key, attrs });
      return attrs;
    };
    if ('count' in body) {
      const n = Number(evaluate(body.count, scope));
      return Array.from({ length: n }, (_, index) => make(index, { count: { index } }));
    }
    if ('for_each' in body) {
      const coll = evaluate(body.for_each, scope) ?? {};
      const out: Record<string, Json> = {};
      const entries: [string, Json][] = Array.isArray(coll)
        ? coll.map((v) => [String(v), v])
        : Object.keys(coll)
            .sort()
            .map((k) => [k, coll[k]]);
      for (const [key, value] of entries) out[key] = make(key, { each: { key, value } });
      return out;
    }
    return make(undefined, {});
  };

  // Instances are created eagerly (so every resource is listed), attributes lazily; a resource's
  // count/for_each may refer to others, hence the per-resource getter on the roots.
  roots.data = {};
  const declare = (kind: 'resource' | 'data', map: Map<string, Block>) => {
    for (const [address, block] of map) {
      const [type, name] = address.split('.');
      const holder = kind === 'data' ? roots.data : roots;
      holder[type] ??= {};
      lazy(holder[type], name, () => instantiate(kind, type, name, block));
    }
  };
  declare('resource', mod.resources);
  declare('data', mod.data);
  for (const address of mod.resources.keys()) {
    const [type, name] = address.split('.');
    void roots[type][name];
  }
  for (const address of mod.data.keys()) {
    const [type, name] = address.split('.');
    void roots.data[type][name];
  }
  resources.sort((a, b) => declarationOrder(mod, a) - declarationOrder(mod, b));

  const output = (name: string): Json => {
    const block = mod.outputs.get(name);
    if (!block) throw new Error(`no output ${name}`);
    return evaluate(block.body.value, scope);
  };
  return {
    dir,
    region,
    accountId: opts.accountId,
    vars: scope.vars,
    resources,
    dataSources,
    ofType: (type) => resources.filter((r) => r.type === type),
    output,
    outputsJson() {
      const out: Record<string, { value: Json; type: Json; sensitive: boolean }> = {};
      for (const [name, block] of mod.outputs) {
        try {
          out[name] = { value: output(name), type: 'dynamic', sensitive: block.body.sensitive === true };
        } catch {
          // An output over a resource the world does not model (e.g. CloudFront) is left out.
        }
      }
      return out;
    },
  };
}

function declarationOrder(mod: TfModule, i: Instance): number {
  return [...mod.resources.keys()].indexOf(`${i.type}.${i.name}`);
}
