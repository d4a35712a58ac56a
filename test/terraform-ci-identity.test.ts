// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the expected values are Terraform interpolations, not JS templates
// The CI deploy roles (terraform/ci_identity.tf). SEC-2/SEC-3: the trust policies are evaluated, as IAM
// would, against sample OIDC claims: the pinned repository or project on its environment or branch gets in;
// another repository, a fork, another branch, a pull_request subject and a wrong audience do not.
// SEC-4: the deploy policy allows exactly the operations in the registry, on the narrowest resources.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@cdktf/hcl2json';
import { beforeAll, describe, expect, test } from '@jest/globals';
import {
  dataSource,
  evaluate,
  type Json,
  loadModule,
  references,
  resource,
  scopeOf,
  strings,
  type TfModule,
  validationFailures,
} from '../emulator/src/terraform/hcl.js';
import { ACTION_SCOPES } from '../scripts/iam-actions.js';
import { iamActions } from '../shared/src/aws/operations.js';
import { conditionsAllow, stringLike, trustOf } from './trust-policy.js';

const TF = join(dirname(fileURLToPath(import.meta.url)), '..', 'terraform');

let main: TfModule;
const tfvars: Record<string, Record<string, Json>> = {};

beforeAll(async () => {
  main = await loadModule(TF);
  for (const env of ['staging', 'production']) {
    tfvars[env] = await parse(
      `${env}.tfvars`,
      readFileSync(join(TF, 'environments', `${env}.tfvars`), 'utf8'),
    );
  }
});

// --- The trust policies, evaluated by the doors' evaluator (test/trust-policy.ts) ----------------------------

/** The trust statement of a CI role, with its conditions evaluated for the given variable values. */
const trust = (document: string, vars: Record<string, Json>) => trustOf(main, document, vars);

const GH = 'token.actions.githubusercontent.com';
const github = (sub: string, aud = 'sts.amazonaws.com') => ({ [`${GH}:sub`]: sub, [`${GH}:aud`]: aud });
const gitlab = (sub: string, aud = 'sts.amazonaws.com') => ({ 'gitlab.com:sub': sub, 'gitlab.com:aud': aud });

describe('condition evaluator', () => {
  test('StringEquals is exact, StringLike globs, a missing claim fails, unknown operators are refused', () => {
    const conditions = [
      { test: 'StringEquals', variable: 'a', values: ['x'] },
      { test: 'StringLike', variable: 'b', values: ['repo:o/r:ref:refs/tags/v*'] },
    ];
    expect(conditionsAllow(conditions, { a: 'x', b: 'repo:o/r:ref:refs/tags/v1.2' })).toBe(true);
    expect(conditionsAllow(conditions, { a: 'X', b: 'repo:o/r:ref:refs/tags/v1.2' })).toBe(false);
    expect(conditionsAllow(conditions, { a: 'x', b: 'repo:o/r2:ref:refs/tags/v1' })).toBe(false);
    expect(conditionsAllow(conditions, { b: 'repo:o/r:ref:refs/tags/v1' })).toBe(false);
    expect(stringLike('a.b?', 'a.bc')).toBe(true);
    expect(stringLike('a.b', 'axb')).toBe(false);
    expect(() =>
      conditionsAllow([{ test: 'BinaryEquals', variable: 'a', values: ['eA=='] }], { a: 'x' }),
    ).toThrow();
  });
});

describe('SEC-2 / SEC-3 GitHub deploy role', () => {
  test('CKV_AWS_358 / SEC-2: the trust pins aud (StringEquals) and sub to the exact repository, for web identity only', () => {
    const { statement, conditions } = trust('github_trust', tfvars.production);
    expect(statement.actions).toEqual(['sts:AssumeRoleWithWebIdentity']);
    expect(statement.principals[0].type).toBe('Federated');
    expect(references(statement.principals[0].identifiers)).toEqual([
      'aws_iam_openid_connect_provider.github',
      'data.aws_iam_openid_connect_provider.github',
    ]);
    expect(conditions).toEqual([
      { test: 'StringEquals', variable: `${GH}:aud`, values: ['sts.amazonaws.com'] },
      {
        test: 'StringEquals',
        variable: `${GH}:sub`,
        values: ['repo:transcendence-org/cendence:environment:production'],
      },
    ]);
  });

  test('SEC-3 production: only the repository’s production environment gets in', () => {
    const { allows } = trust('github_trust', tfvars.production);
    expect(allows(github('repo:transcendence-org/cendence:environment:production'))).toBe(true);
    const denied = [
      github('repo:evil-org/cendence:environment:production'), // another owner (a fork keeps the name)
      github('repo:transcendence-org/cendence-fork:environment:production'), // a look-alike repository
      github('repo:transcendence-org/other:environment:production'), // another repository of the org
      github('repo:transcendence-org/cendence:environment:staging'), // another environment
      github('repo:transcendence-org/cendence:ref:refs/heads/main'), // main, but outside the protected environment
      github('repo:transcendence-org/cendence:pull_request'), // a pull request
      github(
        'repo:transcendence-org/cendence:environment:production',
        'https://github.com/transcendence-org',
      ), // default aud
      { [`${GH}:aud`]: 'sts.amazonaws.com' }, // no subject at all
    ];
    for (const claims of denied)
      expect({ claims, allowed: allows(claims) }).toEqual({ claims, allowed: false });
  });

  test('SEC-3 staging: only the repository’s main branch gets in', () => {
    const { allows, conditions } = trust('github_trust', tfvars.staging);
    expect(conditions[1].values).toEqual(['repo:transcendence-org/cendence:ref:refs/heads/main']);
    expect(allows(github('repo:transcendence-org/cendence:ref:refs/heads/main'))).toBe(true);
    for (const sub of [
      'repo:transcendence-org/cendence:ref:refs/heads/feature/x',
      'repo:transcendence-org/cendence:ref:refs/heads/main-evil',
      'repo:transcendence-org/cendence:ref:refs/tags/main',
      'repo:transcendence-org/cendence:pull_request',
      'repo:someone/cendence:ref:refs/heads/main',
    ]) {
      expect({ sub, allowed: allows(github(sub)) }).toEqual({ sub, allowed: false });
    }
  });

  test('SEC-2: wildcard or partial repositories are refused at plan time; no role without github_oidc', () => {
    const fails = (github_oidc: Json) =>
      validationFailures(main, 'github_oidc', scopeOf(main, { ...tfvars.staging, github_oidc })).join(' ');
    expect(fails({ repository: 'transcendence-org/*' })).toMatch(/exact OWNER\/REPO/);
    expect(fails({ repository: '*' })).toMatch(/exact OWNER\/REPO/);
    expect(fails({ repository: 'transcendence-org' })).toMatch(/exact OWNER\/REPO/);
    expect(fails({ repository: 'o/r', environment: 'prod*' })).toMatch(/environment name/);
    expect(fails({ repository: 'o/r', branch: 'release/*' })).toMatch(/without wildcards/);
    expect(fails({ repository: 'octo-org@123/octo-repo@456', environment: 'production' })).toBe('');
    const count = resource(main, 'aws_iam_role.github_deploy').count;
    expect(evaluate(count, scopeOf(main, { environment: 'staging' }))).toBe(0);
    expect(evaluate(count, scopeOf(main, tfvars.staging))).toBe(1);
  });
});

describe('SEC-2 / SEC-3 GitLab deploy role', () => {
  test('SEC-2: the trust pins <host>:aud and <host>:sub to the exact project and branch', () => {
    const { conditions } = trust('gitlab_trust', tfvars.production);
    expect(conditions).toEqual([
      { test: 'StringEquals', variable: 'gitlab.com:aud', values: ['sts.amazonaws.com'] },
      {
        test: 'StringEquals',
        variable: 'gitlab.com:sub',
        values: ['project_path:transcendence/cendence:ref_type:branch:ref:main'],
      },
    ]);
  });

  test('SEC-3: only the project’s main branch gets in', () => {
    const { allows } = trust('gitlab_trust', tfvars.production);
    expect(allows(gitlab('project_path:transcendence/cendence:ref_type:branch:ref:main'))).toBe(true);
    const denied = [
      gitlab('project_path:transcendence/other:ref_type:branch:ref:main'),
      gitlab('project_path:someone/cendence:ref_type:branch:ref:main'), // a fork in another namespace
      gitlab('project_path:transcendence/cendence:ref_type:branch:ref:feature'),
      gitlab('project_path:transcendence/cendence:ref_type:tag:ref:main'),
      gitlab('project_path:transcendence/cendence:ref_type:branch:ref:main', 'https://gitlab.com'),
      {
        'gitlab.example.com:sub': 'project_path:transcendence/cendence:ref_type:branch:ref:main',
        'gitlab.com:aud': 'sts.amazonaws.com',
      },
    ];
    for (const claims of denied)
      expect({ claims, allowed: allows(claims) }).toEqual({ claims, allowed: false });
  });

  test('SEC-3: a tag pattern uses StringLike with the project still literal; self-managed hosts key on their host', () => {
    const vars = {
      ...tfvars.production,
      gitlab_oidc: {
        url: 'https://gitlab.example.com',
        project_path: 'team/app',
        ref_type: 'tag',
        ref: 'v*',
      },
    };
    const { conditions, allows } = trust('gitlab_trust', vars);
    expect(conditions[1]).toEqual({
      test: 'StringLike',
      variable: 'gitlab.example.com:sub',
      values: ['project_path:team/app:ref_type:tag:ref:v*'],
    });
    const claims = (sub: string) => ({
      'gitlab.example.com:sub': sub,
      'gitlab.example.com:aud': 'sts.amazonaws.com',
    });
    expect(allows(claims('project_path:team/app:ref_type:tag:ref:v1.4.0'))).toBe(true);
    expect(allows(claims('project_path:team/app:ref_type:branch:ref:v1'))).toBe(false);
    expect(allows(claims('project_path:team/app-evil:ref_type:tag:ref:v1'))).toBe(false);
    expect(allows(claims('project_path:team/app:ref_type:tag:ref:release-1'))).toBe(false);
  });

  test('SEC-2: wildcard projects and refs that are only a wildcard are refused at plan time', () => {
    const fails = (gitlab_oidc: Json) =>
      validationFailures(main, 'gitlab_oidc', scopeOf(main, { ...tfvars.staging, gitlab_oidc })).join(' ');
    expect(fails({ project_path: 'transcendence/*' })).toMatch(/exact GROUP\/PROJECT/);
    expect(fails({ project_path: 'transcendence' })).toMatch(/exact GROUP\/PROJECT/);
    expect(fails({ project_path: 'g/p', ref: '*' })).toMatch(/only wildcard/);
    expect(fails({ project_path: 'g/p', ref_type: 'merge_request' })).toMatch(/branch or tag/);
    expect(fails({ project_path: 'g/p', url: 'http://gitlab.com' })).toMatch(/https URL/);
    expect(fails({ project_path: 'g/sub/p', ref: 'v*', ref_type: 'tag' })).toBe('');
  });
});

// --- SEC-4 deploy policy -----------------------------------------------------------------------------------------

/** Actions AWS documents with no resource-level permissions (Service Authorization Reference). */
const NO_RESOURCE_LEVEL = new Set([
  'ecr:GetAuthorizationToken',
  'ecs:DeregisterTaskDefinition',
  'ecs:DescribeTaskDefinition',
  'ecs:ListTaskDefinitions',
  'ecs:RegisterTaskDefinition',
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeRules',
  'elasticloadbalancing:DescribeTargetGroups',
  'sts:GetCallerIdentity',
]);

function deployStatements(): { sid: string; actions: string[]; resources: Json; condition?: Json[] }[] {
  const scope = scopeOf(main, tfvars.production);
  return (dataSource(main, 'aws_iam_policy_document.ci_deploy').statement as Json[]).map((s) => ({
    sid: s.sid,
    actions: evaluate(s.actions, scope),
    resources: s.resources,
    condition: s.condition,
  }));
}

describe('SEC-4 deploy policy', () => {
  test('SEC-4: the policy allows exactly the registry’s operations plus iam:PassRole, each once', () => {
    const actions = deployStatements().flatMap((s) => s.actions);
    expect(new Set(actions).size).toBe(actions.length);
    const expected = iamActions().filter((a) => ACTION_SCOPES[a] !== 'trust_policy');
    expect([...actions].sort()).toEqual([...expected, 'iam:PassRole'].sort());
    expect(iamActions().filter((a) => !actions.includes(a))).toEqual(['sts:AssumeRoleWithWebIdentity']);
  });

  test('CKV_AWS_355 / CKV_AWS_286..290 / AVD-AWS-0057: no wildcard actions; Resource "*" only where AWS has no resource-level permission', () => {
    for (const s of deployStatements()) {
      for (const action of s.actions) expect(action).not.toMatch(/\*/);
      const wildcard = Array.isArray(s.resources) && s.resources.includes('*');
      if (!wildcard) continue;
      const unscopable = s.actions.every((a) => NO_RESOURCE_LEVEL.has(a));
      expect({ sid: s.sid, unscopableOrConditioned: unscopable || Boolean(s.condition) }).toEqual({
        sid: s.sid,
        unscopableOrConditioned: true,
      });
    }
    const unscoped = deployStatements().find((s) => s.sid === 'Unscoped');
    expect(new Set(unscoped?.actions)).toEqual(NO_RESOURCE_LEVEL);
    const listTasks = deployStatements().find((s) => s.actions.includes('ecs:ListTasks'));
    expect(listTasks?.condition?.[0]).toMatchObject({ test: 'ArnEquals', variable: 'ecs:cluster' });
  });

  test('SEC-4: ECR push and pull on the project’s repositories; services by their ARNs; ELBv2 read-only', () => {
    const bySid = Object.fromEntries(deployStatements().map((s) => [s.sid, s]));
    expect(bySid.Repositories.resources).toEqual([
      'arn:${local.partition}:ecr:${local.region}:${local.account_id}:repository/${local.repository_prefix}/*',
    ]);
    expect(bySid.Repositories.actions).toEqual(
      expect.arrayContaining(['ecr:PutImage', 'ecr:InitiateLayerUpload', 'ecr:BatchGetImage']),
    );
    const refsOf = (sid: string) => [...strings(bySid[sid].resources)].flatMap(([, t]) => references(t));
    expect(refsOf('Services')).toEqual(['aws_ecs_service.this']);
    expect(bySid.Services.actions).toContain('ecs:UpdateService');
    // ECS and CodeDeploy shift listener weights with their own role; the CI role never writes to ELBv2.
    const actions = deployStatements().flatMap((s) => s.actions);
    expect(actions.filter((a) => a.startsWith('elasticloadbalancing:') && !/:Describe/.test(a))).toEqual([]);
    expect(refsOf('Cluster')).toEqual(['aws_ecs_cluster.this']);
  });

  test('SEC-4: iam:PassRole only for the execution and task roles, only to ecs-tasks.amazonaws.com', () => {
    const pass = deployStatements().filter((s) => s.actions.includes('iam:PassRole'));
    expect(pass).toHaveLength(1);
    expect(pass[0].actions).toEqual(['iam:PassRole']);
    const roles = [...strings(pass[0].resources)].flatMap(([, t]) => references(t));
    expect(roles).toEqual(['aws_iam_role.execution', 'aws_iam_role.task']);
    expect(pass[0].condition).toEqual([
      { test: 'StringEquals', variable: 'iam:PassedToService', values: ['ecs-tasks.amazonaws.com'] },
    ]);
  });

  test('SEC-4: ecs:TagResource only while registering a task definition of this environment', () => {
    const tag = deployStatements().find((s) => s.actions.includes('ecs:TagResource'));
    expect(tag?.actions).toEqual(['ecs:TagResource']);
    expect(tag?.resources).toEqual(['${local.ecs_arn_prefix}:task-definition/${local.name}-*:*']);
    expect(tag?.condition).toEqual([
      { test: 'StringEquals', variable: 'ecs:CreateAction', values: ['RegisterTaskDefinition'] },
    ]);
  });

  test('both CI roles get the one deploy policy, and sessions last at most an hour', () => {
    for (const ci of ['github', 'gitlab']) {
      expect(resource(main, `aws_iam_role_policy_attachment.${ci}_deploy`).policy_arn).toBe(
        '${aws_iam_policy.ci_deploy[0].arn}',
      );
      expect(resource(main, `aws_iam_role.${ci}_deploy`).max_session_duration).toBe(3600);
    }
    expect(resource(main, 'aws_iam_policy.ci_deploy').policy).toBe(
      '${data.aws_iam_policy_document.ci_deploy.json}',
    );
  });
});
