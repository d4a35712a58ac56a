// ELBv2 state: load balancers, target groups (with registered targets and their health), listeners and
// rules. Objects are kept in the API's own PascalCase shapes. ECS registers task IPs as targets; ECS
// native blue/green and CodeDeploy move traffic with setForwardWeights.
import { hex } from '../ids.js';
import type { World } from '../state.js';
import { AwsError } from '../types.js';

export interface TargetGroup {
  TargetGroupArn: string;
  TargetGroupName: string;
  Protocol: string;
  Port: number;
  VpcId: string;
  TargetType: string;
  HealthCheckProtocol: string;
  HealthCheckPort: string;
  HealthCheckEnabled: boolean;
  HealthCheckPath: string;
  HealthCheckIntervalSeconds: number;
  HealthCheckTimeoutSeconds: number;
  HealthyThresholdCount: number;
  UnhealthyThresholdCount: number;
  Matcher: { HttpCode: string };
  LoadBalancerArns: string[];
  IpAddressType: string;
  ProtocolVersion?: string;
  /** Attribute deregistration_delay.timeout_seconds (AWS default 300). */
  deregistrationDelaySeconds: number;
}

export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'draining' | 'unused';

export interface Target {
  Id: string;
  Port: number;
  state: TargetState;
  reason?: string;
  description?: string;
  /** Emulated ms at which the pending transition happens (initial → healthy/unhealthy, draining → gone). */
  until?: number;
  /** What health checks will find: set by ECS from the task's behaviour. */
  passes: boolean;
  /** A real target: its health comes from real health checks (emulator/src/alb/), not from `passes`. */
  probed?: boolean;
  /** Consecutive health check results (probed targets). */
  streak?: { ok: number; fail: number };
}

export interface ForwardTarget {
  TargetGroupArn: string;
  Weight?: number;
}

export interface Action {
  Type: string;
  TargetGroupArn?: string;
  Order?: number;
  ForwardConfig?: { TargetGroups?: ForwardTarget[]; TargetGroupStickinessConfig?: { Enabled?: boolean } };
  [k: string]: unknown;
}

export interface Listener {
  ListenerArn: string;
  LoadBalancerArn: string;
  Port: number;
  Protocol: string;
  DefaultActions: Action[];
  Certificates?: { CertificateArn: string }[];
  SslPolicy?: string;
}

export interface Rule {
  RuleArn: string;
  ListenerArn: string;
  Priority: string;
  Conditions: Record<string, unknown>[];
  Actions: Action[];
  IsDefault: boolean;
}

export interface LoadBalancer {
  LoadBalancerArn: string;
  DNSName: string;
  CanonicalHostedZoneId: string;
  CreatedTime: Date;
  LoadBalancerName: string;
  Scheme: string;
  VpcId: string;
  State: { Code: string };
  Type: string;
  AvailabilityZones: { ZoneName: string; SubnetId: string }[];
  SecurityGroups: string[];
  IpAddressType: string;
}

export class Elbv2State {
  readonly loadBalancers = new Map<string, LoadBalancer>();
  readonly targetGroups = new Map<string, TargetGroup>();
  readonly listeners = new Map<string, Listener>();
  readonly rules = new Map<string, Rule>();
  /** TargetGroupArn → target key "ip:port" → target. */
  readonly targets = new Map<string, Map<string, Target>>();

  constructor(private readonly world: World) {}

  private arn(kind: string, name: string): string {
    return this.world.arn('elasticloadbalancing', `${kind}/${name}/${hex(8)}`);
  }

  createLoadBalancer(input: {
    arn?: string;
    Name: string;
    Type?: string;
    Scheme?: string;
    Subnets?: string[];
    SecurityGroups?: string[];
  }): LoadBalancer {
    if (!input.Name) throw new AwsError('ValidationError', 'A load balancer name is required');
    for (const lb of this.loadBalancers.values()) {
      if (lb.LoadBalancerName === input.Name) return lb;
    }
    const type = input.Type ?? 'application';
    const kind = type === 'network' ? 'net' : 'app';
    const lb: LoadBalancer = {
      LoadBalancerArn: input.arn ?? this.arn(`loadbalancer/${kind}`, input.Name),
      DNSName: `${input.Name}-${hex(4)}.${this.world.region}.elb.amazonaws.com`,
      CanonicalHostedZoneId: 'Z35SXDOTRQ7X7K',
      CreatedTime: new Date(this.world.clock.now()),
      LoadBalancerName: input.Name,
      Scheme: input.Scheme ?? 'internet-facing',
      VpcId: 'vpc-0emulator',
      State: { Code: 'active' },
      Type: type,
      AvailabilityZones: (input.Subnets ?? ['subnet-0emulator-a']).map((s, i) => ({
        ZoneName: `${this.world.region}${'abc'[i % 3]}`,
        SubnetId: s,
      })),
      SecurityGroups: input.SecurityGroups ?? [],
      IpAddressType: 'ipv4',
    };
    this.loadBalancers.set(lb.LoadBalancerArn, lb);
    return lb;
  }

  createTargetGroup(input: Partial<TargetGroup> & { Name: string; arn?: string }): TargetGroup {
    if (!input.Name) throw new AwsError('ValidationError', 'A target group name is required');
    for (const tg of this.targetGroups.values()) {
      if (tg.TargetGroupName === input.Name) {
        throw new AwsError(
          'DuplicateTargetGroupName',
          `A target group with the same name '${input.Name}' exists`,
        );
      }
    }
    const protocol = input.Protocol ?? 'HTTP';
    const tg: TargetGroup = {
      TargetGroupArn: input.arn ?? this.arn('targetgroup', input.Name),
      TargetGroupName: input.Name,
      Protocol: protocol,
      Port: Number(input.Port ?? 80),
      VpcId: input.VpcId ?? 'vpc-0emulator',
      TargetType: input.TargetType ?? 'ip',
      HealthCheckProtocol: input.HealthCheckProtocol ?? protocol,
      HealthCheckPort: input.HealthCheckPort ?? 'traffic-port',
      HealthCheckEnabled: true,
      HealthCheckPath: input.HealthCheckPath ?? '/',
      HealthCheckIntervalSeconds: Number(input.HealthCheckIntervalSeconds ?? 30),
      HealthCheckTimeoutSeconds: Number(input.HealthCheckTimeoutSeconds ?? 5),
      HealthyThresholdCount: Number(input.HealthyThresholdCount ?? 5),
      UnhealthyThresholdCount: Number(input.UnhealthyThresholdCount ?? 2),
      Matcher: input.Matcher ?? { HttpCode: '200' },
      LoadBalancerArns: [],
      IpAddressType: 'ipv4',
      ProtocolVersion: protocol.startsWith('HTTP') ? 'HTTP1' : undefined,
      deregistrationDelaySeconds: Number(input.deregistrationDelaySeconds ?? 300),
    };
    this.targetGroups.set(tg.TargetGroupArn, tg);
    this.targets.set(tg.TargetGroupArn, new Map());
    return tg;
  }

  createListener(input: {
    arn?: string;
    LoadBalancerArn: string;
    Port: number;
    Protocol?: string;
    DefaultActions: Action[];
  }): Listener {
    const lb = this.loadBalancers.get(input.LoadBalancerArn);
    if (!lb) throw new AwsError('LoadBalancerNotFound', 'One or more load balancers not found');
    this.checkActions(input.DefaultActions);
    const listener: Listener = {
      ListenerArn: input.arn ?? `${lb.LoadBalancerArn.replace(':loadbalancer/', ':listener/')}/${hex(8)}`,
      LoadBalancerArn: lb.LoadBalancerArn,
      Port: Number(input.Port),
      Protocol: input.Protocol ?? 'HTTP',
      DefaultActions: normalizeActions(input.DefaultActions),
    };
    this.listeners.set(listener.ListenerArn, listener);
    const defaultRule: Rule = {
      RuleArn: `${listener.ListenerArn.replace(':listener/', ':listener-rule/')}/${hex(8)}`,
      ListenerArn: listener.ListenerArn,
      Priority: 'default',
      Conditions: [],
      Actions: listener.DefaultActions,
      IsDefault: true,
    };
    this.rules.set(defaultRule.RuleArn, defaultRule);
    this.linkTargetGroups();
    return listener;
  }

  createRule(input: {
    arn?: string;
    ListenerArn: string;
    Priority: number;
    Conditions?: Record<string, unknown>[];
    Actions: Action[];
  }): Rule {
    const listener = this.listeners.get(input.ListenerArn);
    if (!listener) throw new AwsError('ListenerNotFound', 'One or more listeners not found');
    const priority = String(input.Priority);
    for (const r of this.rules.values()) {
      if (r.ListenerArn === listener.ListenerArn && r.Priority === priority) {
        throw new AwsError('PriorityInUse', `Priority '${priority}' is currently in use`);
      }
    }
    this.checkActions(input.Actions);
    const rule: Rule = {
      RuleArn: input.arn ?? `${listener.ListenerArn.replace(':listener/', ':listener-rule/')}/${hex(8)}`,
      ListenerArn: listener.ListenerArn,
      Priority: priority,
      Conditions: input.Conditions ?? [],
      Actions: normalizeActions(input.Actions),
      IsDefault: false,
    };
    this.rules.set(rule.RuleArn, rule);
    this.linkTargetGroups();
    return rule;
  }

  private checkActions(actions: Action[] | undefined): void {
    if (!actions || actions.length === 0)
      throw new AwsError('ValidationError', 'At least one action is required');
    for (const a of actions) {
      const tgs = [a.TargetGroupArn, ...(a.ForwardConfig?.TargetGroups ?? []).map((t) => t.TargetGroupArn)];
      for (const tg of tgs) {
        if (tg && !this.targetGroups.has(tg)) {
          throw new AwsError('TargetGroupNotFound', `Target groups '${tg}' not found`);
        }
      }
    }
  }

  /** TargetGroup.LoadBalancerArns follows from the listeners and rules that forward to it. */
  private linkTargetGroups(): void {
    for (const tg of this.targetGroups.values()) tg.LoadBalancerArns = [];
    const link = (tgArn: string | undefined, lbArn: string) => {
      const tg = tgArn ? this.targetGroups.get(tgArn) : undefined;
      if (tg && !tg.LoadBalancerArns.includes(lbArn)) tg.LoadBalancerArns.push(lbArn);
    };
    for (const rule of this.rules.values()) {
      const lbArn = this.listeners.get(rule.ListenerArn)?.LoadBalancerArn;
      if (!lbArn) continue;
      for (const a of rule.Actions) {
        link(a.TargetGroupArn, lbArn);
        for (const t of a.ForwardConfig?.TargetGroups ?? []) link(t.TargetGroupArn, lbArn);
      }
    }
  }

  modifyRule(ruleArn: string, changes: { Actions?: Action[]; Conditions?: Record<string, unknown>[] }): Rule {
    const rule = this.rules.get(ruleArn);
    if (!rule) throw new AwsError('RuleNotFound', 'One or more rules not found');
    if (changes.Actions) {
      this.checkActions(changes.Actions);
      rule.Actions = normalizeActions(changes.Actions);
      if (rule.IsDefault) {
        const l = this.listeners.get(rule.ListenerArn);
        if (l) l.DefaultActions = rule.Actions;
      }
    }
    if (changes.Conditions) rule.Conditions = changes.Conditions;
    this.linkTargetGroups();
    return rule;
  }

  modifyListener(
    listenerArn: string,
    changes: { DefaultActions?: Action[]; Port?: number; Protocol?: string },
  ): Listener {
    const l = this.listeners.get(listenerArn);
    if (!l) throw new AwsError('ListenerNotFound', 'One or more listeners not found');
    if (changes.DefaultActions) {
      this.checkActions(changes.DefaultActions);
      l.DefaultActions = normalizeActions(changes.DefaultActions);
      for (const r of this.rules.values())
        if (r.ListenerArn === l.ListenerArn && r.IsDefault) r.Actions = l.DefaultActions;
    }
    if (changes.Port !== undefined) l.Port = Number(changes.Port);
    if (changes.Protocol !== undefined) l.Protocol = changes.Protocol;
    this.linkTargetGroups();
    return l;
  }

  /** The forward weights of a rule (or of a listener's default action, for an NLB listener ARN). */
  forwardWeights(ruleOrListenerArn: string): ForwardTarget[] {
    const actions = this.actionsOf(ruleOrListenerArn);
    const fwd = actions.find((a) => a.Type === 'forward');
    if (!fwd) return [];
    if (fwd.ForwardConfig?.TargetGroups?.length) {
      return fwd.ForwardConfig.TargetGroups.map((t) => ({
        TargetGroupArn: t.TargetGroupArn,
        Weight: t.Weight ?? 1,
      }));
    }
    return fwd.TargetGroupArn ? [{ TargetGroupArn: fwd.TargetGroupArn, Weight: 1 }] : [];
  }

  /** Rewrites a rule's (or listener's) forward action to these weighted target groups. */
  setForwardWeights(ruleOrListenerArn: string, weights: ForwardTarget[]): void {
    const actions: Action[] = [
      { Type: 'forward', Order: 1, ForwardConfig: { TargetGroups: weights.map((w) => ({ ...w })) } },
    ];
    if (this.rules.has(ruleOrListenerArn)) this.modifyRule(ruleOrListenerArn, { Actions: actions });
    else this.modifyListener(ruleOrListenerArn, { DefaultActions: actions });
  }

  private actionsOf(arn: string): Action[] {
    const rule = this.rules.get(arn);
    if (rule) return rule.Actions;
    const l = this.listeners.get(arn);
    if (l) return l.DefaultActions;
    throw new AwsError(
      arn.includes(':listener-rule/') ? 'RuleNotFound' : 'ListenerNotFound',
      `'${arn}' not found`,
    );
  }

  // --- targets -------------------------------------------------------------------------------------

  /** Registers a target whose health checks will pass (or fail) once the check thresholds elapse. */
  registerTarget(tgArn: string, id: string, port: number, passes: boolean, probed = false): void {
    const tg = this.targetGroups.get(tgArn);
    const map = this.targets.get(tgArn);
    if (!tg || !map) return;
    const now = this.world.clock.now();
    const checks = passes ? tg.HealthyThresholdCount : tg.UnhealthyThresholdCount;
    map.set(`${id}:${port}`, {
      Id: id,
      Port: port,
      state: 'initial',
      reason: 'Elb.RegistrationInProgress',
      description: 'Target registration is in progress',
      until: probed ? undefined : now + checks * tg.HealthCheckIntervalSeconds * 1000,
      passes,
      probed,
      streak: probed ? { ok: 0, fail: 0 } : undefined,
    });
  }

  deregisterTarget(tgArn: string, id: string, port: number): number {
    const tg = this.targetGroups.get(tgArn);
    const t = this.targets.get(tgArn)?.get(`${id}:${port}`);
    if (!tg || !t) return 0;
    t.state = 'draining';
    t.reason = 'Target.DeregistrationInProgress';
    t.description = 'Target deregistration is in progress';
    t.until = this.world.clock.now() + tg.deregistrationDelaySeconds * 1000;
    return tg.deregistrationDelaySeconds;
  }

  target(tgArn: string, id: string, port: number): Target | undefined {
    return this.targets.get(tgArn)?.get(`${id}:${port}`);
  }

  /** Advances target health to `now` (called from the ECS scheduler tick). */
  tick(now: number): void {
    for (const map of this.targets.values()) {
      for (const [key, t] of map) {
        if (t.until === undefined || t.until > now) continue;
        if (t.state === 'draining') {
          map.delete(key);
        } else if (t.state === 'initial') {
          t.until = undefined;
          if (t.passes) {
            t.state = 'healthy';
            t.reason = undefined;
            t.description = undefined;
          } else {
            t.state = 'unhealthy';
            t.reason = 'Target.ResponseCodeMismatch';
            t.description = 'Health checks failed with these codes: [503]';
          }
        }
      }
    }
  }

  snapshot(): Record<string, unknown> {
    return {
      loadBalancers: [...this.loadBalancers.values()],
      targetGroups: [...this.targetGroups.values()].map((tg) => ({
        ...tg,
        targets: [...(this.targets.get(tg.TargetGroupArn)?.values() ?? [])],
      })),
      listeners: [...this.listeners.values()],
      rules: [...this.rules.values()],
    };
  }
}

/** The console and API always show forward actions with a ForwardConfig and an Order. */
function normalizeActions(actions: Action[]): Action[] {
  return actions.map((a, i) => {
    const out: Action = { ...a, Order: a.Order !== undefined ? Number(a.Order) : i + 1 };
    if (a.Type === 'forward') {
      const groups = a.ForwardConfig?.TargetGroups?.length
        ? a.ForwardConfig.TargetGroups.map((t) => ({
            TargetGroupArn: t.TargetGroupArn,
            Weight: Number(t.Weight ?? 1),
          }))
        : a.TargetGroupArn
          ? [{ TargetGroupArn: a.TargetGroupArn, Weight: 1 }]
          : [];
      out.ForwardConfig = { ...a.ForwardConfig, TargetGroups: groups };
      if (groups.length === 1) out.TargetGroupArn = groups[0].TargetGroupArn;
      else delete out.TargetGroupArn;
    }
    return out;
  });
}
