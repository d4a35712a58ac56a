// CodeDeploy deployment configs for the ECS compute platform: the predefined CodeDeployDefault.ECS*
// ones, custom TimeBasedCanary/TimeBasedLinear configs, and the traffic plan a config implies (which
// share of production traffic the replacement task set gets, and when).

export type TrafficRoutingType = 'AllAtOnce' | 'TimeBasedCanary' | 'TimeBasedLinear';

export interface TrafficRoutingConfig {
  type: TrafficRoutingType;
  timeBasedCanary?: { canaryPercentage: number; canaryInterval: number };
  timeBasedLinear?: { linearPercentage: number; linearInterval: number };
}

export interface DeploymentConfig {
  deploymentConfigId: string;
  deploymentConfigName: string;
  computePlatform: 'ECS';
  trafficRoutingConfig: TrafficRoutingConfig;
  createTime: number;
}

const canary = (canaryPercentage: number, canaryInterval: number): TrafficRoutingConfig => ({
  type: 'TimeBasedCanary',
  timeBasedCanary: { canaryPercentage, canaryInterval },
});
const linear = (linearPercentage: number, linearInterval: number): TrafficRoutingConfig => ({
  type: 'TimeBasedLinear',
  timeBasedLinear: { linearPercentage, linearInterval },
});

/** The predefined ECS configs (interval in minutes), as CodeDeploy ships them. */
export const PREDEFINED: Record<string, TrafficRoutingConfig> = {
  'CodeDeployDefault.ECSAllAtOnce': { type: 'AllAtOnce' },
  'CodeDeployDefault.ECSLinear10PercentEvery1Minutes': linear(10, 1),
  'CodeDeployDefault.ECSLinear10PercentEvery3Minutes': linear(10, 3),
  'CodeDeployDefault.ECSCanary10Percent5Minutes': canary(10, 5),
  'CodeDeployDefault.ECSCanary10Percent15Minutes': canary(10, 15),
};

export const DEFAULT_CONFIG = 'CodeDeployDefault.ECSAllAtOnce';

/** Validates a custom config's routing; returns an error message, or undefined when valid. */
export function routingProblem(r: TrafficRoutingConfig | undefined): string | undefined {
  if (!r) return 'trafficRoutingConfig is required for the ECS compute platform.';
  const pct = (p: unknown) => Number.isInteger(p) && (p as number) >= 1 && (p as number) <= 99;
  const mins = (m: unknown) => Number.isInteger(m) && (m as number) >= 1 && (m as number) <= 2880;
  switch (r.type) {
    case 'AllAtOnce':
      return undefined;
    case 'TimeBasedCanary':
      return pct(r.timeBasedCanary?.canaryPercentage) && mins(r.timeBasedCanary?.canaryInterval)
        ? undefined
        : 'timeBasedCanary needs canaryPercentage 1-99 and canaryInterval 1-2880 minutes.';
    case 'TimeBasedLinear':
      return pct(r.timeBasedLinear?.linearPercentage) && mins(r.timeBasedLinear?.linearInterval)
        ? undefined
        : 'timeBasedLinear needs linearPercentage 1-99 and linearInterval 1-2880 minutes.';
    default:
      return `Unknown traffic routing type '${String((r as { type?: unknown }).type)}'.`;
  }
}

/**
 * The traffic steps of a config: at `afterMs` from the start of the shift the replacement gets
 * `percent`. The first step is immediate and the last one is always 100.
 */
export function trafficPlan(r: TrafficRoutingConfig): { afterMs: number; percent: number }[] {
  const minute = 60_000;
  if (r.type === 'TimeBasedCanary' && r.timeBasedCanary) {
    const { canaryPercentage, canaryInterval } = r.timeBasedCanary;
    return [
      { afterMs: 0, percent: canaryPercentage },
      { afterMs: canaryInterval * minute, percent: 100 },
    ];
  }
  if (r.type === 'TimeBasedLinear' && r.timeBasedLinear) {
    const { linearPercentage, linearInterval } = r.timeBasedLinear;
    const steps: { afterMs: number; percent: number }[] = [];
    for (let i = 0; ; i++) {
      const percent = Math.min(100, linearPercentage * (i + 1));
      steps.push({ afterMs: i * linearInterval * minute, percent });
      if (percent === 100) return steps;
    }
  }
  return [{ afterMs: 0, percent: 100 }];
}
