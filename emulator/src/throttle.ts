// AWS-like request throttling: one token bucket per (service, operation). Buckets refill on WALL time,
// not the emulator clock, because they model request rate: a test that advances the virtual clock by
// an hour must not gain an hour of tokens. Rates are approximations of AWS's published limits (ECS
// "Request throttling for the Amazon ECS API", CloudWatch Logs quotas); adjust them per operation.
import type { ServiceName } from './types.js';

export interface BucketRate {
  /** Bucket size: calls allowed at once. */
  burst: number;
  /** Sustained refill, calls per second. */
  rate: number;
}

const ECS_DESCRIBE: BucketRate = { burst: 100, rate: 20 };
const ECS_MUTATE: BucketRate = { burst: 50, rate: 5 };

/** Defaults per service, then per "service.Operation" overrides. */
export const DEFAULT_RATES: Record<string, BucketRate> = {
  ecs: ECS_DESCRIBE,
  'ecs.RegisterTaskDefinition': { burst: 20, rate: 1 },
  'ecs.DeregisterTaskDefinition': { burst: 20, rate: 1 },
  'ecs.CreateService': ECS_MUTATE,
  'ecs.UpdateService': ECS_MUTATE,
  'ecs.DeleteService': ECS_MUTATE,
  'ecs.RunTask': { burst: 100, rate: 40 },
  'ecs.StopTask': { burst: 100, rate: 40 },
  ecr: { burst: 200, rate: 100 },
  'ecr.PutImage': { burst: 10, rate: 10 },
  'ecr.CreateRepository': { burst: 10, rate: 10 },
  elbv2: { burst: 40, rate: 10 },
  sts: { burst: 600, rate: 600 },
  iam: { burst: 50, rate: 20 },
  codedeploy: { burst: 50, rate: 10 },
  logs: { burst: 25, rate: 25 },
  'logs.FilterLogEvents': { burst: 5, rate: 5 },
  'logs.DescribeLogGroups': { burst: 5, rate: 5 },
  'logs.CreateLogGroup': { burst: 5, rate: 5 },
};

/** The wire code each service uses for "Rate exceeded". */
export const THROTTLE_CODE: Record<ServiceName, string> = {
  ecs: 'ThrottlingException',
  ecr: 'ThrottlingException',
  codedeploy: 'ThrottlingException',
  logs: 'ThrottlingException',
  elbv2: 'Throttling',
  sts: 'Throttling',
  iam: 'Throttling',
};

interface Bucket {
  tokens: number;
  last: number;
  rate: BucketRate;
}

export class Throttler {
  private buckets = new Map<string, Bucket>();
  private rates: Record<string, BucketRate>;

  constructor(
    public enabled = true,
    overrides: Record<string, BucketRate> = {},
    private readonly wallNow: () => number = () => performance.now(),
  ) {
    this.rates = { ...DEFAULT_RATES, ...overrides };
  }

  rateFor(service: string, operation: string): BucketRate {
    return this.rates[`${service}.${operation}`] ?? this.rates[service] ?? { burst: 100, rate: 50 };
  }

  /** Takes a token; false means the call is throttled. */
  take(service: string, operation: string): boolean {
    if (!this.enabled) return true;
    const key = `${service}.${operation}`;
    const now = this.wallNow();
    let b = this.buckets.get(key);
    if (!b) {
      const rate = this.rateFor(service, operation);
      b = { tokens: rate.burst, last: now, rate };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(b.rate.burst, b.tokens + ((now - b.last) / 1000) * b.rate.rate);
    b.last = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  configure(opts: { enabled?: boolean; rates?: Record<string, BucketRate> }): void {
    if (opts.enabled !== undefined) this.enabled = opts.enabled;
    if (opts.rates) {
      for (const [k, v] of Object.entries(opts.rates)) {
        if (!(v.burst >= 1) || !(v.rate > 0)) throw new Error(`rate for ${k} needs burst >= 1 and rate > 0`);
        this.rates[k] = { burst: v.burst, rate: v.rate };
      }
    }
    this.buckets.clear();
  }

  describe(): { enabled: boolean; rates: Record<string, BucketRate> } {
    return { enabled: this.enabled, rates: { ...this.rates } };
  }

  /** Refills every bucket (reset). */
  refill(): void {
    this.buckets.clear();
  }
}
