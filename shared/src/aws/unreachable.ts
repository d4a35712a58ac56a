// "Nothing answers there": a refused or unresolvable endpoint, explained once for every step. The SDK's
// own words ("connect ECONNREFUSED 127.0.0.1:4566") name neither the setting nor the fix, and a push
// that cannot reach ECR is easily mistaken for a credentials problem.
import { UserError } from '../errors.js';
import { errorCode } from './retry.js';

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** Nothing listening or no such host: exit 2 (configuration), naming the endpoint and what to do. */
export class EndpointUnreachable extends UserError {
  constructor(
    readonly endpoint: string,
    /** The network error code (ECONNREFUSED…): followers treat it as a passing connection failure. */
    readonly code: string,
  ) {
    super(
      `no AWS endpoint answered at ${endpoint} (${code === 'ECONNREFUSED' ? 'connection refused' : `${code}: host not found`})`,
      'endpoint',
      'start the emulator (npx cendence emulator), check --endpoint or AWS_ENDPOINT_URL, or run `npx cendence doctor`',
    );
  }
}

export function explainUnreachable(err: unknown, endpoint: string | undefined): unknown {
  const e = err as { hostname?: string; address?: string; port?: number };
  const code = errorCode(err);
  if (!code || !UNREACHABLE.has(code)) return err;
  const where = endpoint ?? (e.address ? `${e.address}${e.port ? `:${e.port}` : ''}` : (e.hostname ?? 'AWS'));
  return new EndpointUnreachable(where, code);
}
