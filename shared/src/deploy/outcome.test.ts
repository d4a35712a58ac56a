import type { Deployment, Service, ServiceDeployment } from '@aws-sdk/client-ecs';
import { describe, expect, it } from '@jest/globals';
import {
  classifyCodeDeploy,
  classifyRollbackOf,
  classifyRolling,
  classifyServiceDeployment,
  EventFeed,
} from './outcome.js';

const OLD = 'arn:aws:ecs:eu-west-3:123456789012:task-definition/api:1';
const NEW = 'arn:aws:ecs:eu-west-3:123456789012:task-definition/api:2';

function service(...deployments: Deployment[]): Service {
  return { serviceName: 'api', status: 'ACTIVE', deployments };
}
const ours = (over: Partial<Deployment> = {}): Deployment => ({
  id: 'ecs-svc/2',
  status: 'PRIMARY',
  taskDefinition: NEW,
  desiredCount: 2,
  runningCount: 0,
  pendingCount: 2,
  failedTasks: 0,
  rolloutState: 'IN_PROGRESS',
  ...over,
});
const me = { deploymentId: 'ecs-svc/2', previousTaskDefinition: OLD };

describe('classifyRolling: success only for our own COMPLETED deployment', () => {
  it('is in progress, and not near, while tasks are still pending', () => {
    const o = classifyRolling(
      service(ours(), { id: 'ecs-svc/1', status: 'ACTIVE', taskDefinition: OLD }),
      me,
    );
    expect(o.done).toBeUndefined();
    expect(o.near).toBe(false);
    expect(o.counts).toEqual({ desired: 2, running: 0, pending: 2, failed: 0 });
  });

  it('is near once every task runs and the old ones are being retired, or failures are counted', () => {
    const old = (over: Partial<Deployment>): Deployment => ({
      id: 'ecs-svc/1',
      status: 'ACTIVE',
      taskDefinition: OLD,
      ...over,
    });
    const up = ours({ runningCount: 2, pendingCount: 0 });
    // New tasks up but awaiting health: the old deployment still wants its tasks — not near yet.
    expect(classifyRolling(service(up, old({ desiredCount: 2, runningCount: 2 })), me).near).toBe(false);
    expect(classifyRolling(service(up, old({ desiredCount: 0, runningCount: 1 })), me).near).toBe(true);
    expect(classifyRolling(service(up), me).near).toBe(true);
    expect(classifyRolling(service(ours({ failedTasks: 1 })), me).near).toBe(true);
  });

  it('succeeds when our PRIMARY deployment is COMPLETED', () => {
    const o = classifyRolling(
      service(ours({ rolloutState: 'COMPLETED', runningCount: 2, pendingCount: 0 })),
      me,
    );
    expect(o.done?.kind).toBe('succeeded');
  });

  it('reports a circuit-breaker rollback as rolled-back even though the service is steady again', () => {
    const rolledBack = service(
      {
        id: 'ecs-svc/3',
        status: 'PRIMARY',
        taskDefinition: OLD,
        desiredCount: 2,
        runningCount: 2,
        rolloutState: 'COMPLETED',
      },
      ours({
        status: 'ACTIVE',
        rolloutState: 'FAILED',
        rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
      }),
    );
    const o = classifyRolling(rolledBack, me);
    expect(o.done?.kind).toBe('rolled-back');
    expect(o.done?.reason).toContain('circuit breaker');
    expect(o.done?.reason).toContain(OLD);
  });

  it('reports FAILED without a rollback deployment as failed', () => {
    const o = classifyRolling(
      service(ours({ rolloutState: 'FAILED', rolloutStateReason: 'tasks failed' })),
      me,
    );
    expect(o.done).toEqual({ kind: 'failed', reason: 'tasks failed' });
  });

  it("reports a foreign PRIMARY (someone else's UpdateService) as replaced", () => {
    const other = 'arn:aws:ecs:eu-west-3:123456789012:task-definition/api:7';
    const o = classifyRolling(
      service({ id: 'ecs-svc/9', status: 'PRIMARY', taskDefinition: other }, ours({ status: 'ACTIVE' })),
      me,
    );
    expect(o.done?.kind).toBe('replaced');
    expect(o.done?.reason).toContain('ecs-svc/9');
  });

  it('reports our deployment vanished with the previous revision back as rolled-back', () => {
    const o = classifyRolling(service({ id: 'ecs-svc/3', status: 'PRIMARY', taskDefinition: OLD }), me);
    expect(o.done?.kind).toBe('rolled-back');
  });

  it('fails when the service is draining or gone', () => {
    expect(classifyRolling({ ...service(ours()), status: 'DRAINING' }, me).done?.kind).toBe('failed');
    expect(classifyRolling(undefined, me).done?.reason).toContain('no longer exists');
  });
});

describe('classifyServiceDeployment (ECS blue/green, linear, canary)', () => {
  const sd = (over: Partial<ServiceDeployment>): ServiceDeployment => ({ status: 'IN_PROGRESS', ...over });

  it('stops at the stage gate once test traffic has shifted', () => {
    expect(
      classifyServiceDeployment(sd({ lifecycleStage: 'TEST_TRAFFIC_SHIFT' }), {
        stopAtStage: 'POST_TEST_TRAFFIC_SHIFT',
        now: 0,
      }).done,
    ).toBeUndefined();
    const gate = { stopAtStage: 'POST_TEST_TRAFFIC_SHIFT', now: 0 };
    // At the stage but the PAUSE hook is not waiting yet: keep polling, fast.
    const entering = classifyServiceDeployment(sd({ lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT' }), gate);
    expect(entering).toEqual({ near: true });
    const held = classifyServiceDeployment(
      sd({
        lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
        lifecycleHookDetails: [{ hookId: 'h1', status: 'AWAITING_ACTION' }],
      }),
      gate,
    );
    expect(held.done).toMatchObject({ kind: 'stage-reached', stage: 'POST_TEST_TRAFFIC_SHIFT' });
    // Already past the gate (no pause honoured): reported where it is, not as held.
    const past = classifyServiceDeployment(sd({ lifecycleStage: 'BAKE_TIME' }), gate);
    expect(past.done).toMatchObject({ kind: 'stage-reached', stage: 'BAKE_TIME' });
  });

  it('treats any rollback state as a failure, at once', () => {
    for (const status of ['ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_SUCCESSFUL'] as const) {
      expect(classifyServiceDeployment(sd({ status }), { now: 0 }).done?.kind).toBe('rolled-back');
    }
    expect(classifyServiceDeployment(sd({ status: 'STOPPED' }), { now: 0 }).done?.kind).toBe('failed');
    expect(classifyServiceDeployment(sd({ status: 'SUCCESSFUL' }), { now: 0 }).done?.kind).toBe('succeeded');
  });

  it('polls slowly through a bake and fast in its last seconds', () => {
    const bake = sd({ lifecycleStage: 'BAKE_TIME' });
    expect(classifyServiceDeployment(bake, { bakeEndsAt: 300_000, now: 100_000 }).near).toBe(false);
    expect(classifyServiceDeployment(bake, { bakeEndsAt: 300_000, now: 296_000 }).near).toBe(true);
  });

  it('waits for ROLLBACK_SUCCESSFUL when following a rollback we asked for', () => {
    expect(classifyRollbackOf(sd({ status: 'ROLLBACK_IN_PROGRESS' })).done).toBeUndefined();
    expect(classifyRollbackOf(sd({ status: 'ROLLBACK_SUCCESSFUL' })).done?.kind).toBe('succeeded');
    expect(classifyRollbackOf(sd({ status: 'SUCCESSFUL' })).done?.kind).toBe('failed');
  });
});

describe('classifyCodeDeploy', () => {
  it('is honest: Failed and Stopped are failures', () => {
    expect(classifyCodeDeploy({ status: 'Succeeded' }, false).done?.kind).toBe('succeeded');
    const failed = classifyCodeDeploy(
      { status: 'Failed', errorInformation: { code: 'HEALTH_CONSTRAINTS', message: 'too few healthy' } },
      false,
    );
    expect(failed.done).toEqual({
      kind: 'failed',
      reason: 'CodeDeploy deployment Failed: HEALTH_CONSTRAINTS too few healthy',
    });
    expect(
      classifyCodeDeploy({ status: 'Stopped', rollbackInfo: { rollbackMessage: 'rolled back' } }, false).done
        ?.kind,
    ).toBe('rolled-back');
    expect(classifyCodeDeploy({ status: 'Ready' }, true).done?.kind).toBe('stage-reached');
    expect(classifyCodeDeploy({ status: 'Ready' }, false).done).toBeUndefined();
  });
});

describe('EventFeed', () => {
  it('prints each event once, oldest first, and never the ones that existed before we started', () => {
    const at = (s: number) => new Date(s * 1000);
    const feed = new EventFeed([{ id: 'a', message: 'old', createdAt: at(1) }]);
    const first = feed.fresh([
      { id: 'c', message: 'third', createdAt: at(3) },
      { id: 'b', message: 'second', createdAt: at(2) },
      { id: 'a', message: 'old', createdAt: at(1) },
    ]);
    expect(first.map((e) => e.message)).toEqual(['second', 'third']);
    expect(feed.fresh([{ id: 'c', message: 'third', createdAt: at(3) }])).toEqual([]);
  });
});
