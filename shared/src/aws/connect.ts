// From a step's AWS inputs to ready clients: region, endpoint override, and credentials
// (the default chain, or the CI's OIDC token exchanged for a role when role-to-assume is given).
import { AwsClients, type AwsOptions, resolveRegion } from './clients.js';
import { type AwsContext, oidcCredentials } from './credentials.js';

export interface AwsSettings {
  region: string;
  endpoint?: string;
  roleToAssume?: string;
}

/** Reads the AWS_INPUTS (region, endpoint, role-to-assume). Validates without calling AWS. */
export function awsSettings(
  inputs: { string(name: string): string | undefined },
  ctx: Pick<AwsContext, 'env'>,
): AwsSettings {
  const region = resolveRegion({ region: inputs.string('region'), env: ctx.env });
  const endpoint = inputs.string('endpoint');
  const roleToAssume = inputs.string('role-to-assume');
  return {
    region,
    ...(endpoint ? { endpoint } : {}),
    ...(roleToAssume ? { roleToAssume } : {}),
  };
}

export async function connect(settings: AwsSettings, ctx: AwsContext): Promise<AwsClients> {
  const base: AwsOptions = { region: settings.region, endpoint: settings.endpoint, env: ctx.env };
  if (!settings.roleToAssume) return new AwsClients(base);
  const credentials = await oidcCredentials(settings.roleToAssume, new AwsClients(base), ctx);
  return new AwsClients({ ...base, credentials });
}
