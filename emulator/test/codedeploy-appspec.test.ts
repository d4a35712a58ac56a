// Pure pieces of the CodeDeploy model: AppSpec parsing (YAML and JSON) and the traffic plans the
// predefined deployment configs imply.
import { describe, expect, it } from '@jest/globals';
import { AppSpecError, parseAppSpec } from '../src/codedeploy/appspec.js';
import { PREDEFINED, routingProblem, trafficPlan } from '../src/codedeploy/configs.js';

const ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7';

describe('parseAppSpec', () => {
  it('reads the ECS service resource from YAML and from JSON alike', () => {
    const yaml = `version: 0.0
Resources:
  - TargetService:
      Type: AWS::ECS::Service
      Properties:
        TaskDefinition: "${ARN}"
        LoadBalancerInfo:
          ContainerName: "web"
          ContainerPort: 8080
        NetworkConfiguration:
          AwsvpcConfiguration:
            Subnets: ["subnet-a"]
            AssignPublicIp: "DISABLED"
Hooks:
  - AfterAllowTestTraffic: "smoke-test"
`;
    const json = JSON.stringify({
      version: 0.0,
      Resources: [
        {
          TargetService: {
            Type: 'AWS::ECS::Service',
            Properties: {
              TaskDefinition: ARN,
              LoadBalancerInfo: { ContainerName: 'web', ContainerPort: 8080 },
              NetworkConfiguration: {
                AwsvpcConfiguration: { Subnets: ['subnet-a'], AssignPublicIp: 'DISABLED' },
              },
            },
          },
        },
      ],
      Hooks: [{ AfterAllowTestTraffic: 'smoke-test' }],
    });
    const expected = {
      taskDefinition: ARN,
      containerName: 'web',
      containerPort: 8080,
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a'], assignPublicIp: 'DISABLED' } },
      hooks: [{ event: 'AfterAllowTestTraffic', function: 'smoke-test' }],
    };
    expect(parseAppSpec(yaml)).toMatchObject(expected);
    expect(parseAppSpec(json)).toMatchObject(expected);
  });

  it('says what is missing or wrong', () => {
    const noPort = JSON.stringify({
      Resources: [
        {
          S: {
            Type: 'AWS::ECS::Service',
            Properties: { TaskDefinition: ARN, LoadBalancerInfo: { ContainerName: 'web' } },
          },
        },
      ],
    });
    expect(() => parseAppSpec(noPort)).toThrow(/ContainerName and ContainerPort/);
    expect(() => parseAppSpec('Resources: [')).toThrow(AppSpecError);
    const lambda = JSON.stringify({ Resources: [{ F: { Type: 'AWS::Lambda::Function', Properties: {} } }] });
    expect(() => parseAppSpec(lambda)).toThrow('must have Type AWS::ECS::Service');
    const badHook = JSON.stringify({
      Resources: [
        {
          S: {
            Type: 'AWS::ECS::Service',
            Properties: {
              TaskDefinition: ARN,
              LoadBalancerInfo: { ContainerName: 'web', ContainerPort: 80 },
            },
          },
        },
      ],
      Hooks: [{ ApplicationStart: 'x' }],
    });
    expect(() => parseAppSpec(badHook)).toThrow("'ApplicationStart' is not valid for ECS");
  });
});

describe('traffic plans', () => {
  it('shifts all at once, in linear steps, or canary first', () => {
    expect(trafficPlan(PREDEFINED['CodeDeployDefault.ECSAllAtOnce'])).toEqual([{ afterMs: 0, percent: 100 }]);
    const linear = trafficPlan(PREDEFINED['CodeDeployDefault.ECSLinear10PercentEvery3Minutes']);
    expect(linear).toHaveLength(10);
    expect(linear[1]).toEqual({ afterMs: 3 * 60_000, percent: 20 });
    expect(linear.at(-1)).toEqual({ afterMs: 27 * 60_000, percent: 100 });
    expect(trafficPlan(PREDEFINED['CodeDeployDefault.ECSCanary10Percent15Minutes'])).toEqual([
      { afterMs: 0, percent: 10 },
      { afterMs: 15 * 60_000, percent: 100 },
    ]);
    // A linear step that does not divide 100 ends on 100, not above it.
    expect(
      trafficPlan({
        type: 'TimeBasedLinear',
        timeBasedLinear: { linearPercentage: 30, linearInterval: 1 },
      }).map((s) => s.percent),
    ).toEqual([30, 60, 90, 100]);
  });

  it('validates custom configs', () => {
    expect(
      routingProblem({
        type: 'TimeBasedCanary',
        timeBasedCanary: { canaryPercentage: 0, canaryInterval: 5 },
      }),
    ).toMatch(/canaryPercentage 1-99/);
    expect(
      routingProblem({
        type: 'TimeBasedLinear',
        timeBasedLinear: { linearPercentage: 25, linearInterval: 2 },
      }),
    ).toBeUndefined();
  });
});
