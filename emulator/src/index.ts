// The local AWS emulator: startEmulator() serves ECS, ECR, STS, ELBv2, CodeDeploy and CloudWatch Logs
// over their real wire protocols on 127.0.0.1, plus the /_cendence/ control API. See emulator/README.md.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BehaviorSpec } from './behaviors.js';
import { CallLog, type CallRecord } from './calls.js';
import { type ClockMode, EmulatorClock } from './clock.js';
import { controlRoutes } from './control/routes.js';
import { FaultBook, type FaultSpec } from './faults.js';
import { mintToken } from './iam/oidc.js';
import { IamState } from './iam/state.js';
import {
  type LiveRuntime,
  type RuntimeWorldSpec,
  seedRuntimeWorld,
  startRuntime,
  type TasksMode,
} from './runtime/index.js';
import { createHandler } from './server.js';
import { MODULES } from './services.js';
import { World } from './state.js';
import { type TerraformWorld, type TerraformWorldOptions, terraformWorld } from './terraform/world.js';
import { type BucketRate, Throttler } from './throttle.js';
import { loadWorldFile, seedCore, type WorldSpec } from './world.js';

export type { BehaviorSpec } from './behaviors.js';
export type { CallRecord } from './calls.js';
export type { FaultSpec } from './faults.js';
export { mintToken, publicJwk } from './iam/oidc.js';
export type { LiveRuntime, TasksMode } from './runtime/index.js';
export { engineAvailable } from './runtime/index.js';
export type { TerraformWorld } from './terraform/world.js';
export type { WorldSpec } from './world.js';
export { worldFromManifests } from './world.js';

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 'virtual'. */
  clock?: ClockMode;
  /** Real clock only: emulated seconds per wall second. Default 1. */
  speed?: number;
  /** A WorldSpec, or the path of a YAML/JSON world file. */
  world?: WorldSpec | string;
  /**
   * Build the world from a Terraform configuration (a root module folder) for one set of variables, as
   * `terraform apply` would create it; IAM is enforced unless `iam: false`. The region defaults to the
   * configuration's (var.region). Combined with `world`, the world file is seeded on top.
   */
  terraform?: { dir: string } & Omit<TerraformWorldOptions, 'accountId' | 'region'>;
  /** true (default), false, or per "service" / "service.Operation" bucket overrides. */
  throttling?: boolean | Record<string, BucketRate>;
  region?: string;
  accountId?: string;
  /**
   * 'simulated' (default): tasks follow image behaviours on the emulator clock. 'docker': tasks are
   * real containers, ALB listeners real proxies, RDS a real PostgreSQL (needs the real clock).
   */
  tasks?: TasksMode;
}

export interface Emulator {
  /** http://127.0.0.1:<port> — the endpoint to give every SDK client. */
  url: string;
  port: number;
  /** 127.0.0.1:<port> */
  host: string;
  clock: EmulatorClock;
  region: string;
  accountId: string;
  /** The current world (replaced by reset()). */
  readonly world: World;
  throttler: Throttler;
  stop(): Promise<void>;
  /** Clears all state, calls, faults and behaviours, then re-seeds the starting world. */
  reset(): Promise<void>;
  calls(filter?: { service?: string; operation?: string; mutates?: boolean; since?: number }): CallRecord[];
  /** Virtual clock: moves time forward, running everything that falls due. */
  advance(seconds: number): Promise<void>;
  fault(spec: FaultSpec): void;
  behavior(spec: BehaviorSpec): void;
  seed(spec: WorldSpec): Promise<void>;
  /** The live runtime with `tasks: 'docker'` (ALB URLs, networks, databases); replaced by reset(). */
  readonly live: LiveRuntime | undefined;
  /** With `terraform`: the plan, the skipped resource types and the `terraform output -json` equivalent. */
  terraform?: TerraformWorld;
  /** A real RS256 JWT signed by the key the emulator trusts for every OIDC provider of the account. */
  mintToken(claims: Record<string, unknown>): string;
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const accountId = opts.accountId ?? '123456789012';
  const tf = opts.terraform
    ? await terraformWorld(opts.terraform.dir, { ...opts.terraform, accountId, region: opts.region })
    : undefined;
  const region = tf?.plan.region ?? opts.region ?? 'us-east-1';
  const tasks = opts.tasks ?? 'simulated';
  if (tasks === 'docker' && opts.clock !== 'real')
    throw new Error("tasks: 'docker' runs real containers: it needs clock: 'real'");
  const clock = new EmulatorClock(opts.clock ?? 'virtual', opts.speed ?? 1);
  const file: WorldSpec | undefined = typeof opts.world === 'string' ? loadWorldFile(opts.world) : opts.world;
  const initial: WorldSpec[] = [tf?.spec, file].filter((w): w is WorldSpec => w !== undefined);
  const calls = new CallLog();
  const faults = new FaultBook();
  const throttler = new Throttler(
    opts.throttling !== false,
    typeof opts.throttling === 'object' ? opts.throttling : {},
  );
  let world: World | undefined;
  let live: LiveRuntime | undefined;
  const regions = new Map<string, World>();
  let host = '127.0.0.1:0';
  const regionWorld = (r: string): World => {
    let w = regions.get(r);
    if (!w) {
      w = new World({ clock, region: r, accountId, host });
      // IAM is global: roles, policies and STS sessions are the home world's, enforced in every region.
      const home = world as World;
      w.share('iam', home, () => new IamState());
      w.share('sts', home, () => new Map());
      regions.set(r, w);
    }
    return w;
  };
  const disposeRegions = () => {
    for (const w of regions.values()) w.dispose();
    regions.clear();
  };

  const seed = async (spec: WorldSpec) => {
    const w = world as World;
    seedCore(w, spec);
    for (const m of MODULES) await m.seed?.(w, spec);
    seedRuntimeWorld(w, spec as RuntimeWorldSpec);
    await live?.serveDatabases();
  };
  const fresh = async () => {
    await live?.dispose();
    live = undefined;
    world?.dispose();
    disposeRegions();
    clock.clear();
    world = new World({ clock, region, accountId, host });
    for (const spec of initial) await seed(spec);
    if (tasks === 'docker') live = await startRuntime(world, { speed: opts.speed ?? 1 });
  };
  const reset = async () => {
    calls.clear();
    faults.clear();
    throttler.refill();
    await fresh();
  };

  const internals = {
    clock,
    calls,
    faults,
    throttler,
    world: () => world as World,
    reset,
    seed,
    terraformOutputs: () => tf?.outputs,
    albCounts: () => live?.albCounts(),
  };
  const server = http.createServer(
    (() => {
      const handle = createHandler({
        modules: MODULES,
        world: internals.world,
        regionWorld,
        calls,
        faults,
        throttler,
        control: controlRoutes(internals),
      });
      return (req: http.IncomingMessage, res: http.ServerResponse) => {
        handle(req, res).catch((err: Error) => {
          process.stderr.write(`emulator: ${err.stack ?? err}\n`);
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ __type: 'InternalFailure', message: err.message }));
        });
      };
    })(),
  );
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  host = `127.0.0.1:${port}`;
  try {
    await fresh();
  } catch (err) {
    server.closeAllConnections();
    server.close();
    throw err;
  }

  return {
    url: `http://${host}`,
    port,
    host,
    clock,
    region,
    accountId,
    get world() {
      return world as World;
    },
    throttler,
    get live() {
      return live;
    },
    async stop() {
      await live?.dispose();
      live = undefined;
      world?.dispose();
      disposeRegions();
      clock.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    reset,
    calls: (filter) => calls.list(filter),
    async advance(seconds) {
      await clock.advance(seconds);
    },
    fault: (spec) => void faults.add(spec),
    behavior: (spec) => void world?.behaviors.add(spec),
    seed,
    terraform: tf,
    mintToken: (claims) => mintToken(claims),
  };
}
