// IAM policy evaluation as AWS documents it for a request inside one account: an explicit Deny in any
// policy wins, else an Allow in any policy, else the implicit deny. Statements match on Action/NotAction
// (case-insensitive, * and ? wildcards), Resource/NotResource (case-sensitive wildcards, ARN segments), Principal
// (for trust policies) and Condition: every operator block must hold (AND), every key in a block (AND),
// any value of a key (OR). Supported operators: String{Equals,NotEquals,EqualsIgnoreCase,NotEqualsIgnoreCase,
// Like,NotLike}, Arn{Equals,NotEquals,Like,NotLike}, Numeric{Equals,NotEquals,LessThan,LessThanEquals,
// GreaterThan,GreaterThanEquals}, Date{…same…}, Bool, Null, IpAddress/NotIpAddress (IPv4), each with the
// IfExists suffix and the ForAnyValue:/ForAllValues: set qualifiers. Condition keys are case-insensitive.
// Policy variables (${aws:username} and the like) in Resource and condition values are substituted.

export type Values = string | string[];

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: Values;
  NotAction?: Values;
  Resource?: Values;
  NotResource?: Values;
  Principal?: '*' | Record<string, Values>;
  NotPrincipal?: '*' | Record<string, Values>;
  Condition?: Record<string, Record<string, Values>>;
}

export interface PolicyDocument {
  Version?: string;
  Statement: Statement | Statement[];
}

export interface IamRequest {
  action: string;
  resource: string;
  /** Condition keys of the request (lower- or mixed-case; compared case-insensitively). */
  context: Record<string, Values | undefined>;
  /** Trust policies: the caller, as { Federated: arn } / { Service: name } / { AWS: arn }. */
  principal?: { type: string; id: string };
}

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface Evaluation {
  decision: Decision;
  /** The statement that decided (the Deny, or the first Allow). */
  statement?: Statement;
}

const list = (v: Values | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** A glob (* any run, ? one character) as an anchored RegExp. */
function glob(pattern: string, flags = ''): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, `s${flags}`);
}

export function actionMatches(pattern: string, action: string): boolean {
  return glob(pattern, 'i').test(action);
}

/** Resource ARNs match segment by segment for the first five; wildcards never cross a ':' there. */
export function resourceMatches(pattern: string, resource: string): boolean {
  if (pattern === '*') return true;
  if (!pattern.startsWith('arn:') || !resource.startsWith('arn:')) return glob(pattern).test(resource);
  const p = pattern.split(':');
  const r = resource.split(':');
  if (r.length < 6 || p.length < 6) return glob(pattern).test(resource);
  for (let i = 0; i < 5; i++) if (!glob(p[i]).test(r[i])) return false;
  return glob(p.slice(5).join(':')).test(r.slice(5).join(':'));
}

function substitute(value: string, ctx: Record<string, Values | undefined>): string {
  return value.replace(/\$\{([^}]+)\}/g, (whole, key: string) => {
    if (key === '*' || key === '?' || key === '$') return key;
    const v = lookup(ctx, key);
    return v === undefined ? whole : list(v)[0];
  });
}

function lookup(ctx: Record<string, Values | undefined>, key: string): Values | undefined {
  const k = key.toLowerCase();
  for (const [name, v] of Object.entries(ctx)) if (name.toLowerCase() === k) return v;
  return undefined;
}

function ipv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  return m ? m.slice(1).reduce((a, o) => a * 256 + Number(o), 0) : undefined;
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits = '32'] = cidr.split('/');
  const a = ipv4(ip);
  const b = ipv4(base);
  if (a === undefined || b === undefined) return false;
  const size = 2 ** (32 - Number(bits));
  return Math.floor(a / size) === Math.floor(b / size);
}

const dateOf = (s: string): number => (/^\d+$/.test(s) ? Number(s) * 1000 : Date.parse(s));

type Compare = (actual: string, expected: string) => boolean;

const COMPARE: Record<string, Compare> = {
  StringEquals: (a, e) => a === e,
  StringEqualsIgnoreCase: (a, e) => a.toLowerCase() === e.toLowerCase(),
  StringLike: (a, e) => glob(e).test(a),
  ArnEquals: (a, e) => resourceMatches(e, a),
  ArnLike: (a, e) => resourceMatches(e, a),
  NumericEquals: (a, e) => Number(a) === Number(e),
  NumericLessThan: (a, e) => Number(a) < Number(e),
  NumericLessThanEquals: (a, e) => Number(a) <= Number(e),
  NumericGreaterThan: (a, e) => Number(a) > Number(e),
  NumericGreaterThanEquals: (a, e) => Number(a) >= Number(e),
  DateEquals: (a, e) => dateOf(a) === dateOf(e),
  DateLessThan: (a, e) => dateOf(a) < dateOf(e),
  DateLessThanEquals: (a, e) => dateOf(a) <= dateOf(e),
  DateGreaterThan: (a, e) => dateOf(a) > dateOf(e),
  DateGreaterThanEquals: (a, e) => dateOf(a) >= dateOf(e),
  Bool: (a, e) => a.toLowerCase() === e.toLowerCase(),
  IpAddress: (a, e) => inCidr(a, e),
};

/** Negated operators: the positive one, inverted (a missing key makes a negated condition true). */
const NEGATED: Record<string, string> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
  ArnNotEquals: 'ArnEquals',
  ArnNotLike: 'ArnLike',
  NumericNotEquals: 'NumericEquals',
  DateNotEquals: 'DateEquals',
  NotIpAddress: 'IpAddress',
};

export class UnsupportedCondition extends Error {}

function conditionHolds(
  operator: string,
  key: string,
  expected: string[],
  ctx: Record<string, Values | undefined>,
): boolean {
  let op = operator;
  let qualifier: 'ForAnyValue' | 'ForAllValues' | undefined;
  const q = /^(ForAnyValue|ForAllValues):(.*)$/.exec(op);
  if (q) {
    qualifier = q[1] as 'ForAnyValue' | 'ForAllValues';
    op = q[2];
  }
  const ifExists = op.endsWith('IfExists');
  if (ifExists) op = op.slice(0, -'IfExists'.length);
  const raw = lookup(ctx, key);
  const actual = list(raw);
  const wanted = expected.map((e) => substitute(String(e), ctx));
  if (op === 'Null') {
    const isNull = raw === undefined || actual.length === 0;
    return wanted.some((w) => (w.toLowerCase() === 'true') === isNull);
  }
  if (raw === undefined) {
    if (ifExists) return true;
    if (qualifier === 'ForAllValues') return true;
    return op in NEGATED;
  }
  const negated = op in NEGATED;
  const compare = COMPARE[negated ? NEGATED[op] : op];
  if (!compare) throw new UnsupportedCondition(`condition operator ${operator} is not supported`);
  const matches = (a: string) => wanted.some((w) => compare(a, w));
  if (qualifier === 'ForAllValues') return actual.every((a) => (negated ? !matches(a) : matches(a)));
  if (negated) return !actual.some(matches);
  return actual.some(matches);
}

function principalMatches(p: Statement['Principal'], who: IamRequest['principal']): boolean {
  if (p === undefined) return true; // identity policies have no Principal
  if (p === '*') return true;
  if (!who) return false;
  return Object.entries(p).some(
    ([type, ids]) => type === who.type && list(ids).some((id) => id === '*' || id === who.id),
  );
}

function statementApplies(s: Statement, req: IamRequest): boolean {
  if (s.Action !== undefined && !list(s.Action).some((a) => actionMatches(a, req.action))) return false;
  if (s.NotAction !== undefined && list(s.NotAction).some((a) => actionMatches(a, req.action))) return false;
  const resource = (patterns: Values) =>
    list(patterns).some((r) => resourceMatches(substitute(r, req.context), req.resource));
  if (s.Resource !== undefined && !resource(s.Resource)) return false;
  if (s.NotResource !== undefined && resource(s.NotResource)) return false;
  if (s.Principal !== undefined && !principalMatches(s.Principal, req.principal)) return false;
  if (s.NotPrincipal !== undefined && principalMatches(s.NotPrincipal, req.principal)) return false;
  for (const [operator, keys] of Object.entries(s.Condition ?? {})) {
    for (const [key, values] of Object.entries(keys)) {
      if (!conditionHolds(operator, key, list(values), req.context)) return false;
    }
  }
  return true;
}

/** Evaluates a request against a set of policies (identity policies, or one trust policy). */
export function evaluatePolicies(policies: PolicyDocument[], req: IamRequest): Evaluation {
  let allow: Statement | undefined;
  for (const policy of policies) {
    const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
    for (const s of statements) {
      if (!statementApplies(s, req)) continue;
      if (s.Effect === 'Deny') return { decision: 'ExplicitDeny', statement: s };
      allow ??= s;
    }
  }
  return allow ? { decision: 'Allow', statement: allow } : { decision: 'ImplicitDeny' };
}
