// IAM's policy simulator, SimulatePrincipalPolicy, answered by the same evaluator that authorises every call
// (policy.ts): the role's permission policies, each action on each resource, with the caller's context
// entries plus the global keys a session of that role would carry. One result per (action, resource) pair,
// decisions spelled as IAM spells them (allowed, explicitDeny, implicitDeny). The emulator's own user (any
// caller without an assumed-role session) acts as the account's administrator, so it is allowed everything.
import { worldOf } from '../context.js';
import type { ServiceHandlers } from '../types.js';
import { AwsError } from '../types.js';
import { type Decision, evaluatePolicies, type PolicyDocument, type Values } from './policy.js';
import { iamOf } from './state.js';

// biome-ignore lint/suspicious/noExplicitAny: wire input is untyped
type Input = Record<string, any>;

const DECISION: Record<Decision, string> = {
  Allow: 'allowed',
  ExplicitDeny: 'explicitDeny',
  ImplicitDeny: 'implicitDeny',
};

const strings = (v: unknown): string[] =>
  v === undefined || v === null ? [] : (Array.isArray(v) ? v : [v]).map(String);

/** Context entries as condition keys: list-typed ones stay lists, others take their single value. */
function contextOf(entries: Input[] | undefined): Record<string, Values> {
  const ctx: Record<string, Values> = {};
  for (const e of entries ?? []) {
    const name = String(e.ContextKeyName ?? '');
    if (!name) throw new AwsError('InvalidInput', 'ContextKeyName must not be empty');
    const values = strings(e.ContextKeyValues);
    ctx[name] = String(e.ContextKeyType ?? '').endsWith('List') ? values : (values[0] ?? '');
  }
  return ctx;
}

/** The keys every request of a principal carries (authorize.ts adds the session's own on real calls). */
export function principalContext(
  principalArn: string,
  accountId: string,
  region: string,
  nowMs: number,
): Record<string, Values> {
  return {
    'aws:PrincipalArn': principalArn,
    'aws:PrincipalAccount': accountId,
    'aws:RequestedRegion': region,
    'aws:CurrentTime': new Date(nowMs).toISOString(),
    'aws:EpochTime': String(Math.floor(nowMs / 1000)),
    'aws:SecureTransport': 'false',
  };
}

export const iamHandlers: ServiceHandlers = {
  SimulatePrincipalPolicy(input: Input, ctx) {
    const world = worldOf(ctx);
    const source = String(input.PolicySourceArn ?? '');
    const m = /^arn:aws[a-z-]*:iam::(\d{12}):(role|user)\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/.exec(source);
    if (!m) {
      throw new AwsError(
        'InvalidInput',
        `ARN ${source} is not valid: PolicySourceArn must be the ARN of an IAM user, group or role`,
      );
    }
    const actions = strings(input.ActionNames);
    if (actions.length === 0) throw new AwsError('InvalidInput', 'ActionNames must name at least one action');
    const resources = strings(input.ResourceArns);
    const [, account, kind, name] = m;
    const admin = kind === 'user' && name === 'cendence-emulator' && account === world.accountId;
    const role = kind === 'role' ? iamOf(world).roles.get(source) : undefined;
    if (!admin && !role) {
      throw new AwsError('NoSuchEntity', `The ${kind} with name ${name} cannot be found.`, 404);
    }
    const policies = (role?.policies ?? []).map((p) => p.document).filter((d): d is PolicyDocument => !!d);
    const context = {
      ...principalContext(source, world.accountId, world.region, world.clock.now()),
      ...(role ? { 'aws:PrincipalType': 'AssumedRole' } : { 'aws:PrincipalType': 'User' }),
      ...contextOf(input.ContextEntries),
    };
    const results = [];
    for (const action of actions) {
      for (const resource of resources.length > 0 ? resources : ['*']) {
        const decision = admin ? 'Allow' : evaluatePolicies(policies, { action, resource, context }).decision;
        results.push({
          EvalActionName: action,
          EvalResourceName: resource,
          EvalDecision: DECISION[decision],
          MatchedStatements: [],
          MissingContextValues: [],
        });
      }
    }
    return { EvaluationResults: results, IsTruncated: false };
  },
};
