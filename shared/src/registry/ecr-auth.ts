// ECR credentials for the registry endpoint: GetAuthorizationToken → "AWS:<password>". The password and
// the token are handed to runner.mask() before this function returns, so nothing printed afterwards
// can show them; they are only ever given to an engine's stdin.
import type { AwsClients } from '../aws/clients.js';
import { EndpointUnreachable } from '../aws/unreachable.js';
import { UserError } from '../errors.js';
import type { RegistryLogin } from '../image/engine.js';
import type { Runner } from '../runner/types.js';

export interface RegistryAuth extends RegistryLogin {
  expiresAt?: Date;
}

export async function ecrLogin(aws: AwsClients, runner: Runner): Promise<RegistryAuth> {
  let data: { authorizationToken?: string; proxyEndpoint?: string; expiresAt?: Date } | undefined;
  try {
    data = (await aws.ecr.send((sdk) => new sdk.GetAuthorizationTokenCommand({}))).authorizationData?.[0];
  } catch (err) {
    // Nothing answered: say so, not "check the credentials".
    if (err instanceof EndpointUnreachable) throw err;
    throw new UserError(
      `ECR GetAuthorizationToken failed: ${(err as Error).name}: ${(err as Error).message}`,
      'registry',
      'check the AWS credentials (role-to-assume, region) and that they allow ecr:GetAuthorizationToken',
    );
  }
  const token = data?.authorizationToken;
  if (!token || !data?.proxyEndpoint) {
    throw new UserError('ECR returned no authorization data', 'registry', 'check the region and endpoint');
  }
  runner.mask(token);
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const password = decoded.slice(colon + 1);
  runner.mask(password);
  if (colon < 0 || !password) throw new UserError('ECR returned a malformed authorization token', 'registry');
  const endpoint = new URL(data.proxyEndpoint);
  return {
    registry: endpoint.host,
    username: decoded.slice(0, colon),
    password,
    insecure: endpoint.protocol === 'http:',
    expiresAt: data.expiresAt,
  };
}
