// The account's IAM as Terraform created it: roles (trust policy, inline and attached policies, maximum
// session length) and OpenID Connect providers. `enforce` turns on trust-policy checks in STS and
// permission checks on every call made with assumed-role credentials (authorize.ts).
import type { World } from '../state.js';
import type { PolicyDocument } from './policy.js';

export interface RolePolicy {
  /** Inline policy name, or the managed policy's ARN. */
  name: string;
  /** Undefined for AWS managed policies, whose text the world does not carry. */
  document?: PolicyDocument;
}

export interface RoleSpec {
  name: string;
  arn: string;
  trustPolicy: PolicyDocument;
  policies: RolePolicy[];
  /** Seconds; 3600 when unset, as on AWS. */
  maxSessionDuration?: number;
  tags?: Record<string, string>;
}

export interface OidcProviderSpec {
  /** https://host[/path] */
  url: string;
  arn: string;
  clientIds: string[];
}

export interface IamSpec {
  roles: RoleSpec[];
  oidcProviders: OidcProviderSpec[];
  /** Default true when the spec is present. */
  enforce?: boolean;
}

export class IamState {
  readonly roles = new Map<string, RoleSpec>();
  readonly providers = new Map<string, OidcProviderSpec>();
  enforce = false;

  /** The provider for a token issuer (iss), matched as AWS does: URL without the scheme. */
  providerFor(issuer: string): OidcProviderSpec | undefined {
    const host = issuer.replace(/^https:\/\//, '');
    return [...this.providers.values()].find((p) => p.url.replace(/^https:\/\//, '') === host);
  }

  snapshot(): unknown {
    return {
      enforce: this.enforce,
      roles: [...this.roles.values()].map((r) => ({ arn: r.arn, policies: r.policies.map((p) => p.name) })),
      oidcProviders: [...this.providers.values()].map((p) => p.arn),
    };
  }
}

export function iamOf(world: World): IamState {
  return world.slot('iam', () => new IamState());
}

export function seedIam(world: World, spec: IamSpec | undefined): void {
  if (!spec) return;
  const iam = iamOf(world);
  for (const r of spec.roles) iam.roles.set(r.arn, r);
  for (const p of spec.oidcProviders) iam.providers.set(p.arn, p);
  iam.enforce = spec.enforce !== false;
}
