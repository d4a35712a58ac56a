// OIDC web identity: the CI's signed id token exchanged with STS AssumeRoleWithWebIdentity for
// short-lived credentials. GitHub: requested from the runner (ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN,
// permissions: id-token: write). GitLab: the id_tokens variable the job declares (default
// CENDENCE_ID_TOKEN, or AWS_WEB_IDENTITY_TOKEN). The token is masked before anything can print it.
import { AssumeRoleWithWebIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { UserError } from '../errors.js';
import type { Runner } from '../runner/types.js';
import type { AwsClients } from './clients.js';

/** What AWS access needs from the step running it: its environment, and the runner to mask and log. */
export interface AwsContext {
  env: NodeJS.ProcessEnv;
  runner: Runner;
}

export const DEFAULT_AUDIENCE = 'sts.amazonaws.com';
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,128}$/;

export async function oidcCredentials(
  roleArn: string,
  aws: AwsClients,
  ctx: AwsContext,
): Promise<AwsCredentialIdentity> {
  if (!ROLE_ARN.test(roleArn)) {
    throw new UserError(
      `"${roleArn}" is not an IAM role ARN`,
      'role-to-assume',
      'use arn:aws:iam::<account-id>:role/<name>',
    );
  }
  const token = await idToken(ctx);
  ctx.runner.mask(token);
  const session = (ctx.env.GITHUB_RUN_ID ?? ctx.env.CI_JOB_ID ?? `${Date.now()}`).replace(/[^\w+=,.@-]/g, '');
  const out = await aws.sts.send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: roleArn,
      RoleSessionName: `cendence-${session}`.slice(0, 64),
      WebIdentityToken: token,
      DurationSeconds: 3600,
    }),
  );
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('STS returned no credentials');
  ctx.runner.mask(c.SecretAccessKey);
  if (c.SessionToken) ctx.runner.mask(c.SessionToken);
  ctx.runner.info(`assumed ${out.AssumedRoleUser?.Arn ?? roleArn}`);
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration,
  };
}

async function idToken(ctx: AwsContext): Promise<string> {
  const env = ctx.env;
  const audience = env.CENDENCE_OIDC_AUDIENCE ?? DEFAULT_AUDIENCE;
  if (env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    ctx.runner.mask(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
    const url = new URL(env.ACTIONS_ID_TOKEN_REQUEST_URL);
    url.searchParams.set('audience', audience);
    const res = await fetch(url, {
      headers: { Authorization: `Bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
    });
    if (!res.ok) {
      throw new UserError(
        `the runner refused an OIDC token (HTTP ${res.status})`,
        'role-to-assume',
        'give the job "permissions: id-token: write"',
      );
    }
    const body = (await res.json()) as { value?: string };
    if (!body.value) throw new UserError('the runner returned no OIDC token', 'role-to-assume');
    return body.value;
  }
  const token = env.CENDENCE_ID_TOKEN ?? env.AWS_WEB_IDENTITY_TOKEN;
  if (token) return token;
  throw new UserError(
    'no OIDC token is available to assume the role',
    'role-to-assume',
    'GitHub: add "permissions: id-token: write" to the job; GitLab: declare "id_tokens: CENDENCE_ID_TOKEN: { aud: sts.amazonaws.com }"',
  );
}
