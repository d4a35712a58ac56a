// The emulator started with --terraform: the world is what terraform/ creates for an environment's
// variables (names and ARNs as `terraform apply` would make them), and IAM is enforced through the real
// SDK: STS checks each role's trust policy against a real signed token, and every call made with the
// assumed role is checked against the role's permission policies.

import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeRepositoriesCommand, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import {
  DescribeClustersCommand,
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { DescribeRulesCommand, DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { githubClaims, gitlabClaims } from '../emulator/src/iam/ci-claims.js';
import { mintToken } from '../emulator/src/iam/oidc.js';
import { type Emulator, startEmulator } from '../emulator/src/index.js';
import { MODELLED_TYPES } from '../emulator/src/terraform/world.js';
import { AwsClients } from '../shared/src/aws/clients.js';

const TF = 'terraform';
const STAGING = 'terraform/environments/staging.tfvars';
const PRODUCTION = 'terraform/environments/production.tfvars';
const REPO = 'transcendence-org/cendence';
const ACCOUNT = '123456789012';

let emu: Emulator;
let admin: AwsClients;

beforeAll(async () => {
  emu = await startEmulator({ terraform: { dir: TF, varFiles: [STAGING] }, throttling: false });
  admin = clients(emu, { accessKeyId: 'AKIDADMIN', secretAccessKey: 'secret' });
});
afterAll(async () => {
  admin.destroy();
  await emu.stop();
});

function clients(
  e: Emulator,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
) {
  return new AwsClients({ region: e.region, endpoint: e.url, credentials });
}

async function assume(
  e: Emulator,
  roleArn: string,
  claims: Record<string, unknown>,
  token = mintToken(claims),
) {
  const anonymous = clients(e, { accessKeyId: 'AKIDANONYMOUS', secretAccessKey: 'secret' });
  const out = await anonymous.sts
    .send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: roleArn,
        RoleSessionName: 'cendence-test',
        WebIdentityToken: token,
      }),
    )
    .finally(() => anonymous.destroy());
  const c = out.Credentials!;
  return clients(e, {
    accessKeyId: c.AccessKeyId!,
    secretAccessKey: c.SecretAccessKey!,
    sessionToken: c.SessionToken,
  });
}

const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

describe('the world Terraform describes', () => {
  it('has the cluster, services, repositories, log groups and ALB resources with Terraform names', async () => {
    expect(emu.region).toBe('eu-west-3'); // var.region of staging.tfvars
    const cluster = (
      await admin.ecs.send(new DescribeClustersCommand({ clusters: ['transcendence-staging'] }))
    ).clusters?.[0];
    expect(cluster?.status).toBe('ACTIVE');
    expect(cluster?.capacityProviders).toEqual(['FARGATE', 'FARGATE_SPOT']);
    expect(cluster?.defaultCapacityProviderStrategy).toEqual([
      { capacityProvider: 'FARGATE', base: 0, weight: 0 },
      { capacityProvider: 'FARGATE_SPOT', base: 0, weight: 1 },
    ]);

    const services = (
      await admin.ecs.send(
        new DescribeServicesCommand({
          cluster: 'transcendence-staging',
          services: ['frontend', 'auth', 'game', 'matchmaking', 'ai'],
        }),
      )
    ).services!;
    expect(services.map((s) => s.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE']);
    const frontend = services[0];
    expect(frontend.taskDefinition).toBe(
      `arn:aws:ecs:eu-west-3:${ACCOUNT}:task-definition/transcendence-staging-frontend:1`,
    );
    expect(frontend.deploymentConfiguration?.strategy).toBe('BLUE_GREEN');
    expect(frontend.deploymentConfiguration?.deploymentCircuitBreaker).toEqual({
      enable: true,
      rollback: true,
    });
    expect(frontend.capacityProviderStrategy).toEqual([
      { capacityProvider: 'FARGATE', base: 0, weight: 0 },
      { capacityProvider: 'FARGATE_SPOT', base: 0, weight: 1 },
    ]);
    const lb = frontend.loadBalancers?.[0];
    // substr("${local.name}-${each.key}", 0, 29): target group names are cut at 29 characters.
    expect(lb?.targetGroupArn).toMatch(/:targetgroup\/transcendence-staging-fronten-b\/[0-9a-f]{16}$/);
    expect(lb?.advancedConfiguration?.roleArn).toBe(role('transcendence-staging-ecs-infrastructure'));
    expect(frontend.serviceRegistries?.[0]?.registryArn).toMatch(
      /:servicediscovery:eu-west-3:\d+:service\/srv-/,
    );
    expect(services[1].deploymentConfiguration?.strategy).toBe('ROLLING');
    expect(services[1].networkConfiguration?.awsvpcConfiguration?.subnets).toHaveLength(2); // az_count = 2

    const rules = await admin.elbv2.send(
      new DescribeRulesCommand({ RuleArns: [lb!.advancedConfiguration!.productionListenerRule!] }),
    );
    expect(rules.Rules?.[0].Actions?.[0].ForwardConfig?.TargetGroups?.map((t) => t.Weight)).toEqual([100, 0]);
    const tgs = await admin.elbv2.send(
      new DescribeTargetGroupsCommand({ Names: ['transcendence-staging-fronten-g'] }),
    );
    expect(tgs.TargetGroups?.[0].HealthCheckPath).toBe('/health');

    const repos = await admin.ecr.send(new DescribeRepositoriesCommand({}));
    expect(repos.repositories?.map((r) => r.repositoryName).sort()).toEqual(
      ['ai', 'auth', 'frontend', 'game', 'matchmaking'].map((s) => `transcendence/${s}`),
    );
    // Immutable tags, but the moving build-cache tags (terraform/ecr.tf).
    for (const r of repos.repositories ?? []) {
      expect(r.imageTagMutability).toBe('IMMUTABLE_WITH_EXCLUSION');
      expect(r.imageTagMutabilityExclusionFilters).toEqual([
        { filter: 'buildcache*', filterType: 'WILDCARD' },
      ]);
    }
    const groups = await admin.logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/transcendence-staging/' }),
    );
    expect(groups.logGroups?.map((g) => g.logGroupName).sort()).toEqual(
      ['ai', 'auth', 'exec', 'frontend', 'game', 'matchmaking'].map((s) => `/ecs/transcendence-staging/${s}`),
    );
  });

  it('answers `terraform output -json` with the same names, and lists what it does not model', async () => {
    const outputs = emu.terraform!.outputs;
    const auth = outputs.services.value.auth;
    expect(auth.cluster_arn).toBe(`arn:aws:ecs:eu-west-3:${ACCOUNT}:cluster/transcendence-staging`);
    expect(auth.repository_name).toBe('transcendence/auth');
    expect(auth.execution_role_arn).toBe(role('transcendence-staging-ecs-execution'));
    expect(auth.database_secret_arn).toMatch(
      /^arn:aws:secretsmanager:eu-west-3:\d{12}:secret:rds!db-[0-9a-f-]{36}-\w{6}$/,
    );
    expect(outputs.github_deploy_role_arn.value).toBe(role('transcendence-staging-github-deploy'));
    expect(outputs.database_endpoint.value).toMatch(
      /^transcendence-staging\.\w+\.eu-west-3\.rds\.amazonaws\.com$/,
    );
    const res = await fetch(`${emu.url}/_cendence/terraform/outputs`);
    expect((await res.json()).cluster_name.value).toBe('transcendence-staging');
    expect(emu.terraform!.skipped).toContain('aws_kms_key');
    expect(emu.terraform!.skipped).not.toContain('aws_ecs_service');
    // Each resource exists once per instance: one log group per service plus exec and flow logs.
    expect(emu.terraform!.plan.ofType('aws_cloudwatch_log_group')).toHaveLength(7);
  });

  it('refuses variables Terraform would refuse', async () => {
    await expect(
      startEmulator({ terraform: { dir: TF, varFiles: [STAGING], vars: { environment: 'dev' } } }),
    ).rejects.toThrow(/Invalid value for variable "environment"/);
    await expect(startEmulator({ terraform: { dir: TF } })).rejects.toThrow(/No value for required variable/);
  });
});

describe('STS evaluates the trust policy against the token', () => {
  const github = role('transcendence-staging-github-deploy');
  const gitlab = role('transcendence-staging-gitlab-deploy');

  it('lets the main branch job of the repository assume the GitHub and GitLab deploy roles', async () => {
    const gh = await assume(emu, github, githubClaims(emu, { repository: REPO }));
    const me = await gh.sts.send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe(
      `arn:aws:sts::${ACCOUNT}:assumed-role/transcendence-staging-github-deploy/cendence-test`,
    );
    gh.destroy();
    const gl = await assume(emu, gitlab, gitlabClaims(emu, { projectPath: 'transcendence/cendence' }));
    expect((await gl.sts.send(new GetCallerIdentityCommand({}))).Arn).toContain('gitlab-deploy');
    gl.destroy();
  });

  it.each([
    ['a token for another repository', { repository: 'someone/else' }, 'AccessDenied'],
    ['a token of another branch', { repository: REPO, ref: 'refs/heads/feature' }, 'AccessDenied'],
    ['a pull request', { repository: REPO, event: 'pull_request' }, 'AccessDenied'],
    ['another audience', { repository: REPO, audience: 'sigstore' }, 'InvalidIdentityTokenException'],
    ['an expired token', { repository: REPO, expiresIn: -60 }, 'ExpiredTokenException'],
  ])('refuses %s', async (_what, job, code) => {
    const err = await assume(emu, github, githubClaims(emu, job)).catch((e: Error) => e);
    expect((err as Error).name).toBe(code);
    if (code === 'AccessDenied')
      expect((err as Error).message).toBe('Not authorized to perform sts:AssumeRoleWithWebIdentity');
  });

  it('refuses a token not signed by the issuer key, and a GitHub token for the GitLab role', async () => {
    const forger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const forged = mintToken(githubClaims(emu, { repository: REPO }), forger);
    const err = await assume(emu, github, {}, forged).catch((e: Error) => e);
    expect((err as Error).name).toBe('InvalidIdentityTokenException');
    const cross = await assume(emu, gitlab, githubClaims(emu, { repository: REPO })).catch((e: Error) => e);
    expect((cross as Error).name).toBe('AccessDenied');
  });

  it('trusts the OIDC provider the account already has (create_provider = false)', async () => {
    const reuse = await startEmulator({
      terraform: {
        dir: TF,
        varFiles: [STAGING],
        vars: { github_oidc: '{ repository = "transcendence-org/cendence", create_provider = false }' },
      },
      throttling: false,
    });
    try {
      expect(reuse.terraform!.plan.ofType('aws_iam_openid_connect_provider').map((p) => p.name)).toEqual([
        'gitlab',
      ]);
      const ok = await assume(
        reuse,
        role('transcendence-staging-github-deploy'),
        githubClaims(reuse, { repository: REPO }),
      );
      expect((await ok.sts.send(new GetCallerIdentityCommand({}))).Arn).toContain('staging-github-deploy');
      ok.destroy();
    } finally {
      await reuse.stop();
    }
  });

  it('in production, trusts only jobs running in the production environment', async () => {
    const prod = await startEmulator({ terraform: { dir: TF, varFiles: [PRODUCTION] }, throttling: false });
    try {
      const roleArn = role('transcendence-production-github-deploy');
      // A job without `environment:` gets a ref subject: refused, as STS would refuse release.yml's build job.
      const err = await assume(prod, roleArn, githubClaims(prod, { repository: REPO })).catch(
        (e: Error) => e,
      );
      expect((err as Error).name).toBe('AccessDenied');
      const ok = await assume(
        prod,
        roleArn,
        githubClaims(prod, { repository: REPO, environment: 'production' }),
      );
      expect((await ok.sts.send(new GetCallerIdentityCommand({}))).Arn).toContain('production-github-deploy');
      ok.destroy();
    } finally {
      await prod.stop();
    }
  });
});

describe('permission policies on every call', () => {
  it('allows what the CI policy grants and refuses the rest, naming the action and resource', async () => {
    const ci = await assume(
      emu,
      role('transcendence-staging-github-deploy'),
      githubClaims(emu, { repository: REPO }),
    );
    try {
      const ok = await ci.ecs.send(
        new DescribeServicesCommand({ cluster: 'transcendence-staging', services: ['auth'] }),
      );
      expect(ok.services?.[0].serviceName).toBe('auth');

      const before = emu.calls({ mutates: true }).filter((c) => !c.error).length;
      const other = await ci.ecs
        .send(new UpdateServiceCommand({ cluster: 'transcendence', service: 'auth', desiredCount: 3 }))
        .catch((e: Error) => e);
      expect((other as Error).name).toBe('AccessDeniedException');
      expect((other as Error).message).toContain(
        `is not authorized to perform: ecs:UpdateService on resource: arn:aws:ecs:eu-west-3:${ACCOUNT}:service/transcendence/auth`,
      );
      expect((other as Error).message).toMatch(
        /^User: arn:aws:sts::\d+:assumed-role\/transcendence-staging-github-deploy\//,
      );

      // Registering a task definition passes its roles: one Terraform did not create is refused.
      const foreign = await ci.ecs
        .send(
          new RegisterTaskDefinitionCommand({
            family: 'transcendence-staging-auth',
            executionRoleArn: role('transcendence-ecs-execution'),
            containerDefinitions: [{ name: 'auth', image: 'x', essential: true }],
            requiresCompatibilities: ['FARGATE'],
            networkMode: 'awsvpc',
            cpu: '256',
            memory: '512',
          }),
        )
        .catch((e: Error) => e);
      expect((foreign as Error).name).toBe('AccessDeniedException');
      expect((foreign as Error).message).toContain(
        `perform: iam:PassRole on resource: ${role('transcendence-ecs-execution')}`,
      );
      expect(emu.calls({ mutates: true }).filter((c) => !c.error).length).toBe(before);
    } finally {
      ci.destroy();
    }
  });

  it('authorises registry pushes and pulls as the role that asked for the registry token', async () => {
    const ci = await assume(
      emu,
      role('transcendence-staging-github-deploy'),
      githubClaims(emu, { repository: REPO }),
    );
    try {
      const auth = (await ci.ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData![0];
      const upload = (repo: string) =>
        fetch(`${emu.url}/v2/${repo}/blobs/uploads/`, {
          method: 'POST',
          headers: { authorization: `Basic ${auth.authorizationToken}` },
        });
      expect((await upload('transcendence/auth')).status).toBe(202);
      // A repository outside Terraform's prefix: refused by IAM before existence is even looked at.
      const refused = await upload('auth');
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain(
        `not authorized to perform: ecr:InitiateLayerUpload on resource: arn:aws:ecr:eu-west-3:${ACCOUNT}:repository/auth`,
      );
    } finally {
      ci.destroy();
    }
  });

  it('lets a native blue/green deploy pass the ECS infrastructure role to ECS', async () => {
    const ci = await assume(
      emu,
      role('transcendence-staging-github-deploy'),
      githubClaims(emu, { repository: REPO }),
    );
    try {
      const svc = (
        await ci.ecs.send(
          new DescribeServicesCommand({ cluster: 'transcendence-staging', services: ['frontend'] }),
        )
      ).services![0];
      const out = await ci.ecs.send(
        new UpdateServiceCommand({
          cluster: 'transcendence-staging',
          service: 'frontend',
          loadBalancers: svc.loadBalancers,
          deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1 },
        }),
      );
      expect(out.service?.loadBalancers?.[0].advancedConfiguration?.roleArn).toBe(
        role('transcendence-staging-ecs-infrastructure'),
      );
    } finally {
      ci.destroy();
    }
  });
});

describe("IAM's policy simulator", () => {
  const simulate = (c: AwsClients, input: ConstructorParameters<typeof SimulatePrincipalPolicyCommand>[0]) =>
    c.iam.send(new SimulatePrincipalPolicyCommand(input));

  it('answers, for the deploy role itself, what its Terraform policy allows on each resource', async () => {
    const ci = await assume(
      emu,
      role('transcendence-staging-gitlab-deploy'),
      gitlabClaims(emu, { projectPath: 'transcendence/cendence', ref: 'main' }),
    );
    try {
      const service = (name: string, cluster = 'transcendence-staging') =>
        `arn:aws:ecs:eu-west-3:${ACCOUNT}:service/${cluster}/${name}`;
      const out = await simulate(ci, {
        PolicySourceArn: role('transcendence-staging-gitlab-deploy'),
        ActionNames: ['ecs:UpdateService', 'ecs:DeleteService'],
        ResourceArns: [service('auth'), service('auth', 'transcendence')],
      });
      expect(
        out.EvaluationResults?.map((r) => [r.EvalActionName, r.EvalResourceName, r.EvalDecision]),
      ).toEqual([
        ['ecs:UpdateService', service('auth'), 'allowed'],
        ['ecs:UpdateService', service('auth', 'transcendence'), 'implicitDeny'],
        ['ecs:DeleteService', service('auth'), 'implicitDeny'],
        ['ecs:DeleteService', service('auth', 'transcendence'), 'implicitDeny'],
      ]);
      // Conditions see the context entries: PassRole of the execution role to ECS tasks only.
      const pass = async (to: string) =>
        (
          await simulate(ci, {
            PolicySourceArn: role('transcendence-staging-gitlab-deploy'),
            ActionNames: ['iam:PassRole'],
            ResourceArns: [role('transcendence-staging-ecs-execution')],
            ContextEntries: [
              { ContextKeyName: 'iam:PassedToService', ContextKeyValues: [to], ContextKeyType: 'string' },
            ],
          })
        ).EvaluationResults?.[0].EvalDecision;
      expect(await pass('ecs-tasks.amazonaws.com')).toBe('allowed');
      expect(await pass('lambda.amazonaws.com')).toBe('implicitDeny');
      // The simulator is itself authorised: the deploy role may ask about the deploy roles only.
      const other = await simulate(ci, {
        PolicySourceArn: role('transcendence-staging-ecs-execution'),
        ActionNames: ['ecr:BatchGetImage'],
      }).catch((e: Error) => e);
      expect((other as Error).name).toBe('AccessDenied');
      expect((other as Error).message).toContain(
        `perform: iam:SimulatePrincipalPolicy on resource: ${role('transcendence-staging-ecs-execution')}`,
      );
      const unknown = await simulate(admin, {
        PolicySourceArn: role('nobody'),
        ActionNames: ['ecs:UpdateService'],
      }).catch((e: Error) => e);
      expect((unknown as Error).name).toBe('NoSuchEntityException');
    } finally {
      ci.destroy();
    }
  });
});

describe('the emulator README', () => {
  const readme = readFileSync(path.join(import.meta.dirname, '../emulator/README.md'), 'utf8');

  it('lists exactly the resource types the world models, and those it skips for terraform/', async () => {
    const table = readme.slice(
      readme.indexOf('| Terraform resource |'),
      readme.indexOf('Every other resource type'),
    );
    const modelled = [...table.matchAll(/`(aws_[a-z0-9_]+)`/g)].map((m) => m[1]);
    expect([...modelled].sort()).toEqual([...MODELLED_TYPES].sort());

    const section = readme.slice(
      readme.indexOf('<!-- skipped-types -->'),
      readme.indexOf('<!-- /skipped-types -->'),
    );
    const named = new Set([...section.matchAll(/`(aws_[a-z0-9_]+)`/g)].map((m) => m[1]));
    // "aws_s3_bucket and its six aws_s3_bucket_* settings (lifecycle_configuration, …)"
    const settings = /`aws_s3_bucket` and its six `aws_s3_bucket_\*` settings\s*\(([^)]*)\)/.exec(section);
    for (const s of settings?.[1].match(/`([a-z_]+)`/g) ?? []) named.add(`aws_s3_bucket_${s.slice(1, -1)}`);
    const production = await startEmulator({ terraform: { dir: TF, varFiles: [PRODUCTION] } });
    try {
      const skipped = new Set([...emu.terraform!.skipped, ...production.terraform!.skipped]);
      expect([...named].sort()).toEqual([...skipped].sort());
      for (const only of production.terraform!.skipped.filter((t) => !emu.terraform!.skipped.includes(t)))
        expect(section).toMatch(new RegExp(`\`${only}\`\\s+\\(production only\\)`));
    } finally {
      await production.stop();
    }
    expect(readme).toContain('**Security groups and VPC endpoints are advisory**');
  });
});
