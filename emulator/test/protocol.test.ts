// Wire-level behaviour: unknown operations, the query protocol's lists and XML, ECS's error classes,
// STS identity and web-identity checks, and signed vs unsigned requests.

import {
  ClusterNotFoundException,
  CreateClusterCommand,
  DescribeServicesCommand,
  InvalidParameterException,
  ServiceNotFoundException,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  ModifyListenerCommand,
  ModifyRuleCommand,
  RuleNotFoundException,
  TargetGroupNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  AssumeRoleWithWebIdentityCommand,
  ExpiredTokenException,
  GetCallerIdentityCommand,
  InvalidIdentityTokenException,
  STSClient,
} from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeQuery, toXml } from '../src/protocol/query.js';
import { type Harness, harness } from './helpers.js';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const jwt = (claims: Record<string, unknown>, alg = 'RS256') =>
  `${b64({ alg, typ: 'JWT' })}.${b64(claims)}.c2lnbmF0dXJl`;

describe('wire protocols', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(async () => h.stop());

  it('answers an unknown JSON operation with UnknownOperationException, never HTML', async () => {
    const res = await fetch(h.emu.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonEC2ContainerServiceV20141113.FlyToTheMoon',
      },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await res.json()).toEqual({
      __type: 'UnknownOperationException',
      message: 'Operation FlyToTheMoon is not supported by this ecs endpoint.',
    });
    expect(h.emu.calls({ operation: 'FlyToTheMoon' })[0]).toMatchObject({
      service: 'ecs',
      mutates: true,
      error: 'UnknownOperationException',
    });
  });

  it('decodes query lists and nested members, and encodes XML members and ISO dates', () => {
    const q = decodeQuery(
      'Action=ModifyRule&Version=2015-12-01&RuleArn=r1&Actions.member.1.Type=forward&Actions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn=a&Actions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn=b&Actions.member.1.ForwardConfig.TargetGroups.member.2.Weight=10&Names=',
    );
    expect(q).toEqual({
      action: 'ModifyRule',
      version: '2015-12-01',
      input: {
        RuleArn: 'r1',
        Actions: [
          {
            Type: 'forward',
            ForwardConfig: { TargetGroups: [{ TargetGroupArn: 'a' }, { TargetGroupArn: 'b', Weight: '10' }] },
          },
        ],
        Names: '',
      },
    });
    expect(toXml({ A: [{ B: 1 }, { B: 2 }], At: new Date(0), S: 'x<y' })).toBe(
      '<A><member><B>1</B></member><member><B>2</B></member></A><At>1970-01-01T00:00:00.000Z</At><S>x&lt;y</S>',
    );
  });

  it("raises the SDK's typed exceptions for ECS and ELBv2 errors", async () => {
    await expect(
      h.ecs.send(new DescribeServicesCommand({ cluster: 'nope', services: ['web'] })),
    ).rejects.toBeInstanceOf(ClusterNotFoundException);
    await h.ecs.send(new CreateClusterCommand({ clusterName: 'main' }));
    const missing = await h.ecs.send(new DescribeServicesCommand({ cluster: 'main', services: ['web'] }));
    expect(missing.failures).toEqual([
      { arn: 'arn:aws:ecs:us-east-1:123456789012:service/main/web', reason: 'MISSING' },
    ]);
    await expect(
      h.ecs.send(new UpdateServiceCommand({ cluster: 'main', service: 'web', desiredCount: 1 })),
    ).rejects.toBeInstanceOf(ServiceNotFoundException);
    const eleven = Array.from({ length: 11 }, (_, i) => `s${i}`);
    await expect(
      h.ecs.send(new DescribeServicesCommand({ cluster: 'main', services: eleven })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    const err = await h.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['ghost'] })).catch((e) => e);
    expect(err).toBeInstanceOf(TargetGroupNotFoundException);
    expect((err as { Code?: string }).Code).toBe('TargetGroupNotFound');
  });

  it('creates and modifies ELBv2 listeners and rules over the query protocol', async () => {
    const lb = (
      await h.elbv2.send(new CreateLoadBalancerCommand({ Name: 'alb', Subnets: ['subnet-a', 'subnet-b'] }))
    ).LoadBalancers?.[0];
    expect(lb?.LoadBalancerArn).toMatch(/:loadbalancer\/app\/alb\//);
    expect(lb?.CreatedTime).toBeInstanceOf(Date);
    const blue = (
      await h.elbv2.send(
        new CreateTargetGroupCommand({
          Name: 'blue',
          Port: 80,
          Protocol: 'HTTP',
          TargetType: 'ip',
          VpcId: 'vpc-1',
        }),
      )
    ).TargetGroups?.[0];
    const green = (
      await h.elbv2.send(
        new CreateTargetGroupCommand({
          Name: 'green',
          Port: 80,
          Protocol: 'HTTP',
          TargetType: 'ip',
          VpcId: 'vpc-1',
        }),
      )
    ).TargetGroups?.[0];
    const listener = (
      await h.elbv2.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb?.LoadBalancerArn,
          Port: 80,
          Protocol: 'HTTP',
          DefaultActions: [{ Type: 'forward', TargetGroupArn: blue?.TargetGroupArn }],
        }),
      )
    ).Listeners?.[0];
    const rule = (
      await h.elbv2.send(
        new CreateRuleCommand({
          ListenerArn: listener?.ListenerArn,
          Priority: 10,
          Conditions: [{ Field: 'path-pattern', Values: ['/api/*'] }],
          Actions: [{ Type: 'forward', TargetGroupArn: blue?.TargetGroupArn }],
        }),
      )
    ).Rules?.[0];
    const weighted = [
      { TargetGroupArn: blue?.TargetGroupArn, Weight: 90 },
      { TargetGroupArn: green?.TargetGroupArn, Weight: 10 },
    ];
    const modified = await h.elbv2.send(
      new ModifyRuleCommand({
        RuleArn: rule?.RuleArn,
        Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: weighted } }],
      }),
    );
    expect(modified.Rules?.[0]?.Actions?.[0]?.ForwardConfig?.TargetGroups).toEqual(weighted);
    await h.elbv2.send(
      new ModifyListenerCommand({
        ListenerArn: listener?.ListenerArn,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: green?.TargetGroupArn }],
      }),
    );
    const listeners = await h.elbv2.send(
      new DescribeListenersCommand({ LoadBalancerArn: lb?.LoadBalancerArn }),
    );
    expect(listeners.Listeners?.[0]?.DefaultActions?.[0]?.TargetGroupArn).toBe(green?.TargetGroupArn);
    const rules = await h.elbv2.send(new DescribeRulesCommand({ ListenerArn: listener?.ListenerArn }));
    expect(rules.Rules?.map((r) => [r.Priority, r.IsDefault])).toEqual([
      ['default', true],
      ['10', false],
    ]);
    const tgs = await h.elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lb?.LoadBalancerArn }));
    expect(tgs.TargetGroups?.map((t) => t.TargetGroupName).sort()).toEqual(['blue', 'green']);
    const err = await h.elbv2
      .send(new ModifyRuleCommand({ RuleArn: `${rule?.RuleArn}x`, Actions: [] }))
      .catch((e) => e);
    expect(err).toBeInstanceOf(RuleNotFoundException);
  });

  it('answers GetCallerIdentity, and checks web identity tokens before issuing credentials', async () => {
    const me = await h.sts.send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({
      Account: '123456789012',
      Arn: 'arn:aws:iam::123456789012:user/cendence-emulator',
    });

    const unsigned = new STSClient({
      endpoint: h.emu.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
    const role = 'arn:aws:iam::123456789012:role/deploy';
    const exp = Math.floor(Date.now() / 1000) + 600;
    const ok = await unsigned.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: role,
        RoleSessionName: 'ci',
        WebIdentityToken: jwt({
          iss: 'https://token.actions.githubusercontent.com',
          aud: 'sts.amazonaws.com',
          sub: 'repo:o/r:ref:refs/heads/main',
          exp,
        }),
      }),
    );
    expect(ok.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(ok.Credentials?.Expiration).toBeInstanceOf(Date);
    expect(ok.AssumedRoleUser?.Arn).toBe('arn:aws:sts::123456789012:assumed-role/deploy/ci');
    expect(ok.SubjectFromWebIdentityToken).toBe('repo:o/r:ref:refs/heads/main');

    const asRole = new STSClient({
      endpoint: h.emu.url,
      region: 'us-east-1',
      credentials: {
        accessKeyId: ok.Credentials?.AccessKeyId as string,
        secretAccessKey: ok.Credentials?.SecretAccessKey as string,
        sessionToken: ok.Credentials?.SessionToken,
      },
    });
    expect((await asRole.send(new GetCallerIdentityCommand({}))).Arn).toBe(
      'arn:aws:sts::123456789012:assumed-role/deploy/ci',
    );

    const send = (token: string) =>
      unsigned
        .send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: role,
            RoleSessionName: 'ci',
            WebIdentityToken: token,
          }),
        )
        .catch((e) => e);
    expect(await send('not-a-jwt')).toBeInstanceOf(InvalidIdentityTokenException);
    expect(await send(jwt({ exp }))).toBeInstanceOf(InvalidIdentityTokenException);
    expect(await send(jwt({ aud: 'sts.amazonaws.com', exp }, 'HS256'))).toBeInstanceOf(
      InvalidIdentityTokenException,
    );
    expect(await send(jwt({ aud: 'sts.amazonaws.com', exp: exp - 3600 }))).toBeInstanceOf(
      ExpiredTokenException,
    );
    unsigned.destroy();
    asRole.destroy();
  });
});
