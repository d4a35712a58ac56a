// Emulator fidelity beyond the wire shapes (issue 16 items 8, 15, 18, 19): the tasks-per-service limit,
// every region served with its own state, awslogs streams created at container start, and OIDC token
// expiry judged on wall time whatever the emulated clock does.
import { CreateLogGroupCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  ClusterNotFoundException,
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  ECSClient,
  InvalidParameterException,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { AssumeRoleWithWebIdentityCommand, ExpiredTokenException, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startEmulator } from '../src/index.js';
import { credentials, fargateTaskDef, type Harness, harness, network } from './helpers.js';

describe('emulator fidelity', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
    await h.ecs.send(new CreateClusterCommand({ clusterName: 'main' }));
    await h.ecs.send(new RegisterTaskDefinitionCommand(fargateTaskDef('web', 'web:v1')));
  });
  afterAll(async () => h.stop());

  it('refuses a desiredCount above the tasks-per-service limit, and keeps serving', async () => {
    const create = (desiredCount: number, serviceName: string) =>
      h.ecs.send(
        new CreateServiceCommand({
          cluster: 'main',
          serviceName,
          taskDefinition: 'web',
          desiredCount,
          launchType: 'FARGATE',
          networkConfiguration: network,
        }),
      );
    await expect(create(1e8, 'huge')).rejects.toBeInstanceOf(InvalidParameterException);
    await create(1, 'small');
    await expect(
      h.ecs.send(new UpdateServiceCommand({ cluster: 'main', service: 'small', desiredCount: 1e8 })),
    ).rejects.toThrow(/exceeds the limit of 5000 tasks per service/);
    const live = await h.ecs.send(new DescribeServicesCommand({ cluster: 'main', services: ['small'] }));
    expect(live.services?.[0]?.desiredCount).toBe(1);
  });

  it('serves every region with its own state: another region starts empty, as on AWS', async () => {
    const other = new ECSClient({ endpoint: h.emu.url, region: 'eu-west-1', credentials, maxAttempts: 1 });
    try {
      const there = await other.send(new DescribeClustersCommand({ clusters: ['main'] }));
      expect(there.clusters).toEqual([]);
      expect(there.failures?.[0]).toMatchObject({ reason: 'MISSING' });
      await expect(
        other.send(new DescribeServicesCommand({ cluster: 'main', services: ['small'] })),
      ).rejects.toBeInstanceOf(ClusterNotFoundException);
      const made = await other.send(new CreateClusterCommand({ clusterName: 'main' }));
      expect(made.cluster?.clusterArn).toBe('arn:aws:ecs:eu-west-1:123456789012:cluster/main');
      // The home region is untouched by what happens elsewhere.
      const home = await h.ecs.send(new DescribeClustersCommand({ clusters: ['main'] }));
      expect(home.clusters?.[0]?.clusterArn).toBe('arn:aws:ecs:us-east-1:123456789012:cluster/main');
    } finally {
      other.destroy();
    }
  });

  it('creates a task’s awslogs stream when its container starts, before any line is written', async () => {
    await h.logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/quiet' }));
    h.emu.behavior({ image: 'quiet:v1', behavior: 'healthy', logLines: [] });
    await h.ecs.send(
      new RegisterTaskDefinitionCommand(
        fargateTaskDef('quiet', 'quiet:v1', {
          containerDefinitions: [
            {
              name: 'app',
              image: 'quiet:v1',
              essential: true,
              logConfiguration: {
                logDriver: 'awslogs',
                options: {
                  'awslogs-group': '/ecs/quiet',
                  'awslogs-region': 'us-east-1',
                  'awslogs-stream-prefix': 'ecs',
                },
              },
            },
          ],
        }),
      ),
    );
    const run = await h.ecs.send(
      new RunTaskCommand({ cluster: 'main', taskDefinition: 'quiet', networkConfiguration: network }),
    );
    const taskId = run.tasks?.[0]?.taskArn?.split('/').pop();
    await h.emu.advance(15);
    const events = await h.logs.send(
      new GetLogEventsCommand({ logGroupName: '/ecs/quiet', logStreamName: `ecs/app/${taskId}` }),
    );
    expect(events.events).toEqual([]);
  });

  it('judges an OIDC token’s exp on wall time, even when the emulated clock has run hours ahead', async () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const token = (exp: number) =>
      `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ aud: 'sts.amazonaws.com', sub: 'repo:o/r:ref:refs/heads/main', exp })}.c2ln`;
    const sts = new STSClient({ endpoint: h.emu.url, region: 'us-east-1', credentials, maxAttempts: 1 });
    try {
      await h.emu.advance(3 * 3600);
      const assume = (t: string) =>
        sts.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: 'arn:aws:iam::123456789012:role/deploy',
            RoleSessionName: 'ci',
            WebIdentityToken: t,
          }),
        );
      const wall = Math.floor(Date.now() / 1000);
      expect((await assume(token(wall + 300))).Credentials?.AccessKeyId).toMatch(/^ASIA/);
      await expect(assume(token(wall - 60))).rejects.toBeInstanceOf(ExpiredTokenException);
    } finally {
      sts.destroy();
    }
  });

  it('enforces IAM in every region: a session from home is the same role, with the same limits, elsewhere', async () => {
    const account = '123456789012';
    const issuer = 'https://token.actions.githubusercontent.com';
    const provider = `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`;
    const roleArn = `arn:aws:iam::${account}:role/reader`;
    const emu = await startEmulator({
      throttling: false,
      world: {
        iam: {
          oidcProviders: [{ url: issuer, arn: provider, clientIds: ['sts.amazonaws.com'] }],
          roles: [
            {
              name: 'reader',
              arn: roleArn,
              trustPolicy: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Principal: { Federated: provider },
                    Action: 'sts:AssumeRoleWithWebIdentity',
                  },
                ],
              },
              policies: [
                {
                  name: 'describe-only',
                  document: {
                    Version: '2012-10-17',
                    Statement: [{ Effect: 'Allow', Action: 'ecs:DescribeClusters', Resource: '*' }],
                  },
                },
              ],
            },
          ],
        },
      },
    });
    const sts = new STSClient({ endpoint: emu.url, region: 'us-east-1', credentials, maxAttempts: 1 });
    try {
      const token = emu.mintToken({
        iss: issuer,
        aud: 'sts.amazonaws.com',
        sub: 'repo:o/r:ref:refs/heads/main',
        exp: Math.floor(Date.now() / 1000) + 300,
      });
      const c = (
        await sts.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: roleArn,
            RoleSessionName: 'ci',
            WebIdentityToken: token,
          }),
        )
      ).Credentials;
      const asRole = {
        accessKeyId: c?.AccessKeyId as string,
        secretAccessKey: c?.SecretAccessKey as string,
        sessionToken: c?.SessionToken,
      };
      const elsewhere = new ECSClient({
        endpoint: emu.url,
        region: 'eu-west-1',
        credentials: asRole,
        maxAttempts: 1,
      });
      try {
        await expect(
          elsewhere.send(new DescribeClustersCommand({ clusters: ['main'] })),
        ).resolves.toBeDefined();
        await expect(elsewhere.send(new CreateClusterCommand({ clusterName: 'main' }))).rejects.toMatchObject(
          {
            name: 'AccessDeniedException',
          },
        );
      } finally {
        elsewhere.destroy();
      }
    } finally {
      sts.destroy();
      await emu.stop();
    }
  });
});
