// Service event messages, in ECS's wording (DescribeServices events[]).
export const events = {
  started: (svc: string, ids: string[]) =>
    `(service ${svc}) has started ${ids.length} tasks: ${ids.map((id) => `(task ${id})`).join(' ')}.`,
  stopped: (svc: string, ids: string[]) =>
    `(service ${svc}) has stopped ${ids.length} running tasks: ${ids.map((id) => `(task ${id})`).join(' ')}.`,
  steady: (svc: string) => `(service ${svc}) has reached a steady state.`,
  completed: (svc: string, dep: string) => `(service ${svc}) (deployment ${dep}) deployment completed.`,
  failed: (svc: string, dep: string) =>
    `(service ${svc}) deployment ${dep} deployment failed: tasks failed to start.`,
  rollingBack: (svc: string, failed: string, to: string) =>
    `(service ${svc}) deployment ${failed} rolling back to deployment ${to}.`,
  trafficShifted: (svc: string, dep: string, percent: number, kind: 'production' | 'test') =>
    `(service ${svc}) (deployment ${dep}) shifted ${percent}% of ${kind} traffic to the new service revision.`,
  alarmed: (svc: string, dep: string, alarms: string[]) =>
    `(service ${svc}) (deployment ${dep}) deployment failed: alarm detected (${alarms.join(', ')}).`,
  stage: (svc: string, dep: string, stage: string) =>
    `(service ${svc}) (deployment ${dep}) entered lifecycle stage ${stage}.`,
};

/** The rollout reason when a deployment alarm went into ALARM (the emulator's wording). */
export const alarmReason = (alarms: string[]) =>
  `ECS deployment failed: CloudWatch alarm ${alarms.join(', ')} in ALARM state.`;
export const CIRCUIT_BREAKER_REASON = 'ECS deployment circuit breaker: tasks failed to start.';
export const schedulerStopReason = (deploymentId: string) =>
  `Scaling activity initiated by (deployment ${deploymentId})`;
