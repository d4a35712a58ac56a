// OIDC web identity: the CI's signed id token exchanged with STS AssumeRoleWithWebIdentity for
// short-lived credentials. GitHub: requested from the runner (ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN,
// permissions: id-token: write). GitLab: the id_tokens variable the job declares (default
// CENDENCE_ID_TOKEN, or AWS_WEB_IDENTITY_TOKEN). The token is masked before anything can print it.
// The credentials are a provider, not a value: a release of several 900 s waves can outlast one STS
// session, so the provider exchanges a fresh token before the session ends.
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { UserError } from '../errors.js';
import type { Runner } from '../runner/types.js';
import type { AwsClients } from './clients.js';
import { abortError, CallTimedOut, currentCallScope } from './retry.js';

/** What AWS access needs from the step running it: its environment, the runner to mask and log, the signal. */
export interface AwsContext {
  env: NodeJS.ProcessEnv;
  runner: Runner;
  signal: AbortSignal;
}

export const DEFAULT_AUDIENCE = 'sts.amazonaws.com';
export const DEFAULT_DURATION_SECONDS = 3600;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,128}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
/** A session is renewed this long before it ends, so no call is signed with credentials about to lapse. */
export const REFRESH_MARGIN_MS = 5 * 60_000;
/** STS answers these while it cannot reach the identity provider's keys; configure-aws-credentials retries them too. */
const TRANSIENT = new Set([
  'InvalidIdentityToken',
  'InvalidIdentityTokenException',
  'IDPCommunicationError',
  'IDPCommunicationErrorException',
]);
const ATTEMPTS = 4;

export interface RoleSettings {
  roleArn: string;
  /** aud of the id token (GitHub asks the runner for it; GitLab's id_tokens declares it). */
  audience?: string;
  /** 900..43200; the role's MaxSessionDuration must allow it. */
  durationSeconds?: number;
  sessionName?: string;
}

export interface ProviderOptions {
  now?: () => number;
  /** First retry delay; doubles per attempt. */
  retryDelayMs?: number;
}

/** Validates the role inputs without calling anything: a UserError names the input and the fix. */
export function checkRoleSettings(s: RoleSettings): void {
  if (!ROLE_ARN.test(s.roleArn)) {
    throw new UserError(
      `"${s.roleArn}" is not an IAM role ARN`,
      'role-to-assume',
      'use arn:aws:iam::<account-id>:role/<name>',
    );
  }
  const d = s.durationSeconds;
  if (d !== undefined && !(Number.isInteger(d) && d >= 900 && d <= 43200)) {
    throw new UserError(
      `role-duration-seconds must be a whole number from 900 to 43200, got ${d}`,
      'role-duration-seconds',
      "use 3600 (the default) or up to the role's maximum session duration",
    );
  }
  if (s.sessionName !== undefined && !SESSION_NAME.test(s.sessionName)) {
    throw new UserError(
      `role-session-name "${s.sessionName}" is not a valid STS session name`,
      'role-session-name',
      'use 2 to 64 characters from letters, digits and + = , . @ _ -',
    );
  }
  if (s.audience !== undefined && s.audience.trim() === '') {
    throw new UserError('audience is empty', 'audience', `leave it unset for ${DEFAULT_AUDIENCE}`);
  }
}

/** The default session name: the CI run, so CloudTrail ties each call to the job that made it. */
export function defaultSessionName(env: NodeJS.ProcessEnv): string {
  const run = (env.GITHUB_RUN_ID ?? env.CI_JOB_ID ?? `${Date.now()}`).replace(/[^\w+=,.@-]/g, '');
  return `cendence-${run}`.slice(0, 64);
}

/**
 * A credentials provider for the role: the first exchange happens now (so a refusal stops the step
 * before it changes anything), later calls get the cached session until REFRESH_MARGIN_MS before it
 * ends, then a fresh token is exchanged. Concurrent callers share one exchange.
 */
export async function oidcCredentials(
  settings: RoleSettings,
  aws: AwsClients,
  ctx: AwsContext,
  opts: ProviderOptions = {},
): Promise<AwsCredentialIdentityProvider> {
  checkRoleSettings(settings);
  const now = opts.now ?? Date.now;
  let current = await exchange(settings, aws, ctx, opts);
  ctx.runner.info(`assumed ${current.arn}`);
  let pending: Promise<Session> | undefined;
  const provider: AwsCredentialIdentityProvider = async () => {
    const ends = current.credentials.expiration?.getTime() ?? Number.POSITIVE_INFINITY;
    if (ends - now() > REFRESH_MARGIN_MS) return current.credentials;
    pending ??= exchange(settings, aws, ctx, opts).finally(() => {
      pending = undefined;
    });
    current = await pending;
    ctx.runner.debug(`renewed the session of ${current.arn} before it ended`);
    return current.credentials;
  };
  assumedArns.set(provider, () => current.arn);
  return provider;
}

/** The AssumedRoleUser ARN STS answered for each OIDC provider: who the step runs as, without asking again. */
const assumedArns = new WeakMap<object, () => string>();

/** The assumed-role ARN behind credentials made by oidcCredentials; undefined for any other credentials. */
export function assumedRoleArn(credentials: unknown): string | undefined {
  return typeof credentials === 'function' ? assumedArns.get(credentials)?.() : undefined;
}

interface Session {
  credentials: AwsCredentialIdentity;
  arn: string;
}

async function exchange(
  settings: RoleSettings,
  aws: AwsClients,
  ctx: AwsContext,
  opts: ProviderOptions,
): Promise<Session> {
  const delay = opts.retryDelayMs ?? 1000;
  // The step's deadline (a call scope, see connect.ts) bounds the token request, every STS attempt and
  // the waits between them; without one, the job's cancellation does.
  const signal = currentCallScope()?.signal ?? ctx.signal;
  for (let attempt = 1; ; attempt++) {
    const token = await idToken(ctx, settings.audience ?? DEFAULT_AUDIENCE, signal);
    ctx.runner.mask(token);
    try {
      const out = await aws.sts.send(
        (sdk) =>
          new sdk.AssumeRoleWithWebIdentityCommand({
            RoleArn: settings.roleArn,
            RoleSessionName: settings.sessionName ?? defaultSessionName(ctx.env),
            WebIdentityToken: token,
            DurationSeconds: settings.durationSeconds ?? DEFAULT_DURATION_SECONDS,
          }),
        { abortSignal: signal },
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('STS returned no credentials');
      ctx.runner.mask(c.SecretAccessKey);
      if (c.SessionToken) ctx.runner.mask(c.SessionToken);
      return {
        arn: out.AssumedRoleUser?.Arn ?? settings.roleArn,
        credentials: {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
          expiration: c.Expiration,
        },
      };
    } catch (err) {
      const name = (err as { name?: string }).name ?? '';
      if (!TRANSIENT.has(name) || attempt >= ATTEMPTS || signal.aborted) throw err;
      const wait = delay * 2 ** (attempt - 1);
      ctx.runner.warning(
        `STS answered ${name}; trying again in ${wait} ms (attempt ${attempt + 1} of ${ATTEMPTS})`,
      );
      await sleep(wait, signal);
      // The deadline passed while waiting: say what STS last answered, not only that time ran out.
      if (signal.aborted) throw lastAnswer(abortError(signal), name, attempt);
    }
  }
}

function lastAnswer(err: Error, name: string, attempts: number): Error {
  if (!(err instanceof CallTimedOut)) return err;
  return new CallTimedOut(`${err.message}; STS answered ${name} to ${attempts} attempt(s) until then`);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The runner's token endpoint refused or answered without a token. */
export class IdTokenRefused extends Error {
  override name = 'IdTokenRefused';
}

/**
 * GitHub's OIDC token for `audience`, asked of the runner's token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL and
 * _TOKEN, present when the job has "permissions: id-token: write"); undefined where the job offers none.
 * The one place the token is requested, for STS and for sigstore alike. Masking is the caller's: it masks
 * ACTIONS_ID_TOKEN_REQUEST_TOKEN before the call and the token it gets back.
 */
export async function githubIdToken(
  env: NodeJS.ProcessEnv,
  audience: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !bearer) return undefined;
  const url = new URL(env.ACTIONS_ID_TOKEN_REQUEST_URL);
  url.searchParams.set('audience', audience);
  const res = await fetch(url, { headers: { Authorization: `Bearer ${bearer}` }, signal }).catch(
    (err: unknown) => Promise.reject(signal?.aborted ? abortError(signal) : err),
  );
  if (!res.ok)
    throw new IdTokenRefused(`the runner refused an OIDC token for ${audience} (HTTP ${res.status})`);
  const body = (await res.json()) as { value?: string };
  if (!body.value) throw new IdTokenRefused(`the runner returned no OIDC token for ${audience}`);
  return body.value;
}

async function idToken(ctx: AwsContext, audience: string, signal: AbortSignal): Promise<string> {
  const env = ctx.env;
  if (env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) ctx.runner.mask(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
  try {
    const token = await githubIdToken(env, audience, signal);
    if (token) return token;
  } catch (err) {
    if (!(err instanceof IdTokenRefused)) throw err;
    throw new UserError(err.message, 'role-to-assume', 'give the job "permissions: id-token: write"');
  }
  const token = env.CENDENCE_ID_TOKEN ?? env.AWS_WEB_IDENTITY_TOKEN;
  if (token) return token;
  throw new UserError(
    'no OIDC token is available to assume the role',
    'role-to-assume',
    `GitHub: add "permissions: id-token: write" to the job; GitLab: declare "id_tokens: CENDENCE_ID_TOKEN: { aud: ${audience} }"`,
  );
}
