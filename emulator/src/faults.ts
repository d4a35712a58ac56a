// Injected faults (POST /_cendence/faults): errors, latency and dropped connections for matching calls.
import { IAM_PREFIX } from '../../shared/src/aws/operations.js';
import type { ServiceName } from './types.js';

// InvalidIdentityToken: STS's answer when it briefly cannot fetch the identity provider's keys.
export const FAULT_ERRORS = [
  'ThrottlingException',
  'InternalFailure',
  'ServiceUnavailable',
  'InvalidIdentityToken',
  'AccessDeniedException',
] as const;
export type FaultError = (typeof FAULT_ERRORS)[number];

export interface FaultSpec {
  /** Service to match; omitted = any. */
  service?: ServiceName;
  /** Operation to match; omitted = any. */
  operation?: string;
  error?: FaultError;
  /** How many matching calls are affected; omitted = every one. */
  times?: number;
  /** Chance (0..1) that a matching call is affected; default 1. */
  probability?: number;
  /** Wall-clock delay before answering (or dropping). */
  latencyMs?: number;
  /** Destroy the connection instead of answering. */
  drop?: boolean;
}

export interface Fault extends FaultSpec {
  id: number;
  /** Calls this fault has affected so far. */
  hits: number;
}

/** HTTP status and wire code of each injectable error, per protocol family. */
export function faultWire(error: FaultError, service: ServiceName): { code: string; status: number } {
  if (error === 'ThrottlingException') {
    const query = service === 'elbv2' || service === 'sts' || service === 'iam';
    return { code: query ? 'Throttling' : 'ThrottlingException', status: 400 };
  }
  if (error === 'ServiceUnavailable') return { code: 'ServiceUnavailable', status: 503 };
  if (error === 'InvalidIdentityToken') return { code: 'InvalidIdentityToken', status: 400 };
  if (error === 'AccessDeniedException') {
    const query = service === 'elbv2' || service === 'sts' || service === 'iam';
    return { code: query ? 'AccessDenied' : 'AccessDeniedException', status: 400 };
  }
  return { code: 'InternalFailure', status: 500 };
}

export class FaultBook {
  private faults: Fault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): Fault {
    if (spec.error !== undefined && !FAULT_ERRORS.includes(spec.error)) {
      throw new Error(`error must be one of ${FAULT_ERRORS.join(', ')}`);
    }
    if (spec.error === undefined && !spec.drop && spec.latencyMs === undefined) {
      throw new Error('a fault needs "error", "drop" or "latencyMs"');
    }
    if (spec.probability !== undefined && !(spec.probability >= 0 && spec.probability <= 1)) {
      throw new Error('probability must be between 0 and 1');
    }
    if (spec.times !== undefined && !(Number.isInteger(spec.times) && spec.times > 0)) {
      throw new Error('times must be a positive integer');
    }
    const fault: Fault = { ...spec, id: this.nextId++, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  /** The first live fault matching the call, consumed by one hit; undefined if none applies. */
  take(service: string, operation: string, random: () => number = Math.random): Fault | undefined {
    for (const f of this.faults) {
      if (f.service !== undefined && f.service !== service) continue;
      if (f.operation !== undefined && f.operation !== operation) continue;
      if (f.times !== undefined && f.hits >= f.times) continue;
      if (f.probability !== undefined && random() >= f.probability) continue;
      f.hits++;
      return f;
    }
    return undefined;
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(): void {
    this.faults = [];
  }
}

/** AWS's wording for a refused action, naming the IAM action as AWS does. */
export function accessDeniedMessage(service: ServiceName, operation: string): string {
  const action = `${IAM_PREFIX[service as keyof typeof IAM_PREFIX] ?? service}:${operation}`;
  return (
    `User: arn:aws:sts::123456789012:assumed-role/cendence-deploy/ci is not authorized to perform: ${action} ` +
    `because no identity-based policy allows the ${action} action (injected fault)`
  );
}
