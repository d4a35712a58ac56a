// The canonical form of a task definition for comparison: what ECS would treat as the same definition
// looks the same here. Describe-only keys and JSON nulls are gone, defaults ECS fills in are dropped,
// "1 vCPU" is 1024, and lists of named things become maps keyed by name so order never shows up as a
// change and a diff path reads `containerDefinitions.web.environment.DB_HOST`.
import { parseCpu, parseMemory } from './fargate.js';
import { isRecord, toRegisterInput } from './shape.js';

type Json = unknown;

/** Named lists: list key → how to name an entry (and, for name/value pairs, the value to keep). */
const KEYED: Record<string, { key: (e: Record<string, unknown>) => string; value?: string }> = {
  containerDefinitions: { key: (e) => String(e.name) },
  environment: { key: (e) => String(e.name), value: 'value' },
  secrets: { key: (e) => String(e.name), value: 'valueFrom' },
  tags: { key: (e) => String(e.key), value: 'value' },
  volumes: { key: (e) => String(e.name) },
  portMappings: { key: (e) => `${String(e.containerPort)}/${String(e.protocol ?? 'tcp')}` },
  mountPoints: { key: (e) => String(e.containerPath) },
  dependsOn: { key: (e) => String(e.containerName), value: 'condition' },
  ulimits: { key: (e) => String(e.name) },
  systemControls: { key: (e) => String(e.namespace) },
  extraHosts: { key: (e) => String(e.hostname), value: 'ipAddress' },
};

/** Values ECS assumes when a field is absent; equal to absent for comparison. */
const CONTAINER_DEFAULTS: Record<string, Json> = { essential: true };
const PORT_DEFAULTS: Record<string, Json> = { protocol: 'tcp' };

export function normalizeTaskDefinition(doc: Record<string, unknown>): Record<string, unknown> {
  const { taskDefinition: td } = toRegisterInput(doc);
  const out: Record<string, unknown> = { ...td };
  if (td.cpu !== undefined) out.cpu = String(parseCpu(td.cpu as string) ?? td.cpu);
  if (td.memory !== undefined) out.memory = String(parseMemory(td.memory as string) ?? td.memory);
  if (Array.isArray(td.requiresCompatibilities))
    out.requiresCompatibilities = [...td.requiresCompatibilities].sort();
  if (Array.isArray(td.containerDefinitions)) {
    out.containerDefinitions = td.containerDefinitions.map((c) => (isRecord(c) ? normalizeContainer(c) : c));
  }
  return prune(keyLists(out)) as Record<string, unknown>;
}

function normalizeContainer(c: Record<string, unknown>): Record<string, unknown> {
  const out = withoutDefaults(c, CONTAINER_DEFAULTS);
  if (Array.isArray(c.portMappings)) {
    out.portMappings = c.portMappings.map((p) => {
      if (!isRecord(p)) return p;
      const q = withoutDefaults(p, PORT_DEFAULTS);
      // In awsvpc mode hostPort is containerPort, and ECS echoes it back.
      if (q.hostPort === q.containerPort) delete q.hostPort;
      return q;
    });
  }
  return out;
}

function withoutDefaults(
  o: Record<string, unknown>,
  defaults: Record<string, Json>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!(k in defaults && defaults[k] === v)) out[k] = v;
  return out;
}

/** Turns named lists into maps, recursively. */
function keyLists(value: Json, key?: string): Json {
  if (Array.isArray(value)) {
    const spec = key ? KEYED[key] : undefined;
    if (spec && value.every(isRecord)) {
      const map: Record<string, unknown> = {};
      for (const e of value) map[spec.key(e)] = spec.value ? e[spec.value] : keyLists(e);
      return sortKeys(map);
    }
    return value.map((v) => keyLists(v));
  }
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = keyLists(v, k);
    return sortKeys(out);
  }
  return value;
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Drops undefined, empty lists and empty objects: ECS does not distinguish them from absent. */
function prune(value: Json): Json {
  if (Array.isArray(value)) return value.map(prune);
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const p = prune(v);
      if (p === undefined) continue;
      if (Array.isArray(p) && p.length === 0) continue;
      if (isRecord(p) && Object.keys(p).length === 0) continue;
      out[k] = p;
    }
    return out;
  }
  return value;
}
