// From a step's AWS inputs to ready clients: region, endpoint override, and credentials
// (the default chain, or the CI's OIDC token exchanged for a role when role-to-assume is given).

import { UserError } from '../errors.js';
import { AwsClients, type AwsOptions, resolveRegion } from './clients.js';
import { type AwsContext, checkRoleSettings, oidcCredentials, type RoleSettings } from './credentials.js';
import { withDeadline } from './retry.js';

/** The OIDC exchange's bound for a step that has no timeout of its own. */
export const OIDC_EXCHANGE_LIMIT_SECONDS = 120;

export interface AwsSettings {
  region: string;
  endpoint?: string;
  roleToAssume?: string;
  /** How the role is assumed: audience, session duration and name. */
  role?: Omit<RoleSettings, 'roleArn'>;
}

/** Reads the AWS_INPUTS (region, endpoint, role-to-assume and its options). Validates without calling AWS. */
export function awsSettings(
  inputs: { string(name: string): string | undefined; number(name: string): number | undefined },
  ctx: Pick<AwsContext, 'env'>,
): AwsSettings {
  const region = resolveRegion({ region: inputs.string('region'), env: ctx.env });
  const endpoint = inputs.string('endpoint');
  checkEndpoints(endpoint, ctx.env);
  const roleToAssume = inputs.string('role-to-assume');
  const role: Omit<RoleSettings, 'roleArn'> = {
    audience: inputs.string('audience') || undefined,
    durationSeconds: inputs.number('role-duration-seconds'),
    sessionName: inputs.string('role-session-name') || undefined,
  };
  if (roleToAssume) checkRoleSettings({ roleArn: roleToAssume, ...role });
  return {
    region,
    ...(endpoint ? { endpoint } : {}),
    ...(roleToAssume ? { roleToAssume, role } : {}),
  };
}

/** The endpoint input and AWS_ENDPOINT_URL[_<SERVICE>] must be http(s) URLs: the SDK would fail later. */
function checkEndpoints(endpoint: string | undefined, env: NodeJS.ProcessEnv): void {
  const given: [string, string | undefined][] = [
    ['endpoint', endpoint],
    ...Object.entries(env).filter(([k]) => /^AWS_ENDPOINT_URL(_[A-Z0-9_]+)?$/.test(k)),
  ];
  for (const [name, value] of given) {
    if (value === undefined || value === '') continue;
    const ok = URL.canParse(value) && ['http:', 'https:'].includes(new URL(value).protocol);
    if (!ok)
      throw new UserError(
        'is not an http(s) URL',
        name,
        `write it as http://127.0.0.1:4566 (the emulator) or https://ecs.<region>.amazonaws.com, or unset ${name === 'endpoint' ? 'it' : name}`,
      );
  }
}

/**
 * Clients for the step. With role-to-assume, the OIDC exchange (token request, STS attempts and the
 * waits between them) happens now, bounded by `limitSeconds` (the step's timeout) so that a hung or
 * refusing STS ends the step within its deadline, and before anything changes.
 */
export async function connect(
  settings: AwsSettings,
  ctx: AwsContext,
  limitSeconds = OIDC_EXCHANGE_LIMIT_SECONDS,
): Promise<AwsClients> {
  const base: AwsOptions = {
    region: settings.region,
    endpoint: settings.endpoint,
    env: ctx.env,
    signal: ctx.signal,
  };
  if (!settings.roleToAssume) return new AwsClients(base);
  const sts = new AwsClients(base);
  const role = { roleArn: settings.roleToAssume, ...settings.role };
  const credentials = await withDeadline(
    limitSeconds * 1000,
    () => oidcCredentials(role, sts, ctx),
    ctx.signal,
    `the OIDC exchange for ${role.roleArn} did not finish within ${limitSeconds} s (the step's time limit)`,
  );
  return new AwsClients({ ...base, credentials });
}
