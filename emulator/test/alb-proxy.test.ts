// The ALB proxy without a container engine: a target on loopback registered by hand.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { AlbFront } from '../src/alb/proxy.js';
import { arnSuffix, cloudwatchOf } from '../src/cloudwatch/alarms.js';
import { type Emulator, startEmulator } from '../src/index.js';

let emu: Emulator;
let front: AlbFront;
let target: http.Server;

beforeAll(async () => {
  // A target that is stopping: it answers, and closes its connection to the load balancer.
  target = http.createServer((req, res) => {
    if (req.url === '/broken') {
      res.writeHead(500).end('broken');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain', connection: 'close', 'keep-alive': 'timeout=1' });
    res.end('ok');
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  const port = (target.address() as AddressInfo).port;
  emu = await startEmulator({
    world: {
      targetGroups: [{ name: 'web', port, healthCheckPath: '/health' }],
      loadBalancers: [{ name: 'web-alb', listeners: [{ port: 80, forward: 'web' }] }],
    },
  });
  const elb = emu.world.elbv2;
  const tg = [...elb.targetGroups.values()].find((t) => t.TargetGroupName === 'web');
  if (!tg) throw new Error('no target group');
  elb.registerTarget(tg.TargetGroupArn, '127.0.0.1', port, true);
  const registered = elb.targets.get(tg.TargetGroupArn)?.get(`127.0.0.1:${port}`);
  if (!registered) throw new Error('target not registered');
  registered.state = 'healthy';
  front = new AlbFront(emu.world);
  await front.sync();
});

afterAll(async () => {
  await front.close();
  await emu.stop();
  await new Promise((resolve) => target.close(resolve));
});

test("a target's hop-by-hop headers stay on its connection: the client's connection is kept", async () => {
  const url = new URL(front.url('web-alb') as string);
  const agent = new http.Agent({ keepAlive: true });
  try {
    const headers = await new Promise<http.IncomingHttpHeaders>((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, path: '/', agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.headers));
      });
      req.on('error', reject).end();
    });
    expect(headers.connection).toBe('keep-alive');
    expect(headers['keep-alive']).not.toBe('timeout=1');
  } finally {
    agent.destroy();
  }
});

test('once closed, a sync (the runtime timer fires while the emulator stops) serves no listener again', async () => {
  const world = emu.world;
  const late = new AlbFront(world);
  await late.sync();
  const url = late.url('web-alb') as string;
  expect(url).toBeDefined();
  const syncing = late.sync();
  await late.close();
  await syncing;
  await late.sync();
  expect(late.url('web-alb')).toBeUndefined();
  await expect(fetch(url)).rejects.toThrow();
});

test("the target group's 5xx and requests are CloudWatch metrics, by load balancer and target group", async () => {
  const elb = emu.world.elbv2;
  const tg = [...elb.targetGroups.values()].find((t) => t.TargetGroupName === 'web');
  const lb = [...elb.loadBalancers.values()].find((l) => l.LoadBalancerName === 'web-alb');
  if (!tg || !lb) throw new Error('no target group or load balancer');
  const dimensions = {
    LoadBalancer: arnSuffix(lb.LoadBalancerArn),
    TargetGroup: arnSuffix(tg.TargetGroupArn),
  };
  expect(dimensions.LoadBalancer).toMatch(/^app\/web-alb\/\w+$/);
  expect(dimensions.TargetGroup).toMatch(/^targetgroup\/web\/\w+$/);
  const cw = cloudwatchOf(emu.world);
  const sum = (metricName: string) =>
    cw.statistic(
      { namespace: 'AWS/ApplicationELB', metricName, dimensions, stat: 'Sum' },
      0,
      Number.MAX_SAFE_INTEGER,
    ) ?? 0;
  const before = { requests: sum('RequestCount'), errors: sum('HTTPCode_Target_5XX_Count') };
  const base = front.url('web-alb') as string;
  for (const p of ['/broken', '/broken', '/fine']) await (await fetch(base + p)).text();
  expect(sum('HTTPCode_Target_5XX_Count') - before.errors).toBe(2);
  expect(sum('RequestCount') - before.requests).toBe(3);
});
