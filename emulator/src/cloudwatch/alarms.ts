// CloudWatch metrics and metric alarms, as far as ECS deployments need them: the live ALB proxy publishes
// its per-target-group metrics (RequestCount, HTTPCode_Target_2XX…5XX_Count, HTTPCode_ELB_5XX_Count) on
// the emulated clock; alarms from Terraform (aws_cloudwatch_metric_alarm) are evaluated on demand over
// their last `evaluationPeriods` periods, M of N, with `treatMissingData`; an alarm of several metric
// queries is the sum of its metrics (the `FILL(a, 0) + FILL(b, 0)` form Terraform writes here). ECS reads
// `inAlarm` while a deployment with `alarms.enable` runs, and fails (and rolls back) the deployment when
// one of its alarms is in ALARM — as ECS does with deployment alarms.
import type { World } from '../state.js';

/** Metric data are kept in buckets of this many emulated ms; alarm periods are multiples of it. */
const BUCKET_MS = 10_000;
/** Buckets older than this (emulated) are dropped. */
const RETENTION_MS = 3 * 3600_000;

export interface MetricRef {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  /** Sum, SampleCount, Average, Minimum, Maximum. */
  stat: string;
}

export interface MetricAlarmSpec {
  name: string;
  /** Seconds. */
  period: number;
  evaluationPeriods: number;
  datapointsToAlarm?: number;
  threshold: number;
  comparison: string;
  /** missing (default), notBreaching, breaching, ignore. */
  treatMissingData?: string;
  /** The alarm's value is the sum of these metrics over each period. */
  metrics: MetricRef[];
}

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

interface Bucket {
  sum: number;
  count: number;
  min: number;
  max: number;
}

const keyOf = (namespace: string, name: string, dims: Record<string, string>) =>
  `${namespace}|${name}|${Object.keys(dims)
    .sort()
    .map((k) => `${k}=${dims[k]}`)
    .join(',')}`;

export class CloudWatchState {
  readonly alarms = new Map<
    string,
    { spec: MetricAlarmSpec; state: AlarmState; reason: string; since: number }
  >();
  private readonly data = new Map<string, Map<number, Bucket>>();

  constructor(private readonly now: () => number) {}

  putAlarm(spec: MetricAlarmSpec): void {
    this.alarms.set(spec.name, {
      spec,
      state: 'INSUFFICIENT_DATA',
      reason: 'Unchecked: Initial alarm creation',
      since: this.now(),
    });
  }

  /** One data point (PutMetricData, or a metric the emulator publishes itself). */
  put(
    namespace: string,
    metricName: string,
    dimensions: Record<string, string>,
    value: number,
    at = this.now(),
  ): void {
    const key = keyOf(namespace, metricName, dimensions);
    let series = this.data.get(key);
    if (!series) {
      series = new Map();
      this.data.set(key, series);
    }
    const start = Math.floor(at / BUCKET_MS) * BUCKET_MS;
    const b = series.get(start);
    if (b) {
      b.sum += value;
      b.count += 1;
      b.min = Math.min(b.min, value);
      b.max = Math.max(b.max, value);
    } else {
      series.set(start, { sum: value, count: 1, min: value, max: value });
      for (const t of series.keys()) if (t < at - RETENTION_MS) series.delete(t);
    }
  }

  /** A metric's statistic over [from, to), or undefined when it has no data there. */
  statistic(m: MetricRef, from: number, to: number): number | undefined {
    const series = this.data.get(keyOf(m.namespace, m.metricName, m.dimensions));
    let agg: Bucket | undefined;
    for (const [t, b] of series ?? []) {
      if (t < from || t >= to) continue;
      agg = agg
        ? {
            sum: agg.sum + b.sum,
            count: agg.count + b.count,
            min: Math.min(agg.min, b.min),
            max: Math.max(agg.max, b.max),
          }
        : { ...b };
    }
    if (!agg) return undefined;
    switch (m.stat) {
      case 'SampleCount':
        return agg.count;
      case 'Average':
        return agg.sum / agg.count;
      case 'Minimum':
        return agg.min;
      case 'Maximum':
        return agg.max;
      default:
        return agg.sum;
    }
  }

  /** Evaluates an alarm at `now` over its last complete periods and records its state. */
  evaluate(name: string, now = this.now()): AlarmState | undefined {
    const alarm = this.alarms.get(name);
    if (!alarm) return undefined;
    const { spec } = alarm;
    const period = Math.max(BUCKET_MS, spec.period * 1000);
    const end = Math.floor(now / period) * period;
    const needed = spec.datapointsToAlarm ?? spec.evaluationPeriods;
    const treat = spec.treatMissingData ?? 'missing';
    let breaching = 0;
    let present = 0;
    for (let k = 0; k < spec.evaluationPeriods; k++) {
      const from = end - (k + 1) * period;
      const values = spec.metrics.map((m) => this.statistic(m, from, from + period));
      const value = values.every((v) => v === undefined)
        ? undefined
        : values.reduce<number>((s, v) => s + (v ?? 0), 0);
      if (value === undefined) {
        if (treat === 'breaching') breaching++;
        if (treat === 'breaching' || treat === 'notBreaching') present++;
        continue;
      }
      present++;
      if (breaches(spec.comparison, value, spec.threshold)) breaching++;
    }
    const state: AlarmState =
      breaching >= needed ? 'ALARM' : present === 0 && treat !== 'ignore' ? 'INSUFFICIENT_DATA' : 'OK';
    if (state !== alarm.state) {
      alarm.state = state;
      alarm.since = now;
      alarm.reason = `${breaching} of the last ${spec.evaluationPeriods} datapoints breached ${spec.comparison} ${spec.threshold}`;
    }
    return state;
  }

  /** The named alarms in ALARM now (evaluated first). */
  inAlarm(names: readonly string[], now = this.now()): string[] {
    return names.filter((n) => this.evaluate(n, now) === 'ALARM');
  }
}

function breaches(op: string, value: number, threshold: number): boolean {
  switch (op) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
    default:
      return value > threshold;
  }
}

/**
 * The deployment alarm terraform/alarms.tf gives a public service: target 5xx summed over its target
 * groups (each a dimension set), above 10 a minute for 3 minutes, missing data not breaching.
 */
export function targetFiveXxAlarm(name: string, targetGroups: Record<string, string>[]): MetricAlarmSpec {
  return {
    name,
    period: 60,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    threshold: 10,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    metrics: targetGroups.map((dimensions) => ({
      namespace: 'AWS/ApplicationELB',
      metricName: 'HTTPCode_Target_5XX_Count',
      dimensions,
      stat: 'Sum',
    })),
  };
}

export function cloudwatchOf(world: World): CloudWatchState {
  return world.slot('cloudwatch', () => new CloudWatchState(() => world.clock.now()));
}

/** "app/name/id" and "targetgroup/name/id": the dimension values CloudWatch's ALB metrics use. */
export function arnSuffix(arn: string): string {
  const lb = arn.indexOf(':loadbalancer/');
  if (lb >= 0) return arn.slice(lb + ':loadbalancer/'.length);
  const tg = arn.indexOf(':targetgroup/');
  return tg >= 0 ? arn.slice(tg + 1) : arn;
}
