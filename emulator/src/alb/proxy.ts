// The application load balancer, serving: every HTTP(S) listener of an application load balancer is
// a reverse proxy on 127.0.0.1 (HTTPS listeners are served as plain HTTP locally). Rules match by
// path, host, header and method in priority order; forward actions split requests between target
// groups exactly by their weights (smooth weighted round robin, so 90/10 is 9 of every 10); targets
// are taken round robin among the healthy ones (all of them when none is healthy, as ALB fails
// open); draining targets get no new requests, and their open connections are cut when the
// deregistration delay ends. WebSocket upgrades are tunnelled to the chosen target.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { arnSuffix, cloudwatchOf } from '../cloudwatch/alarms.js';
import type { Action, Listener, Rule, Target } from '../elbv2/state.js';
import type { World } from '../state.js';

export interface ListenerFront {
  listenerArn: string;
  loadBalancerName: string;
  port: number;
  /** http://127.0.0.1:<local port> */
  url: string;
  server: http.Server;
}

/** Text of ALB's own error pages. */
const PAGES: Record<number, string> = {
  502: '502 Bad Gateway',
  503: '503 Service Temporarily Unavailable',
  504: '504 Gateway Time-out',
};

export class AlbFront {
  readonly fronts = new Map<string, ListenerFront>();
  private readonly pending = new Set<string>();
  private readonly wrr = new Map<string, Map<string, number>>();
  private readonly rr = new Map<string, number>();
  /** "tgArn|ip:port" → open proxied requests and tunnels, cut when the target is gone. */
  private readonly open = new Map<string, Set<{ destroy(): void }>>();
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  /** Closed for good: a sync still running (or a timer's next one) must not serve listeners again. */
  private closed = false;
  /**
   * Requests (and WebSocket upgrades) forwarded since start, by the target's task definition
   * ("family:revision", "(unknown)" for a target no running task owns) and by target group ARN: on AWS,
   * CloudWatch's RequestCount per target group.
   */
  readonly forwarded = { byRevision: new Map<string, number>(), byTargetGroup: new Map<string, number>() };

  constructor(
    private readonly world: World,
    /** Local port for a listener (0 = any free port). */
    private readonly portFor: (listener: Listener) => number = () => 0,
  ) {}

  /** Starts a proxy for each new HTTP(S) listener of an application load balancer, stops removed ones. */
  async sync(): Promise<void> {
    const elb = this.world.elbv2;
    for (const l of elb.listeners.values()) {
      if (this.fronts.has(l.ListenerArn) || this.pending.has(l.ListenerArn)) continue;
      const lb = elb.loadBalancers.get(l.LoadBalancerArn);
      if (lb?.Type !== 'application' || !l.Protocol.startsWith('HTTP')) continue;
      if (this.closed) return;
      this.pending.add(l.ListenerArn);
      try {
        const front = await this.serve(l, lb.LoadBalancerName);
        if (this.closed) {
          front.server.close();
          return;
        }
        this.fronts.set(l.ListenerArn, front);
      } finally {
        this.pending.delete(l.ListenerArn);
      }
    }
    for (const [arn, f] of this.fronts) {
      if (!elb.listeners.has(arn)) {
        this.fronts.delete(arn);
        f.server.closeAllConnections();
        f.server.close();
      }
    }
    this.cutGoneTargets();
  }

  /** The local URL of a load balancer's listener (by name, with an optional port; default the first). */
  url(loadBalancerName?: string, port?: number): string | undefined {
    for (const f of this.fronts.values()) {
      if (loadBalancerName && f.loadBalancerName !== loadBalancerName) continue;
      if (port !== undefined && f.port !== port) continue;
      return f.url;
    }
    return undefined;
  }

  private async serve(listener: Listener, lbName: string): Promise<ListenerFront> {
    const arn = listener.ListenerArn;
    const server = http.createServer((req, res) => this.handle(arn, req, res));
    server.on('upgrade', (req, socket, head) => this.tunnel(arn, req, socket, head));
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.portFor(listener), '127.0.0.1', () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    return {
      listenerArn: arn,
      loadBalancerName: lbName,
      port: listener.Port,
      url: `http://127.0.0.1:${port}`,
      server,
    };
  }

  /** The rule that takes a request: lowest priority number first, the default rule last. */
  private ruleFor(listenerArn: string, req: http.IncomingMessage): Rule | undefined {
    const rules = [...this.world.elbv2.rules.values()]
      .filter((r) => r.ListenerArn === listenerArn)
      .sort(
        (a, b) => (a.IsDefault ? 1 : 0) - (b.IsDefault ? 1 : 0) || Number(a.Priority) - Number(b.Priority),
      );
    return rules.find((r) => r.IsDefault || r.Conditions.every((c) => matches(c, req)));
  }

  /** The target for a request, or the status ALB answers with instead. */
  private pick(
    listenerArn: string,
    req: http.IncomingMessage,
  ): { tg: string; target: Target } | { status: number; body?: string; headers?: Record<string, string> } {
    const rule = this.ruleFor(listenerArn, req);
    const action = rule?.Actions.find(
      (a) => a.Type !== 'authenticate-oidc' && a.Type !== 'authenticate-cognito',
    );
    if (!rule || !action) return { status: 503 };
    if (action.Type === 'fixed-response') {
      const cfg = (action.FixedResponseConfig ?? {}) as {
        StatusCode?: string;
        MessageBody?: string;
        ContentType?: string;
      };
      return {
        status: Number(cfg.StatusCode ?? 200),
        body: cfg.MessageBody ?? '',
        headers: { 'content-type': cfg.ContentType ?? 'text/plain' },
      };
    }
    if (action.Type === 'redirect') return { status: 503 };
    const tg = this.chooseGroup(rule.RuleArn, action);
    if (!tg) return { status: 503 };
    const targets = [...(this.world.elbv2.targets.get(tg)?.values() ?? [])];
    const healthy = targets.filter((t) => t.state === 'healthy');
    const pool = healthy.length ? healthy : targets.filter((t) => t.state === 'unhealthy');
    if (pool.length === 0) return { status: 503 };
    const n = (this.rr.get(tg) ?? 0) + 1;
    this.rr.set(tg, n);
    return { tg, target: pool[n % pool.length] };
  }

  /** Smooth weighted round robin over the forward action's target groups (weight 0 gets nothing). */
  private chooseGroup(ruleArn: string, action: Action): string | undefined {
    const groups = action.ForwardConfig?.TargetGroups?.length
      ? action.ForwardConfig.TargetGroups.map((g) => ({ arn: g.TargetGroupArn, w: g.Weight ?? 1 }))
      : action.TargetGroupArn
        ? [{ arn: action.TargetGroupArn, w: 1 }]
        : [];
    const live = groups.filter((g) => g.w > 0);
    if (live.length <= 1) return live[0]?.arn;
    let state = this.wrr.get(ruleArn);
    if (!state) {
      state = new Map();
      this.wrr.set(ruleArn, state);
    }
    const total = live.reduce((s, g) => s + g.w, 0);
    let best: { arn: string; cur: number } | undefined;
    for (const g of live) {
      const cur = (state.get(g.arn) ?? 0) + g.w;
      state.set(g.arn, cur);
      if (!best || cur > best.cur) best = { arn: g.arn, cur };
    }
    if (!best) return undefined;
    state.set(best.arn, best.cur - total);
    for (const k of state.keys()) if (!live.some((g) => g.arn === k)) state.delete(k);
    return best.arn;
  }

  private track(key: string, item: { destroy(): void }): () => void {
    let set = this.open.get(key);
    if (!set) {
      set = new Set();
      this.open.set(key, set);
    }
    set.add(item);
    return () => set.delete(item);
  }

  /**
   * One data point of an ALB metric in CloudWatch (by load balancer, and by target group when one took the
   * request): what the deployment alarms Terraform configures watch.
   */
  private metric(listenerArn: string, tg: string | undefined, name: string): void {
    const lb = this.world.elbv2.listeners.get(listenerArn)?.LoadBalancerArn;
    if (!lb) return;
    const dims: Record<string, string> = { LoadBalancer: arnSuffix(lb) };
    if (tg) dims.TargetGroup = arnSuffix(tg);
    cloudwatchOf(this.world).put('AWS/ApplicationELB', name, dims, 1);
  }

  private count(listenerArn: string, tg: string, target: Target): void {
    this.metric(listenerArn, tg, 'RequestCount');
    const f = this.forwarded;
    f.byTargetGroup.set(tg, (f.byTargetGroup.get(tg) ?? 0) + 1);
    const rev = this.revisionAt(target.Id);
    f.byRevision.set(rev, (f.byRevision.get(rev) ?? 0) + 1);
  }

  /** The task definition of the task behind a target IP (a stopped task's IP may be reused: live first). */
  private revisionAt(ip: string): string {
    let owner: { taskDefinitionArn: string; lastStatus: string } | undefined;
    for (const t of this.world.ecs.tasks.values()) {
      if (t.ip !== ip) continue;
      owner = t;
      if (t.lastStatus !== 'STOPPED') break;
    }
    return owner ? owner.taskDefinitionArn.slice(owner.taskDefinitionArn.lastIndexOf('/') + 1) : '(unknown)';
  }

  /** Connection draining ends with the deregistration delay: whatever is still open is cut. */
  private cutGoneTargets(): void {
    for (const [key, set] of this.open) {
      const [tg, addr] = key.split('|');
      const t = this.world.elbv2.targets.get(tg)?.get(addr);
      if (t) continue;
      for (const item of set) item.destroy();
      this.open.delete(key);
    }
  }

  private handle(listenerArn: string, req: http.IncomingMessage, res: http.ServerResponse): void {
    const choice = this.pick(listenerArn, req);
    if ('status' in choice) {
      if (choice.status >= 500) this.metric(listenerArn, undefined, 'HTTPCode_ELB_5XX_Count');
      const body = choice.body ?? PAGES[choice.status] ?? '';
      res.writeHead(choice.status, { 'content-type': 'text/html', ...choice.headers, server: 'awselb/2.0' });
      res.end(body);
      return;
    }
    const { tg, target } = choice;
    this.count(listenerArn, tg, target);
    const upstream = http.request(
      {
        host: target.Id,
        port: target.Port,
        method: req.method,
        path: req.url,
        headers: endToEnd(forwarded(req)),
        agent: this.agent,
      },
      (up) => {
        const code = up.statusCode ?? 502;
        this.metric(listenerArn, tg, `HTTPCode_Target_${Math.floor(code / 100)}XX_Count`);
        res.writeHead(code, endToEnd(up.headers));
        up.pipe(res);
      },
    );
    const untrack = this.track(`${tg}|${target.Id}:${target.Port}`, upstream);
    upstream.setTimeout(60_000, () => upstream.destroy(new Error('idle timeout')));
    upstream.on('error', (err) => {
      if (!res.headersSent) {
        const status = /timeout/.test(err.message) ? 504 : 502;
        this.metric(listenerArn, undefined, 'HTTPCode_ELB_5XX_Count');
        res.writeHead(status, { 'content-type': 'text/html', server: 'awselb/2.0' });
        res.end(PAGES[status]);
      } else res.destroy();
    });
    upstream.on('close', untrack);
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  private tunnel(listenerArn: string, req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const choice = this.pick(listenerArn, req);
    if ('status' in choice) {
      socket.end(`HTTP/1.1 ${choice.status} ${PAGES[choice.status] ?? ''}\r\nconnection: close\r\n\r\n`);
      return;
    }
    const { tg, target } = choice;
    this.count(listenerArn, tg, target);
    const up = net.connect(target.Port, target.Id, () => {
      const headers = forwarded(req);
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (const [k, v] of Object.entries(headers)) {
        for (const val of Array.isArray(v) ? v : [v]) if (val !== undefined) lines.push(`${k}: ${val}`);
      }
      up.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    const both = {
      destroy: () => {
        up.destroy();
        socket.destroy();
      },
    };
    const untrack = this.track(`${tg}|${target.Id}:${target.Port}`, both);
    up.on('error', () => socket.end('HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\n\r\n'));
    socket.on('error', () => up.destroy());
    up.on('close', () => {
      untrack();
      socket.destroy();
    });
    socket.on('close', () => up.destroy());
  }

  async close(): Promise<void> {
    this.closed = true;
    this.agent.destroy();
    for (const set of this.open.values()) for (const item of set) item.destroy();
    this.open.clear();
    await Promise.all(
      [...this.fronts.values()].map(
        (f) =>
          new Promise<void>((resolve) => {
            f.server.closeAllConnections();
            f.server.close(() => resolve());
          }),
      ),
    );
    this.fronts.clear();
  }
}

/**
 * Headers without the hop-by-hop ones (RFC 9110 §7.6.1): ALB keeps its client and target connections
 * apart, so a target's `connection: close` (it is stopping) never closes the client's connection.
 */
function endToEnd<H extends http.OutgoingHttpHeaders>(headers: H): H {
  const listed = String(headers.connection ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase());
  const hop = new Set([
    'connection',
    'keep-alive',
    'proxy-connection',
    'te',
    'trailer',
    'upgrade',
    ...listed,
  ]);
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !hop.has(name))) as H;
}

/** The request's headers as ALB sends them on: X-Forwarded-For/Proto/Port added. */
function forwarded(req: http.IncomingMessage): http.OutgoingHttpHeaders {
  const h: http.OutgoingHttpHeaders = { ...req.headers };
  const client = req.socket.remoteAddress ?? '127.0.0.1';
  h['x-forwarded-for'] = h['x-forwarded-for'] ? `${h['x-forwarded-for']}, ${client}` : client;
  h['x-forwarded-proto'] = 'http';
  h['x-forwarded-port'] = String(req.socket.localPort ?? 80);
  return h;
}

/** ALB wildcards: `*` any run of characters, `?` exactly one. */
export function wildcard(pattern: string, value: string, caseless = false): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, caseless ? 'i' : '').test(value);
}

function valuesOf(c: Record<string, unknown>, key: string): string[] {
  const cfg = c[key] as { Values?: string[] } | undefined;
  return cfg?.Values ?? (c.Values as string[] | undefined) ?? [];
}

/** One rule condition against a request. */
export function matches(c: Record<string, unknown>, req: http.IncomingMessage): boolean {
  const path = (req.url ?? '/').split('?')[0];
  const host = String(req.headers.host ?? '').replace(/:\d+$/, '');
  switch (c.Field) {
    case 'path-pattern':
      return valuesOf(c, 'PathPatternConfig').some((p) => wildcard(p, path));
    case 'host-header':
      return valuesOf(c, 'HostHeaderConfig').some((p) => wildcard(p, host, true));
    case 'http-request-method':
      return valuesOf(c, 'HttpRequestMethodConfig').includes(req.method ?? 'GET');
    case 'http-header': {
      const cfg = c.HttpHeaderConfig as { HttpHeaderName?: string; Values?: string[] } | undefined;
      const v = req.headers[(cfg?.HttpHeaderName ?? '').toLowerCase()];
      return v !== undefined && (cfg?.Values ?? []).some((p) => wildcard(p, String(v), true));
    }
    default:
      return false;
  }
}
