// From a step's AWS inputs to ready clients: region, endpoint override, and credentials
// (the default chain, or the CI's OIDC token exchanged for a role when role-to-assume is given).

import { UserError } from '../errors.js';
import type { Inputs, StepContext } from '../steps/step.js';
import { AwsClients, type AwsOptions, resolveRegion } from './clients.js';
import { checkRoleSettings, oidcCredentials, type RoleSettings } from './credentials.js';

export interface AwsSettings {
  region: string;
  endpoint?: string;
  roleToAssume?: string;
  /** How the role is assumed: audience, session duration and name. */
  role?: Omit<RoleSettings, 'roleArn'>;
}

/** Reads the AWS_INPUTS (region, endpoint, role-to-assume and its options). Validates without calling AWS. */
export function awsSettings(inputs: Inputs, ctx: StepContext): AwsSettings {
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
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {}
    if (!ok)
      throw new UserError(
        'is not an http(s) URL',
        name,
        `write it as http://127.0.0.1:4566 (the emulator) or https://ecs.<region>.amazonaws.com, or unset ${name === 'endpoint' ? 'it' : name}`,
      );
  }
}

export async function connect(settings: AwsSettings, ctx: StepContext): Promise<AwsClients> {
  const base: AwsOptions = {
    region: settings.region,
    endpoint: settings.endpoint,
    env: ctx.env,
    signal: ctx.signal,
  };
  if (!settings.roleToAssume) return new AwsClients(base);
  const sts = new AwsClients(base);
  const credentials = await oidcCredentials({ roleArn: settings.roleToAssume, ...settings.role }, sts, ctx);
  return new AwsClients({ ...base, credentials });
}
