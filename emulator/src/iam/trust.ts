// STS's side of AssumeRoleWithWebIdentity when the world has IAM: the token's signature, its issuer's
// OIDC provider and audience, the role's maximum session, then the role's trust policy evaluated with
// the token's claims as condition keys (<issuer host>:aud, :sub and every other string claim), refused
// with the errors and messages STS answers.
import { AwsError } from '../types.js';
import { signatureValid } from './oidc.js';
import { evaluatePolicies, type Values } from './policy.js';
import type { IamState } from './state.js';

const notAuthorized = () =>
  new AwsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403);

/** Condition keys a web identity token supplies to a trust policy. */
export function tokenContext(host: string, claims: Record<string, unknown>): Record<string, Values> {
  const ctx: Record<string, Values> = {};
  for (const [claim, value] of Object.entries(claims)) {
    if (typeof value === 'string') ctx[`${host}:${claim}`] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') ctx[`${host}:${claim}`] = String(value);
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string'))
      ctx[`${host}:${claim}`] = value;
  }
  // Federation with AWS accepts the first audience (or azp) as <host>:aud.
  const aud = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
  if (typeof aud === 'string') ctx[`${host}:aud`] = aud;
  ctx['aws:FederatedProvider'] = host;
  return ctx;
}

export function checkWebIdentity(
  iam: IamState,
  roleArn: string,
  token: string,
  claims: Record<string, unknown>,
  durationSeconds: number,
): void {
  if (!signatureValid(token)) {
    throw new AwsError(
      'InvalidIdentityToken',
      'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.',
    );
  }
  const iss = typeof claims.iss === 'string' ? claims.iss : '';
  const provider = iam.providerFor(iss);
  if (!provider) {
    throw new AwsError('InvalidIdentityToken', `No OpenIDConnect provider found in your account for ${iss}`);
  }
  const auds = (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).map(String);
  if (!auds.some((a) => provider.clientIds.includes(a))) {
    throw new AwsError('InvalidIdentityToken', 'Incorrect token audience');
  }
  const role = iam.roles.get(roleArn);
  if (!role) throw notAuthorized();
  if (durationSeconds > (role.maxSessionDuration ?? 3600)) {
    throw new AwsError(
      'ValidationError',
      `The requested DurationSeconds exceeds the MaxSessionDuration set for this role.`,
    );
  }
  const host = provider.url.replace(/^https:\/\//, '');
  const result = evaluatePolicies([role.trustPolicy], {
    action: 'sts:AssumeRoleWithWebIdentity',
    resource: roleArn,
    principal: { type: 'Federated', id: provider.arn },
    context: tokenContext(host, claims),
  });
  if (result.decision !== 'Allow') throw notAuthorized();
}
