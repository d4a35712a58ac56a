// Retry policy for ECS-heavy work. ECS throttles per account and operation (RegisterTaskDefinition is
// roughly 1 TPS sustained), and a release of many services calls it in bursts: the SDK default of 3
// attempts surfaces throttling to the user. We allow more attempts, with full-jitter exponential backoff.
// The standard strategy underneath retries only throttling and transient errors, never client errors.
import { ConfiguredRetryStrategy } from '@smithy/core/retry';

export const DEFAULT_MAX_ATTEMPTS = 8;
const BASE_MS = 200;
const CAP_MS = 10_000;

/** Full jitter: a random delay in [0, min(cap, base·2^attempt)]. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(CAP_MS, BASE_MS * 2 ** attempt));
}

export function cendenceRetryStrategy(maxAttempts = DEFAULT_MAX_ATTEMPTS): ConfiguredRetryStrategy {
  return new ConfiguredRetryStrategy(maxAttempts, (attempt) => backoffDelay(attempt));
}
