// Which task-definition keys RegisterTaskDefinition accepts, read from the SDK's own model at runtime
// (the schema exports of @aws-sdk/client-ecs), so a new ECS field or a new describe-only field is picked
// up by upgrading the SDK instead of editing a list. Owns key sets and stripping; not validation.
import { RegisterTaskDefinitionRequest$, TaskDefinition$ } from '@aws-sdk/client-ecs';

/** A static structure schema is [kind, namespace, name, traits, memberNames, memberSchemas, …]. */
function memberNames(schema: unknown, label: string): string[] {
  const names = Array.isArray(schema) ? schema[4] : undefined;
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
    // Fails loudly if a future SDK changes the schema layout; the shape test catches it first.
    throw new Error(`@aws-sdk/client-ecs ${label} schema has no member names; the SDK layout changed`);
  }
  return names as string[];
}

/** Top-level keys RegisterTaskDefinition accepts (family, containerDefinitions, cpu, …, tags). */
export const REGISTER_KEYS: ReadonlySet<string> = new Set(
  memberNames(RegisterTaskDefinitionRequest$, 'RegisterTaskDefinitionRequest'),
);

/** Keys DescribeTaskDefinition returns that Register rejects (taskDefinitionArn, revision, status, …). */
export const DESCRIBE_ONLY_KEYS: ReadonlySet<string> = new Set(
  memberNames(TaskDefinition$, 'TaskDefinition').filter((k) => !REGISTER_KEYS.has(k)),
);

export interface StrippedTaskDefinition {
  taskDefinition: Record<string, unknown>;
  /** Describe-only keys that were present and removed. */
  stripped: string[];
  /** Keys neither Register nor Describe knows: almost always a typo. */
  unknown: string[];
}

/**
 * Accepts a template or a DescribeTaskDefinition answer (bare, or the whole `{taskDefinition, tags}`
 * response) and keeps only what Register accepts. JSON nulls are dropped everywhere: ECS treats an
 * absent field as "default", and a null would be sent as-is.
 */
export function toRegisterInput(doc: Record<string, unknown>): StrippedTaskDefinition {
  let source = doc;
  if (isRecord(doc.taskDefinition)) {
    source = { ...doc.taskDefinition, ...(Array.isArray(doc.tags) ? { tags: doc.tags } : {}) };
  }
  const taskDefinition: Record<string, unknown> = {};
  const stripped: string[] = [];
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(source)) {
    if (REGISTER_KEYS.has(key)) {
      if (value !== null) taskDefinition[key] = dropNulls(value);
    } else if (DESCRIBE_ONLY_KEYS.has(key)) stripped.push(key);
    else unknown.push(key);
  }
  // An empty tags list is rejected by nothing but is noise in diffs.
  if (Array.isArray(taskDefinition.tags) && taskDefinition.tags.length === 0) delete taskDefinition.tags;
  return { taskDefinition, stripped, unknown };
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null).map(dropNulls);
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = dropNulls(v);
    return out;
  }
  return value;
}
