// ELBv2 over the query protocol (PascalCase in and out). Describe, modify and the Create* calls used
// for seeding. Wire error codes drop the "Exception" suffix, as AWS's do.
import { worldOf } from '../context.js';
import type { HandlerContext, ServiceHandlers } from '../types.js';
import { AwsError } from '../types.js';
import type { Elbv2State, Target, TargetGroup } from './state.js';

/** Query lists arrive as arrays, or as "" for an explicitly empty list. */
const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const elb = (ctx: HandlerContext): Elbv2State => worldOf(ctx).elbv2;

function publicTargetGroup(tg: TargetGroup): Omit<TargetGroup, 'deregistrationDelaySeconds'> {
  const { deregistrationDelaySeconds: _, ...rest } = tg;
  return rest;
}

function healthOf(t: Target) {
  return {
    Target: { Id: t.Id, Port: t.Port },
    HealthCheckPort: String(t.Port),
    TargetHealth: { State: t.state, Reason: t.reason, Description: t.description },
  };
}

function pick<T>(all: Iterable<T>, wanted: string[], key: (x: T) => string, notFound: () => AwsError): T[] {
  const items = [...all];
  if (wanted.length === 0) return items;
  const out: T[] = [];
  for (const w of wanted) {
    const found = items.find((x) => key(x) === w);
    if (!found) throw notFound();
    out.push(found);
  }
  return out;
}

export const elbv2Handlers: ServiceHandlers = {
  DescribeLoadBalancers(input, ctx) {
    const s = elb(ctx);
    const arns = list<string>(input.LoadBalancerArns);
    const names = list<string>(input.Names);
    const notFound = () => new AwsError('LoadBalancerNotFound', 'One or more load balancers not found');
    let lbs = pick(s.loadBalancers.values(), arns, (l) => l.LoadBalancerArn, notFound);
    if (names.length) lbs = pick(lbs, names, (l) => l.LoadBalancerName, notFound);
    return { LoadBalancers: lbs };
  },

  DescribeTargetGroups(input, ctx) {
    const s = elb(ctx);
    const notFound = () => new AwsError('TargetGroupNotFound', 'One or more target groups not found');
    let tgs = pick(
      s.targetGroups.values(),
      list<string>(input.TargetGroupArns),
      (t) => t.TargetGroupArn,
      notFound,
    );
    tgs = pick(tgs, list<string>(input.Names), (t) => t.TargetGroupName, notFound);
    if (input.LoadBalancerArn) {
      if (!s.loadBalancers.has(input.LoadBalancerArn)) {
        throw new AwsError('LoadBalancerNotFound', 'One or more load balancers not found');
      }
      tgs = tgs.filter((t) => t.LoadBalancerArns.includes(input.LoadBalancerArn));
    }
    return { TargetGroups: tgs.map(publicTargetGroup) };
  },

  DescribeListeners(input, ctx) {
    const s = elb(ctx);
    const arns = list<string>(input.ListenerArns);
    if (!input.LoadBalancerArn && arns.length === 0) {
      throw new AwsError('ValidationError', 'You must specify either listener ARNs or a load balancer ARN');
    }
    if (input.LoadBalancerArn && !s.loadBalancers.has(input.LoadBalancerArn)) {
      throw new AwsError('LoadBalancerNotFound', 'One or more load balancers not found');
    }
    const notFound = () => new AwsError('ListenerNotFound', 'One or more listeners not found');
    let ls = pick(s.listeners.values(), arns, (l) => l.ListenerArn, notFound);
    if (input.LoadBalancerArn) ls = ls.filter((l) => l.LoadBalancerArn === input.LoadBalancerArn);
    return { Listeners: ls };
  },

  DescribeRules(input, ctx) {
    const s = elb(ctx);
    const arns = list<string>(input.RuleArns);
    if (!input.ListenerArn && arns.length === 0) {
      throw new AwsError('ValidationError', 'You must specify either listener rule ARNs or a listener ARN');
    }
    if (input.ListenerArn && !s.listeners.has(input.ListenerArn)) {
      throw new AwsError('ListenerNotFound', 'One or more listeners not found');
    }
    const notFound = () => new AwsError('RuleNotFound', 'One or more rules not found');
    let rules = pick(s.rules.values(), arns, (r) => r.RuleArn, notFound);
    if (input.ListenerArn) rules = rules.filter((r) => r.ListenerArn === input.ListenerArn);
    return { Rules: rules.map(({ ListenerArn: _, ...r }) => r) };
  },

  DescribeTargetHealth(input, ctx) {
    const s = elb(ctx);
    const targets = s.targets.get(input.TargetGroupArn);
    if (!targets) throw new AwsError('TargetGroupNotFound', 'One or more target groups not found');
    const wanted = list<{ Id: string; Port?: string }>(input.Targets);
    const all = [...targets.values()];
    if (wanted.length === 0) return { TargetHealthDescriptions: all.map(healthOf) };
    return {
      TargetHealthDescriptions: wanted.map((w) => {
        const t = all.find((x) => x.Id === w.Id && (w.Port === undefined || x.Port === Number(w.Port)));
        if (t) return healthOf(t);
        return {
          Target: { Id: w.Id, Port: w.Port === undefined ? undefined : Number(w.Port) },
          TargetHealth: {
            State: 'unavailable',
            Reason: 'Target.NotRegistered',
            Description: 'Target is not registered to the target group',
          },
        };
      }),
    };
  },

  ModifyRule(input, ctx) {
    const rule = elb(ctx).modifyRule(input.RuleArn, {
      Actions: input.Actions === undefined ? undefined : list(input.Actions),
      Conditions: input.Conditions === undefined ? undefined : list(input.Conditions),
    });
    const { ListenerArn: _, ...out } = rule;
    return { Rules: [out] };
  },

  ModifyListener(input, ctx) {
    const l = elb(ctx).modifyListener(input.ListenerArn, {
      DefaultActions: input.DefaultActions === undefined ? undefined : list(input.DefaultActions),
      Port: input.Port === undefined ? undefined : Number(input.Port),
      Protocol: input.Protocol,
    });
    return { Listeners: [l] };
  },

  CreateLoadBalancer(input, ctx) {
    const lb = elb(ctx).createLoadBalancer({
      Name: input.Name,
      Type: input.Type,
      Scheme: input.Scheme,
      Subnets: list(input.Subnets),
      SecurityGroups: list(input.SecurityGroups),
    });
    return { LoadBalancers: [lb] };
  },

  CreateTargetGroup(input, ctx) {
    return { TargetGroups: [publicTargetGroup(elb(ctx).createTargetGroup(input))] };
  },

  CreateListener(input, ctx) {
    const l = elb(ctx).createListener({ ...input, DefaultActions: list(input.DefaultActions) });
    return { Listeners: [l] };
  },

  CreateRule(input, ctx) {
    const r = elb(ctx).createRule({
      ListenerArn: input.ListenerArn,
      Priority: Number(input.Priority),
      Conditions: list(input.Conditions),
      Actions: list(input.Actions),
    });
    const { ListenerArn: _, ...out } = r;
    return { Rules: [out] };
  },

  RegisterTargets(input, ctx) {
    const s = elb(ctx);
    const tg = s.targetGroups.get(input.TargetGroupArn);
    if (!tg) throw new AwsError('TargetGroupNotFound', 'One or more target groups not found');
    for (const t of list<{ Id: string; Port?: string }>(input.Targets)) {
      s.registerTarget(tg.TargetGroupArn, t.Id, Number(t.Port ?? tg.Port), true);
    }
    return {};
  },

  DeregisterTargets(input, ctx) {
    const s = elb(ctx);
    const tg = s.targetGroups.get(input.TargetGroupArn);
    if (!tg) throw new AwsError('TargetGroupNotFound', 'One or more target groups not found');
    for (const t of list<{ Id: string; Port?: string }>(input.Targets)) {
      s.deregisterTarget(tg.TargetGroupArn, t.Id, Number(t.Port ?? tg.Port));
    }
    return {};
  },

  DescribeTargetGroupAttributes(input, ctx) {
    const tg = elb(ctx).targetGroups.get(input.TargetGroupArn);
    if (!tg) throw new AwsError('TargetGroupNotFound', 'One or more target groups not found');
    return {
      Attributes: [
        { Key: 'deregistration_delay.timeout_seconds', Value: String(tg.deregistrationDelaySeconds) },
      ],
    };
  },

  ModifyTargetGroupAttributes(input, ctx) {
    const tg = elb(ctx).targetGroups.get(input.TargetGroupArn);
    if (!tg) throw new AwsError('TargetGroupNotFound', 'One or more target groups not found');
    for (const a of list<{ Key: string; Value: string }>(input.Attributes)) {
      if (a.Key === 'deregistration_delay.timeout_seconds') tg.deregistrationDelaySeconds = Number(a.Value);
    }
    return {
      Attributes: [
        { Key: 'deregistration_delay.timeout_seconds', Value: String(tg.deregistrationDelaySeconds) },
      ],
    };
  },
};
