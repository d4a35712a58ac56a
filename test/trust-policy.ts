// The CI roles' trust policies (terraform/ci_identity.tf), for the claims a CI job's OIDC token carries
// (the doors' identity tests). The statement is rendered as the provider renders it
// (emulator/src/terraform/policy-document.ts) and judged by the emulator's IAM evaluator
// (emulator/src/iam/policy.ts), the one STS uses there: one evaluator, not a copy of it.
import { evaluatePolicies, type PolicyDocument } from '../emulator/src/iam/policy.js';
import { dataSource, evaluate, type Json, scopeOf, type TfModule } from '../emulator/src/terraform/hcl.js';
import { policyDocument } from '../emulator/src/terraform/policy-document.js';

export interface Condition {
  test: string;
  variable: string;
  values: string[];
}

const ACTION = 'sts:AssumeRoleWithWebIdentity';

/**
 * Whether every condition holds for the token's claims, as IAM decides it (a missing claim fails unless
 * the operator says IfExists; an operator the evaluator does not model throws).
 */
export function conditionsAllow(conditions: Condition[], claims: Record<string, string>): boolean {
  const document = policyDocument({
    statement: [{ effect: 'Allow', actions: [ACTION], condition: conditions }],
  });
  return (
    evaluatePolicies([document as PolicyDocument], { action: ACTION, resource: '*', context: claims })
      .decision === 'Allow'
  );
}

/** IAM's StringLike: * matches any run of characters, ? exactly one; everything else is literal. */
export function stringLike(pattern: string, value: string): boolean {
  return conditionsAllow([{ test: 'StringLike', variable: 'v', values: [pattern] }], { v: value });
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
