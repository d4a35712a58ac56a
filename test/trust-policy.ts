// The CI roles' trust policies (terraform/ci_identity.tf), evaluated as IAM evaluates their conditions,
// for the claims a CI job's OIDC token carries (the doors' identity tests).
import { dataSource, evaluate, type Json, scopeOf, type TfModule } from '../emulator/src/terraform/hcl.js';

export interface Condition {
  test: string;
  variable: string;
  values: string[];
}

/** IAM's StringLike: * matches any run of characters, ? exactly one; everything else is literal. */
export function stringLike(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(value);
}

/** Whether every condition holds for the token's claims (a missing claim fails, as without ...IfExists). */
export function conditionsAllow(conditions: Condition[], claims: Record<string, string>): boolean {
  return conditions.every(({ test, variable, values }) => {
    const claim = claims[variable];
    if (claim === undefined) return false;
    if (test === 'StringEquals') return values.includes(claim);
    if (test === 'StringLike') return values.some((pattern) => stringLike(pattern, claim));
    throw new Error(`condition operator ${test} is not modelled`);
  });
}

/** The single trust statement of a CI role, its conditions evaluated for the given variable values. */
export function trustOf(main: TfModule, document: string, vars: Record<string, Json>) {
  const statements = dataSource(main, `aws_iam_policy_document.${document}`).statement as Json[];
  if (statements.length !== 1)
    throw new Error(`${document}: expected one statement, got ${statements.length}`);
  const [statement] = statements;
  const scope = scopeOf(main, vars);
  const conditions: Condition[] = (statement.condition as Json[]).map((c) => ({
    test: evaluate(c.test, scope),
    variable: evaluate(c.variable, scope),
    values: evaluate(c.values, scope),
  }));
  const allows = (claims: Record<string, string>) => conditionsAllow(conditions, claims);
  return { statement, conditions, allows };
}
