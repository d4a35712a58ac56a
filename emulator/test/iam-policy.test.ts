// The emulator's IAM policy evaluation (src/iam/policy.ts): AWS's evaluation logic case by case, then the
// same decisions as @cloud-copilot/iam-simulate (a maintained implementation of AWS's logic, used here only as
// a test oracle: its AGPL licence keeps it out of the shipped CLI bundle) for every request a release makes
// under Terraform's CI deploy policy, and for the requests that policy must refuse.
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { describe, expect, it } from '@jest/globals';
import { evaluatePolicies, type PolicyDocument, resourceMatches } from '../src/iam/policy.js';
import { planTerraform } from '../src/terraform/plan.js';

const ACCOUNT = '123456789012';
const doc = (...Statement: PolicyDocument['Statement'][]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: Statement.flat(),
});
const decide = (p: PolicyDocument[], action: string, resource: string, context = {}) =>
  evaluatePolicies(p, { action, resource, context }).decision;

describe('policy evaluation', () => {
  it('explicit Deny beats Allow; nothing matching is an implicit deny', () => {
    const allow = doc({ Effect: 'Allow', Action: 'ecs:*', Resource: '*' });
    const deny = doc({
      Effect: 'Deny',
      Action: 'ecs:UpdateService',
      Resource: 'arn:aws:ecs:*:*:service/prod/*',
    });
    expect(decide([allow, deny], 'ecs:UpdateService', 'arn:aws:ecs:eu-west-3:1:service/prod/api')).toBe(
      'ExplicitDeny',
    );
    expect(decide([allow, deny], 'ecs:UpdateService', 'arn:aws:ecs:eu-west-3:1:service/dev/api')).toBe(
      'Allow',
    );
    expect(decide([allow], 'ecr:PutImage', '*')).toBe('ImplicitDeny');
  });

  it('matches actions case-insensitively with wildcards, NotAction and NotResource', () => {
    const p = doc(
      { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
      { Effect: 'Deny', Action: 'ecs:Describe?ervices', NotResource: 'arn:aws:ecs:*:*:service/ok/*' },
    );
    expect(decide([p], 'ECS:describeclusters', 'x')).toBe('Allow');
    expect(decide([p], 'iam:PassRole', 'x')).toBe('ImplicitDeny');
    expect(decide([p], 'ecs:DescribeServices', 'arn:aws:ecs:r:1:service/other/a')).toBe('ExplicitDeny');
    expect(decide([p], 'ecs:DescribeServices', 'arn:aws:ecs:r:1:service/ok/a')).toBe('Allow');
  });

  it('matches ARNs segment by segment: a wildcard does not cross the region or account', () => {
    expect(resourceMatches('arn:aws:ecs:*:1:cluster/*', 'arn:aws:ecs:eu-west-3:1:cluster/x')).toBe(true);
    expect(resourceMatches('arn:aws:ecs:eu*:1:cluster/x', 'arn:aws:ecs:eu-west-3:2:cluster/x')).toBe(false);
    expect(
      resourceMatches(
        'arn:aws:logs:r:1:log-group:/ecs/a:*',
        'arn:aws:logs:r:1:log-group:/ecs/a:log-stream:s',
      ),
    ).toBe(true);
  });

  it('evaluates conditions: operators, IfExists, negation on absent keys, set qualifiers, Null, variables', () => {
    const cond = (Condition: Record<string, Record<string, string | string[]>>) =>
      doc({ Effect: 'Allow', Action: '*', Resource: '*', Condition });
    const ok = (c: Parameters<typeof cond>[0], context: Record<string, string | string[]>) =>
      decide([cond(c)], 'ecs:RunTask', 'r', context) === 'Allow';
    expect(
      ok(
        { StringEquals: { 'iam:PassedToService': 'ecs.amazonaws.com' } },
        { 'iam:passedtoservice': 'ecs.amazonaws.com' },
      ),
    ).toBe(true);
    expect(
      ok(
        { StringEquals: { 'iam:PassedToService': 'ecs.amazonaws.com' } },
        { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
      ),
    ).toBe(false);
    expect(
      ok(
        { StringLike: { 'gitlab.com:sub': 'project_path:g/p:ref_type:branch:ref:release-*' } },
        { 'gitlab.com:sub': 'project_path:g/p:ref_type:branch:ref:release-1' },
      ),
    ).toBe(true);
    expect(ok({ ArnEquals: { 'ecs:cluster': 'arn:aws:ecs:r:1:cluster/a' } }, {})).toBe(false);
    expect(ok({ ArnEqualsIfExists: { 'ecs:cluster': 'arn:aws:ecs:r:1:cluster/a' } }, {})).toBe(true);
    expect(ok({ StringNotEquals: { 'aws:ResourceTag/env': 'prod' } }, {})).toBe(true);
    expect(ok({ StringEquals: { 'aws:ResourceTag/env': 'prod' } }, { 'aws:ResourceTag/env': 'prod' })).toBe(
      true,
    );
    expect(ok({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] } }, { 'aws:TagKeys': ['a'] })).toBe(
      true,
    );
    expect(ok({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a'] } }, { 'aws:TagKeys': ['a', 'c'] })).toBe(
      false,
    );
    expect(ok({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['c'] } }, { 'aws:TagKeys': ['a', 'c'] })).toBe(
      true,
    );
    expect(ok({ Null: { 'aws:ResourceTag/env': 'true' } }, {})).toBe(true);
    expect(ok({ Bool: { 'aws:SecureTransport': 'false' } }, { 'aws:SecureTransport': 'false' })).toBe(true);
    expect(ok({ NumericLessThan: { 'aws:EpochTime': '100' } }, { 'aws:EpochTime': '99' })).toBe(true);
    expect(
      ok(
        { DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } },
        { 'aws:CurrentTime': '2026-12-03T00:00:00Z' },
      ),
    ).toBe(true);
    expect(ok({ IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { 'aws:SourceIp': '10.1.2.3' })).toBe(true);
    expect(
      ok(
        // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a template
        { StringEquals: { 'aws:PrincipalTag/team': '${aws:username}' } },
        { 'aws:PrincipalTag/team': 'ops', 'aws:username': 'ops' },
      ),
    ).toBe(true);
  });

  it('matches the principal of a trust policy', () => {
    const trust = doc({
      Effect: 'Allow',
      Action: 'sts:AssumeRoleWithWebIdentity',
      Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/gitlab.com` },
    });
    const ask = (id: string) =>
      evaluatePolicies([trust], {
        action: 'sts:AssumeRoleWithWebIdentity',
        resource: 'r',
        context: {},
        principal: { type: 'Federated', id },
      }).decision;
    expect(ask(`arn:aws:iam::${ACCOUNT}:oidc-provider/gitlab.com`)).toBe('Allow');
    expect(ask(`arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`)).toBe(
      'ImplicitDeny',
    );
  });
});

describe('the CI deploy policy, decided as iam-simulate decides', () => {
  it('agrees on every request of a release and on the ones Terraform’s names rule out', async () => {
    const plan = await planTerraform('terraform', {
      accountId: ACCOUNT,
      varFiles: ['terraform/environments/staging.tfvars'],
    });
    const policy = JSON.parse(plan.ofType('aws_iam_policy')[0].attrs.policy) as PolicyDocument;
    const ecs = (r: string) => `arn:aws:ecs:eu-west-3:${ACCOUNT}:${r}`;
    const role = (n: string) => `arn:aws:iam::${ACCOUNT}:role/${n}`;
    const cluster = ecs('cluster/transcendence-staging');
    const requests: [string, string, Record<string, string>][] = [
      ['ecs:DescribeClusters', cluster, {}],
      ['ecs:DescribeClusters', ecs('cluster/transcendence'), {}],
      ['ecs:UpdateService', ecs('service/transcendence-staging/auth'), {}],
      ['ecs:UpdateService', ecs('service/transcendence/auth'), {}],
      ['ecs:RunTask', ecs('task-definition/transcendence-staging-auth:2'), { 'ecs:cluster': cluster }],
      ['ecs:RunTask', ecs('task-definition/transcendence-auth:2'), { 'ecs:cluster': cluster }],
      [
        'ecs:RunTask',
        ecs('task-definition/transcendence-staging-auth:2'),
        { 'ecs:cluster': ecs('cluster/other') },
      ],
      ['ecs:DescribeTasks', ecs('task/transcendence-staging/0123456789abcdef'), {}],
      ['ecs:RegisterTaskDefinition', '*', {}],
      ['ecr:DescribeImages', `arn:aws:ecr:eu-west-3:${ACCOUNT}:repository/transcendence/auth`, {}],
      ['ecr:DescribeImages', `arn:aws:ecr:eu-west-3:${ACCOUNT}:repository/auth`, {}],
      ['ecr:GetAuthorizationToken', '*', {}],
      [
        'iam:PassRole',
        role('transcendence-staging-ecs-execution'),
        { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
      ],
      [
        'iam:PassRole',
        role('transcendence-staging-ecs-execution'),
        { 'iam:PassedToService': 'ec2.amazonaws.com' },
      ],
      [
        'iam:PassRole',
        role('transcendence-ecs-execution'),
        { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
      ],
      [
        'iam:PassRole',
        role('transcendence-staging-ecs-infrastructure'),
        { 'iam:PassedToService': 'ecs.amazonaws.com' },
      ],
      [
        'iam:PassRole',
        role('transcendence-staging-ecs-infrastructure'),
        { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
      ],
      [
        'logs:GetLogEvents',
        `arn:aws:logs:eu-west-3:${ACCOUNT}:log-group:/ecs/transcendence-staging/auth:log-stream:auth/auth/1`,
        {},
      ],
      ['logs:GetLogEvents', `arn:aws:logs:eu-west-3:${ACCOUNT}:log-group:/ecs/other:log-stream:x`, {}],
    ];
    let compared = 0;
    for (const [action, resource, context] of requests) {
      const ours = evaluatePolicies([policy], { action, resource, context }).decision === 'Allow';
      const sim = await runSimulation(
        {
          identityPolicies: [{ name: 'ci-deploy', policy }],
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          request: {
            principal: `arn:aws:sts::${ACCOUNT}:assumed-role/transcendence-staging-github-deploy/s`,
            action,
            resource: { resource, accountId: ACCOUNT },
            contextVariables: context,
          },
        },
        {},
      );
      if (sim.resultType === 'error') continue; // a request shape the oracle does not accept
      compared++;
      expect([action, resource, context, ours]).toEqual([
        action,
        resource,
        context,
        sim.overallResult === 'Allowed',
      ]);
    }
    expect(compared).toBeGreaterThanOrEqual(requests.length - 3);
  });
});
