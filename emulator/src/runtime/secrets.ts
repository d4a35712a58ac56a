// A read model of Secrets Manager and SSM Parameter Store: what a task definition's `secrets[].valueFrom`
// resolves to when a real container starts. Secrets are put by the RDS model (its managed master
// secret), by world files (`secrets:`) or by tests; failures read as the ECS agent reports them.
import { randomBytes } from 'node:crypto';
import type { World } from '../state.js';

export interface SecretSpec {
  name: string;
  /** A string value, or an object stored as JSON (as RDS stores {username, password}). */
  value: string | Record<string, unknown>;
}

const RETRIEVAL =
  'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed';

export class SecretResolutionError extends Error {}

export class SecretsStore {
  /** ARN → value; names map to ARNs. */
  private readonly secrets = new Map<string, string>();
  private readonly names = new Map<string, string>();
  private readonly parameters = new Map<string, string>();

  constructor(private readonly world: World) {}

  /** Puts a Secrets Manager secret; answers its ARN (name plus AWS's six random characters). */
  putSecret(name: string, value: SecretSpec['value']): string {
    const arn =
      this.names.get(name) ??
      this.world.arn('secretsmanager', `secret:${name}-${randomBytes(6).toString('base64url').slice(0, 6)}`);
    this.names.set(name, arn);
    this.secrets.set(arn, typeof value === 'string' ? value : JSON.stringify(value));
    return arn;
  }

  /** Puts a secret under an exact ARN (`arn:…:secret:<name>-XXXXXX`), as a world naming it does. */
  putSecretAt(arn: string, value: SecretSpec['value']): string {
    const name = arn.slice(arn.indexOf(':secret:') + 8).replace(/-[A-Za-z0-9]{6}$/, '');
    this.names.set(name, arn);
    this.secrets.set(arn, typeof value === 'string' ? value : JSON.stringify(value));
    return arn;
  }

  putParameter(name: string, value: string): string {
    const clean = name.replace(/^\//, '');
    this.parameters.set(clean, value);
    return this.world.arn('ssm', `parameter/${clean}`);
  }

  /** The ARN of a secret by name. */
  arnOf(name: string): string | undefined {
    return this.names.get(name);
  }

  secretValue(ref: string): string | undefined {
    const arn = ref.startsWith('arn:') ? ref : this.names.get(ref);
    return arn ? this.secrets.get(arn) : undefined;
  }

  /**
   * A `valueFrom`: a secret ARN (optionally `:json-key:version-stage:version-id`), an SSM parameter ARN
   * or name. Throws SecretResolutionError with the agent's wording when it cannot.
   */
  resolve(valueFrom: string): string {
    if (valueFrom.startsWith('arn:aws:secretsmanager:')) {
      const parts = valueFrom.split(':');
      const arn = parts.slice(0, 7).join(':');
      const jsonKey = parts[7];
      const value = this.secrets.get(arn);
      if (value === undefined)
        throw new SecretResolutionError(
          `${RETRIEVAL}: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret ${arn} from secrets manager: ResourceNotFoundException: Secrets Manager can't find the specified secret.`,
        );
      if (!jsonKey) return value;
      let parsed: Record<string, unknown> | undefined;
      try {
        parsed = JSON.parse(value) as Record<string, unknown>;
      } catch {
        parsed = undefined;
      }
      const v = parsed?.[jsonKey];
      if (v === undefined)
        throw new SecretResolutionError(
          `${RETRIEVAL}: unable to retrieve secret from asm: retrieved secret from Secrets Manager did not contain json key ${jsonKey}`,
        );
      return typeof v === 'string' ? v : JSON.stringify(v);
    }
    const name = valueFrom.startsWith('arn:aws:ssm:')
      ? valueFrom.slice(valueFrom.indexOf(':parameter/') + ':parameter/'.length)
      : valueFrom.replace(/^\//, '');
    const value = this.parameters.get(name);
    if (value === undefined)
      throw new SecretResolutionError(
        `${RETRIEVAL}: unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid parameters: ${valueFrom}`,
      );
    return value;
  }

  snapshot(): Record<string, unknown> {
    return { secrets: [...this.names.keys()], parameters: [...this.parameters.keys()] };
  }
}

export function secretsOf(world: World): SecretsStore {
  return world.slot('secrets', () => new SecretsStore(world));
}
