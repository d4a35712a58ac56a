// Retry policy and call bounds for every AWS call.
// - ECS throttles per account and operation (RegisterTaskDefinition is roughly 1 TPS sustained), and a
//   release calls it in bursts: the SDK default of 3 attempts surfaces throttling, so ordinary calls get
//   more attempts with full-jitter exponential backoff. The standard strategy underneath retries only
//   throttling and transient errors, never client errors.
// - Polls of a follower are different: a failed poll is not fatal (the follower polls again on its own
//   clock), so a poll gets few, short SDK retries and the follower owns the long backoff (deploy/follow.ts).
// - A refused connection is not retried: nothing listens there, and the user must hear it in seconds.
// - Every call carries an abort signal (the step's cancellation, or a poll's deadline) and is raced
//   against it, so neither a retry delay nor a hung socket holds a step past its timeout or a cancel.
import { AsyncLocalStorage } from 'node:async_hooks';
import { setMaxListeners } from 'node:events';
import {
  ConfiguredRetryStrategy,
  isServerError,
  isThrottlingError,
  isTransientError,
} from '@smithy/core/retry';
import type { RetryErrorInfo, StandardRetryToken } from '@smithy/types';

export const DEFAULT_MAX_ATTEMPTS = 8;
const BASE_MS = 200;
const CAP_MS = 10_000;
/** A poll's own retries: a blip is absorbed at once, anything longer is the follower's business. */
const POLL_ATTEMPTS = 3;
const POLL_BASE_MS = 100;
const POLL_CAP_MS = 1_000;

/** Full jitter: a random delay in [0, min(cap, base·2^attempt)]. */
export function backoffDelay(
  attempt: number,
  random: () => number = Math.random,
  base = BASE_MS,
  cap = CAP_MS,
): number {
  return Math.floor(random() * Math.min(cap, base * 2 ** attempt));
}

/** How the calls made inside a scope are bounded and retried. */
export interface CallScope {
  /** Aborts the calls (cancellation, a deadline). */
  signal?: AbortSignal;
  /** 'poll': few short SDK retries (a follower retries on its own); 'once': no SDK retry at all. */
  retries?: 'normal' | 'poll' | 'once';
}

const scopes = new AsyncLocalStorage<CallScope>();

/** Runs `fn` with its AWS calls bounded by `scope` (inner scopes override outer ones field by field). */
export function withCallScope<T>(scope: CallScope, fn: () => Promise<T>): Promise<T> {
  return scopes.run({ ...scopes.getStore(), ...scope }, fn);
}

export function currentCallScope(): CallScope | undefined {
  return scopes.getStore();
}

/**
 * The Node network error code (ECONNREFUSED…) of an error, also when the SDK had to wrap it in a plain
 * Error that kept only the message ("AWS SDK error wrapper for Error: connect ECONNREFUSED …").
 */
export function errorCode(err: unknown): string | undefined {
  const e = err as { code?: string; cause?: { code?: string }; message?: string } | undefined;
  return (
    e?.code ??
    e?.cause?.code ??
    /\b(?:connect|getaddrinfo|read|write) (E[A-Z]+)\b/.exec(e?.message ?? '')?.[1]
  );
}

class CendenceRetryStrategy extends ConfiguredRetryStrategy {
  constructor(private readonly attempts: number) {
    super(attempts, (attempt) => {
      const poll = scopes.getStore()?.retries === 'poll';
      return poll ? backoffDelay(attempt, Math.random, POLL_BASE_MS, POLL_CAP_MS) : backoffDelay(attempt);
    });
  }

  override async refreshRetryTokenForRetry(
    token: StandardRetryToken,
    info: RetryErrorInfo,
  ): Promise<StandardRetryToken> {
    const mode = scopes.getStore()?.retries ?? 'normal';
    const limit =
      mode === 'once' ? 1 : mode === 'poll' ? Math.min(POLL_ATTEMPTS, this.attempts) : this.attempts;
    if (token.getRetryCount() + 1 >= limit) throw info.error ?? new Error('no more attempts');
    if (errorCode(info.error) === 'ECONNREFUSED') throw info.error;
    return super.refreshRetryTokenForRetry(token, info);
  }
}

export function cendenceRetryStrategy(maxAttempts = DEFAULT_MAX_ATTEMPTS): ConfiguredRetryStrategy {
  return new CendenceRetryStrategy(maxAttempts);
}

/** What kind of passing trouble an error is, or undefined when it is an answer (AccessDenied, not found…). */
export type Trouble = 'throttling' | 'server errors' | 'connection failures' | 'timeouts';

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);

export function troubleOf(err: unknown): Trouble | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as Error & { $metadata?: { httpStatusCode?: number } };
  if (e.name === 'AbortError') return undefined;
  if (e.name === 'CallTimedOut' || e.name === 'TimeoutError' || errorCode(e) === 'ETIMEDOUT')
    return 'timeouts';
  // The SDK's classifiers read fields an Error may lack; they expect an SDK error shape.
  const sdk = e as Parameters<typeof isThrottlingError>[0];
  if (isThrottlingError(sdk)) return 'throttling';
  if (CONNECTION_CODES.has(errorCode(e) ?? '') || /socket hang up/i.test(e.message))
    return 'connection failures';
  if (isServerError(sdk) || isTransientError(sdk) || (e.$metadata?.httpStatusCode ?? 0) >= 500)
    return 'server errors';
  return undefined;
}

/** A call abandoned because its scope's signal aborted (a deadline, not a cancellation). */
export class CallTimedOut extends Error {
  override readonly name = 'CallTimedOut';
}

/** The error a call rejects with when its signal aborts: the signal's reason when it is an Error. */
export function abortError(signal: AbortSignal): Error {
  const r = signal.reason;
  if (r instanceof Error) return r;
  return Object.assign(new Error(r ? String(r) : 'cancelled'), { name: 'AbortError' });
}

type Send = (command: unknown, options?: { abortSignal?: AbortSignal }) => Promise<unknown>;

/**
 * Wraps a client's send: the call gets the scope's signal (or the client's default one) as its
 * abortSignal, so the SDK stops retrying when it aborts, and it is raced against that signal, so the
 * caller regains control at once even while the SDK waits on a socket that never answers.
 */
export function boundSend(
  send: Send,
  fallback?: AbortSignal,
  explain: (err: unknown) => unknown = (err) => err,
): Send {
  return (command, options) => {
    const signal = options?.abortSignal ?? scopes.getStore()?.signal ?? fallback;
    if (!signal) return send(command, options).catch((err) => Promise.reject(explain(err)));
    if (signal.aborted) return Promise.reject(abortError(signal));
    // Many calls of a release share one signal: a listener each is expected, not a leak.
    setMaxListeners(0, signal);
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(abortError(signal));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    const call = send(command, { ...options, abortSignal: signal }).catch((err) =>
      Promise.reject(signal.aborted ? abortError(signal) : explain(err)),
    );
    return Promise.race([call, aborted]).finally(() => {
      if (onAbort) signal.removeEventListener('abort', onAbort);
    });
  };
}

/**
 * Runs `fn` with its calls bounded by a fresh signal that aborts after `ms` of wall time: for work that
 * must still happen once the job's signal has aborted (the cancel policy, the record, the diagnosis).
 */
export async function withDeadline<T>(
  ms: number,
  fn: () => Promise<T>,
  signal?: AbortSignal,
  message = `AWS did not answer within ${ms / 1000} s (the step's time limit)`,
): Promise<T> {
  const c = new AbortController();
  const timer = setTimeout(() => c.abort(new CallTimedOut(message)), ms);
  const onAbort = () => c.abort(signal?.reason);
  if (signal) setMaxListeners(0, signal);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await withCallScope({ signal: c.signal }, fn);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** One line for an AWS error: its name and message, with the IAM action when AWS refused one. */
export function awsErrorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const name = err.name && err.name !== 'Error' && !err.message.startsWith(err.name) ? `${err.name}: ` : '';
  return `${name}${err.message}`;
}

/**
 * A signal that aborts `graceMs` after `signal` does: a mutating call in flight when the job is
 * cancelled may finish (its answer names the deployment to roll back), but not for long.
 */
export function afterGrace(signal: AbortSignal, graceMs: number): AbortSignal {
  const c = new AbortController();
  const start = () => {
    const timer = setTimeout(() => c.abort(signal.reason), graceMs);
    timer.unref?.();
  };
  setMaxListeners(0, signal);
  if (signal.aborted) start();
  else signal.addEventListener('abort', start, { once: true });
  return c.signal;
}
