// Fargate task sizes: the cpu/memory pairs Fargate accepts, and the "1 vCPU" / "2 GB" spellings ECS
// accepts on input but never returns (output is always CPU units and MiB, as strings).
// Source: the RegisterTaskDefinition model doc for `memory` (reference/ecs-facts.md §3).

interface SizeRow {
  cpu: number;
  min: number;
  max: number;
  step: number;
  /** Sizes that are not a plain range (0.25 vCPU). */
  list?: number[];
}

const TABLE: readonly SizeRow[] = [
  { cpu: 256, min: 512, max: 2048, step: 0, list: [512, 1024, 2048] },
  { cpu: 512, min: 1024, max: 4096, step: 1024 },
  { cpu: 1024, min: 2048, max: 8192, step: 1024 },
  { cpu: 2048, min: 4096, max: 16384, step: 1024 },
  { cpu: 4096, min: 8192, max: 30720, step: 1024 },
  { cpu: 8192, min: 16384, max: 61440, step: 4096 },
  { cpu: 16384, min: 32768, max: 122880, step: 8192 },
];

/** Every cpu value (units) Fargate accepts. */
export const FARGATE_CPUS: readonly number[] = TABLE.map((r) => r.cpu);

/** The memory values (MiB) Fargate allows with a cpu value; empty when the cpu itself is not allowed. */
export function allowedMemory(cpu: number): number[] {
  const row = TABLE.find((r) => r.cpu === cpu);
  if (!row) return [];
  if (row.list) return [...row.list];
  const out: number[] = [];
  for (let m = row.min; m <= row.max; m += row.step) out.push(m);
  return out;
}

/** "1024", "1 vCPU", "0.25 vcpu", 512 → CPU units; undefined when it is not a cpu amount. */
export function parseCpu(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(vcpus?)?\s*$/i.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  const units = m[2] ? n * 1024 : n;
  return Number.isInteger(units) && units > 0 ? units : undefined;
}

/** "2048", "2 GB", "2GiB", "512 MiB", 2048 → MiB; undefined when it is not a memory amount. */
export function parseMemory(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(gb|gib|mb|mib)?\s*$/i.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  const mib = m[2] && /^g/i.test(m[2]) ? n * 1024 : n;
  return Number.isInteger(mib) && mib > 0 ? mib : undefined;
}

/** Compact "1024–8192 in steps of 1024" wording for messages. */
export function describeAllowedMemory(cpu: number): string {
  const row = TABLE.find((r) => r.cpu === cpu);
  if (!row) return '';
  if (row.list) return row.list.join(', ');
  return `${row.min}–${row.max} in steps of ${row.step} (${allowedMemory(cpu).join(', ')})`;
}

export type FargateSizeCheck =
  | { ok: true; cpu: string; memory: string }
  | { ok: false; field: 'cpu' | 'memory'; message: string; fix: string };

/** Validates and normalises a task-level cpu/memory pair to the strings ECS returns. */
export function checkFargateSize(
  cpuRaw: string | number | undefined,
  memoryRaw: string | number | undefined,
): FargateSizeCheck {
  if (cpuRaw === undefined || cpuRaw === '') {
    return {
      ok: false,
      field: 'cpu',
      message: 'task-level cpu is missing (Fargate requires it)',
      fix: `set "cpu" to one of ${FARGATE_CPUS.join(', ')} (or "0.25 vCPU" … "16 vCPU")`,
    };
  }
  const cpu = parseCpu(cpuRaw);
  if (cpu === undefined || !FARGATE_CPUS.includes(cpu)) {
    return {
      ok: false,
      field: 'cpu',
      message: `cpu "${cpuRaw}" is not a Fargate size`,
      fix: `use one of ${FARGATE_CPUS.join(', ')} CPU units (1024 = 1 vCPU)`,
    };
  }
  if (memoryRaw === undefined || memoryRaw === '') {
    return {
      ok: false,
      field: 'memory',
      message: 'task-level memory is missing (Fargate requires it)',
      fix: `with cpu ${cpu} set "memory" to one of ${describeAllowedMemory(cpu)} MiB`,
    };
  }
  const memory = parseMemory(memoryRaw);
  if (memory === undefined || !allowedMemory(cpu).includes(memory)) {
    return {
      ok: false,
      field: 'memory',
      message: `memory "${memoryRaw}" is not allowed with cpu ${cpu} on Fargate`,
      fix: `with cpu ${cpu} use memory ${describeAllowedMemory(cpu)} MiB, or change cpu`,
    };
  }
  return { ok: true, cpu: String(cpu), memory: String(memory) };
}
