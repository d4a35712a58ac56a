// The call log: every AWS API call the emulator answered (or refused), in arrival order.
// Tests assert on it ("no mutating call was made"); GET /_cendence/calls serves it.
import { type AwsService, findOperation } from '../../shared/src/aws/operations.js';
import type { ServiceName } from './types.js';

/** Cendence's registry decides for the operations it calls; any other read is known by its verb. */
function mutates(service: AwsService, operation: string): boolean {
  const known = findOperation(service, operation);
  if (known) return known.mutates;
  return !/^(Describe|List|Get|BatchGet|BatchCheck|Filter)/.test(operation);
}

export interface CallRecord {
  /** Arrival order, from 1. */
  seq: number;
  service: ServiceName;
  operation: string;
  /** From shared/src/aws/operations.ts; other operations are reads when their verb says so. */
  mutates: boolean;
  /** Emulated time of arrival, ISO-8601. */
  time: string;
  /** Wall-clock time of arrival, epoch ms (throughput and latency figures). */
  wallMs: number;
  /** Error code answered, if any (including injected faults, throttling and "ConnectionDropped"). */
  error?: string;
  accessKeyId?: string;
}

const MAX_RECORDS = 200_000;

export class CallLog {
  private records: CallRecord[] = [];
  private seq = 0;

  record(entry: Omit<CallRecord, 'seq' | 'mutates'>): CallRecord {
    const rec: CallRecord = {
      seq: ++this.seq,
      ...entry,
      mutates: mutates(entry.service as AwsService, entry.operation),
    };
    this.records.push(rec);
    // A long demo must not grow without bound: keep the latest MAX_RECORDS (seq keeps counting).
    if (this.records.length > MAX_RECORDS) this.records.splice(0, this.records.length - MAX_RECORDS);
    return rec;
  }

  list(
    filter: { service?: string; operation?: string; mutates?: boolean; since?: number } = {},
  ): CallRecord[] {
    return this.records.filter(
      (r) =>
        (filter.service === undefined || r.service === filter.service) &&
        (filter.operation === undefined || r.operation === filter.operation) &&
        (filter.mutates === undefined || r.mutates === filter.mutates) &&
        (filter.since === undefined || r.seq > filter.since),
    );
  }

  clear(): void {
    this.records = [];
  }
}
