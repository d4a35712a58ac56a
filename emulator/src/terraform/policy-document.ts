// data "aws_iam_policy_document": statement blocks to the IAM policy JSON the provider renders
// (Version 2012-10-17; single values stay single strings, as the provider writes them).
import type { Json } from './hcl.js';

const one = (v: string[]): string | string[] => (v.length === 1 ? v[0] : v);

export interface PolicyJson {
  Version: string;
  Statement: Json[];
}

export function policyDocument(doc: Json): PolicyJson {
  const statements: Json[] = [];
  for (const s of (doc.statement ?? []) as Json[]) {
    const out: Record<string, Json> = {};
    if (s.sid) out.Sid = s.sid;
    out.Effect = s.effect ?? 'Allow';
    if (s.actions) out.Action = one([...s.actions].sort());
    if (s.not_actions) out.NotAction = one([...s.not_actions].sort());
    if (s.resources) out.Resource = one([...s.resources].sort());
    if (s.not_resources) out.NotResource = one([...s.not_resources].sort());
    for (const [key, list] of [
      ['Principal', s.principals],
      ['NotPrincipal', s.not_principals],
    ] as const) {
      if (!list?.length) continue;
      const principal: Record<string, Json> = {};
      for (const pr of list as Json[]) {
        if (pr.type === '*') principal['*'] = '*';
        else principal[pr.type] = one([...(principal[pr.type] ?? []), ...pr.identifiers].flat());
      }
      out[key] = principal['*'] && Object.keys(principal).length === 1 ? '*' : principal;
    }
    if (s.condition?.length) {
      const cond: Record<string, Record<string, Json>> = {};
      for (const c of s.condition as Json[]) {
        cond[c.test] ??= {};
        cond[c.test][c.variable] = one(c.values.map(String));
      }
      out.Condition = cond;
    }
    statements.push(out);
  }
  return { Version: '2012-10-17', Statement: statements };
}
