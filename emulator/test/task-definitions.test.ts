// RegisterTaskDefinition validation (ClientException with ECS's messages), revisions per family,
// describe with tags, list, deregister.

import {
  ClientException,
  CreateClusterCommand,
  CreateServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  ListTagsForResourceCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fargateTaskDef, type Harness, harness, network } from './helpers.js';

describe('task definitions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(async () => h.stop());

  const reject = async (input: RegisterTaskDefinitionCommandInput): Promise<string> => {
    const err = await h.ecs.send(new RegisterTaskDefinitionCommand(input)).catch((e) => e);
    expect(err).toBeInstanceOf(ClientException);
    return (err as Error).message;
  };

  it('rejects invalid Fargate task definitions with ClientException and records no state', async () => {
    expect(await reject(fargateTaskDef('bad', 'web:v1', { networkMode: 'bridge' }))).toBe(
      'Fargate only supports network mode ‘awsvpc’.',
    );
    expect(await reject(fargateTaskDef('bad', 'web:v1', { cpu: '256', memory: '4096' }))).toBe(
      'No Fargate configuration exists for given values: 256 CPU, 4096 memory. See the Amazon ECS documentation for the valid values.',
    );
    expect(await reject(fargateTaskDef('bad', 'web:v1', { cpu: '1 vCPU', memory: '1 GB' }))).toMatch(
      /1024 CPU, 1024 memory/,
    );
    expect(await reject(fargateTaskDef('bad', 'web:v1', { cpu: undefined }))).toBe(
      "Fargate requires that 'cpu' be defined at the task level.",
    );
    expect(
      await reject(
        fargateTaskDef('bad', 'web:v1', {
          containerDefinitions: [
            { name: 'a', image: 'x:1' },
            { name: 'a', image: 'y:1' },
          ],
        }),
      ),
    ).toMatch(/unique.*'a'/);
    expect(
      await reject(
        fargateTaskDef('bad', 'web:v1', {
          containerDefinitions: [{ name: 'a', image: 'x:1', essential: false }],
        }),
      ),
    ).toBe('Task definition does not have any essential container.');
    expect(
      await reject(fargateTaskDef('bad', 'web:v1', { containerDefinitions: [{ name: 'a', image: '' }] })),
    ).toBe('Container.image should not be null or empty.');
    expect(await reject(fargateTaskDef('bad', 'web:v1', { containerDefinitions: [] }))).toBe(
      'Container list cannot be empty.',
    );
    expect(
      await reject(
        fargateTaskDef('bad', 'web:v1', {
          executionRoleArn: undefined,
          containerDefinitions: [
            {
              name: 'a',
              image: 'x:1',
              logConfiguration: {
                logDriver: 'awslogs',
                options: { 'awslogs-group': 'g', 'awslogs-stream-prefix': 'p' },
              },
            },
          ],
        }),
      ),
    ).toBe('Fargate requires task definition to have execution role ARN to support log driver awslogs.');
    expect(
      await reject(
        fargateTaskDef('bad', 'web:v1', {
          containerDefinitions: [
            { name: 'a', image: 'x:1', portMappings: [{ containerPort: 80, hostPort: 8080 }] },
          ],
        }),
      ),
    ).toBe('When networkMode=awsvpc, the host ports and container ports in port mappings must match.');
    const listed = await h.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'bad' }));
    expect(listed.taskDefinitionArns).toEqual([]);
  });

  it('registers revisions, normalises cpu/memory, returns tags only when asked, and deregisters', async () => {
    const first = await h.ecs.send(
      new RegisterTaskDefinitionCommand({
        ...fargateTaskDef('api', 'api:v1', { cpu: '0.5 vCPU', memory: '1 GB' }),
        tags: [{ key: 'team', value: 'core' }],
      }),
    );
    expect(first.taskDefinition).toMatchObject({
      family: 'api',
      revision: 1,
      cpu: '512',
      memory: '1024',
      status: 'ACTIVE',
    });
    expect(first.taskDefinition?.compatibilities).toEqual(['EC2', 'FARGATE']);
    expect(first.taskDefinition?.registeredAt).toBeInstanceOf(Date);
    const second = await h.ecs.send(new RegisterTaskDefinitionCommand(fargateTaskDef('api', 'api:v2')));
    expect(second.taskDefinition?.taskDefinitionArn).toBe(
      'arn:aws:ecs:us-east-1:123456789012:task-definition/api:2',
    );

    const plain = await h.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'api:1' }));
    expect(plain.tags).toBeUndefined();
    expect(plain.taskDefinition?.containerDefinitions?.[0]).toEqual({
      name: 'web',
      image: 'api:v1',
      essential: true,
      portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
    });
    const tagged = await h.ecs.send(
      new DescribeTaskDefinitionCommand({
        taskDefinition: first.taskDefinition?.taskDefinitionArn,
        include: ['TAGS'],
      }),
    );
    expect(tagged.tags).toEqual([{ key: 'team', value: 'core' }]);

    const arn1 = first.taskDefinition?.taskDefinitionArn as string;
    await h.ecs.send(
      new TagResourceCommand({
        resourceArn: arn1,
        tags: [
          { key: 'team', value: 'edge' },
          { key: 'env', value: 'prod' },
        ],
      }),
    );
    await h.ecs.send(new UntagResourceCommand({ resourceArn: arn1, tagKeys: ['env'] }));
    expect((await h.ecs.send(new ListTagsForResourceCommand({ resourceArn: arn1 }))).tags).toEqual([
      { key: 'team', value: 'edge' },
    ]);
    await h.ecs.send(new TagResourceCommand({ resourceArn: arn1, tags: [{ key: 'team', value: 'core' }] }));

    await h.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'api:2' }));
    const latest = await h.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'api' }));
    expect(latest.taskDefinition?.revision).toBe(1);
    const inactive = await h.ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: 'api', status: 'INACTIVE' }),
    );
    expect(inactive.taskDefinitionArns).toEqual([second.taskDefinition?.taskDefinitionArn]);

    await h.ecs.send(new CreateClusterCommand({ clusterName: 'main' }));
    const err = await h.ecs
      .send(
        new CreateServiceCommand({
          cluster: 'main',
          serviceName: 'api',
          taskDefinition: 'api:2',
          networkConfiguration: network,
        }),
      )
      .catch((e) => e);
    expect(err).toBeInstanceOf(ClientException);
    const unknown = await h.ecs
      .send(new DescribeTaskDefinitionCommand({ taskDefinition: 'nope' }))
      .catch((e) => e);
    expect(unknown).toBeInstanceOf(ClientException);
    expect((unknown as Error).message).toBe('Unable to describe task definition.');
  });
});
