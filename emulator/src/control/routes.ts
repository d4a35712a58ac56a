// The control API under /_cendence/ (JSON in and out): reset, calls, faults, behaviours, clock, state,
// throttling and world seeding. Tests, the demo and pipeline rehearsals depend on it: keep it stable
// and documented in emulator/README.md.
import type http from 'node:http';
import type { BehaviorSpec } from '../behaviors.js';
import type { FaultSpec } from '../faults.js';
import { mintToken } from '../iam/oidc.js';
import { send } from '../server.js';
import type { BucketRate } from '../throttle.js';
import type { WorldSpec } from '../world.js';
import type { EmulatorInternals } from './internals.js';

const json = (res: http.ServerResponse, status: number, value: unknown) =>
  send(res, status, `${JSON.stringify(value, null, 1)}\n`, 'application/json');

function parse(body: string): unknown {
  if (body.trim() === '') return {};
  return JSON.parse(body);
}

export function controlRoutes(emu: EmulatorInternals) {
  return async function control(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    body: string,
  ): Promise<void> {
    const route = `${req.method} ${url.pathname.replace(/\/+$/, '')}`;
    try {
      const input = parse(body) as Record<string, unknown>;
      switch (route) {
        case 'GET /_cendence/health':
          return json(res, 200, { ok: true });
        case 'GET /_cendence/terraform/outputs': {
          const outputs = emu.terraformOutputs();
          if (!outputs)
            return json(res, 404, { error: 'this world was not built from Terraform (--terraform)' });
          return json(res, 200, outputs);
        }
        case 'POST /_cendence/oidc/token':
          // A job's identity token: a real JWT over the given claims, signed with the test issuer key.
          return json(res, 200, { token: mintToken(input) });
        case 'POST /_cendence/reset':
          await emu.reset();
          return json(res, 200, { ok: true });
        case 'GET /_cendence/calls': {
          const q = url.searchParams;
          const mutates = q.get('mutates');
          return json(
            res,
            200,
            emu.calls.list({
              service: q.get('service') ?? undefined,
              operation: q.get('operation') ?? undefined,
              mutates: mutates === null ? undefined : mutates === 'true',
              since: q.get('since') === null ? undefined : Number(q.get('since')),
            }),
          );
        }
        case 'DELETE /_cendence/calls':
          emu.calls.clear();
          return json(res, 200, { ok: true });
        case 'POST /_cendence/faults': {
          const specs = (Array.isArray(input) ? input : [input]) as FaultSpec[];
          return json(
            res,
            200,
            specs.map((s) => emu.faults.add(s)),
          );
        }
        case 'GET /_cendence/faults':
          return json(res, 200, emu.faults.list());
        case 'DELETE /_cendence/faults':
          emu.faults.clear();
          return json(res, 200, { ok: true });
        case 'POST /_cendence/behaviors': {
          const specs = (Array.isArray(input) ? input : [input]) as BehaviorSpec[];
          return json(
            res,
            200,
            specs.map((s) => emu.world().behaviors.add(s)),
          );
        }
        case 'GET /_cendence/behaviors':
          return json(res, 200, emu.world().behaviors.list());
        case 'DELETE /_cendence/behaviors':
          emu.world().behaviors.clear();
          return json(res, 200, { ok: true });
        case 'GET /_cendence/clock':
          return json(res, 200, clockInfo(emu));
        case 'POST /_cendence/clock/advance': {
          const seconds = Number(input.seconds);
          if (!(seconds >= 0)) return json(res, 400, { error: '"seconds" must be a number >= 0' });
          if (emu.clock.mode !== 'virtual')
            return json(res, 400, {
              error: 'the clock is real: start the emulator with --clock virtual to advance it',
            });
          await emu.clock.advance(seconds);
          return json(res, 200, clockInfo(emu));
        }
        case 'GET /_cendence/state':
          return json(res, 200, emu.world().snapshot());
        case 'GET /_cendence/alb/requests': {
          const counts = emu.albCounts();
          if (!counts) return json(res, 404, { error: 'the ALB serves requests with --tasks docker only' });
          return json(res, 200, counts);
        }
        case 'GET /_cendence/throttling':
          return json(res, 200, emu.throttler.describe());
        case 'POST /_cendence/throttling':
          emu.throttler.configure(input as { enabled?: boolean; rates?: Record<string, BucketRate> });
          return json(res, 200, emu.throttler.describe());
        case 'POST /_cendence/world':
          await emu.seed(input as WorldSpec);
          return json(res, 200, { ok: true });
        default:
          return json(res, 404, { error: `no control route ${route}`, routes: ROUTES });
      }
    } catch (err) {
      return json(res, 400, { error: (err as Error).message });
    }
  };
}

function clockInfo(emu: EmulatorInternals) {
  const now = emu.clock.now();
  return { mode: emu.clock.mode, speed: emu.clock.speed, now, iso: new Date(now).toISOString() };
}

export const ROUTES = [
  'GET /_cendence/health',
  'POST /_cendence/reset',
  'GET|DELETE /_cendence/calls',
  'GET|POST|DELETE /_cendence/faults',
  'GET|POST|DELETE /_cendence/behaviors',
  'GET /_cendence/clock',
  'POST /_cendence/clock/advance',
  'GET /_cendence/state',
  'GET /_cendence/alb/requests',
  'GET|POST /_cendence/throttling',
  'POST /_cendence/world',
];
