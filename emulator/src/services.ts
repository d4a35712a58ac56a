// README-internal — how a service module plugs into the emulator.
//
// 1. A module exports a `ServiceHandlers` map (operation name → handler) and is listed once in MODULES
//    below. The server decodes the wire protocol (JSON 1.1 by X-Amz-Target, query by Action+Version),
//    records the call, applies throttling and faults, then calls `handlers[Operation](input, ctx)`.
//    Return a plain object (Date values become epoch seconds in JSON, ISO-8601 in XML); throw
//    `AwsError(code, message, status)` for modeled errors. An operation missing from the map answers
//    UnknownOperationException.
// 2. State is per emulator and per reset, never module-level: `worldOf(ctx)` (context.ts — import it
//    from there, not from this file, to avoid an import cycle) returns the `World`
//    (state.ts). It holds `clock`, `region`, `accountId`, `host`, and the shared services:
//      - `world.ecs`    (ecs/state.ts): clusters, task definitions, services, tasks. CodeDeploy drives ECS
//        through ecs/external.ts: startTaskSet / promoteTaskSet / removeTaskSet / taskSetCounts.
//      - `world.elbv2`  (elbv2/state.ts): target groups, listeners, rules; `setForwardWeights(ruleOrListenerArn,
//        [{targetGroupArn, weight}])` and `forwardWeights(arn)` shift traffic like ECS/CodeDeploy do.
//      - `world.logs`   (logs/state.ts): `putEvents(group, stream, lines)`.
//      - `world.slot(key, make)`: your own per-world state (e.g. `world.slot('ecr', () => new EcrState())`);
//        if it has a `snapshot()` method it appears in GET /_cendence/state.
//      - `world.every(ms, fn)`: a timer on the emulator clock that dies with the world (never setInterval).
// 3. Raw HTTP routes (ECR's /v2/ registry API) are `RawRoute`s tried before the AWS API; the server
//    passes the context as a 4th argument, so declare it `(req, res, url, ctx?: HandlerContext)`
//    and call `worldOf(ctx!)`.
// 4. World files: `seed(world, spec)` receives the whole WorldSpec (world.ts) after ECS/ELBv2 seeding,
//    e.g. ECR creates `spec.repositories`.
import { codedeployHandlers, seedCodeDeployGroups } from './codedeploy/index.js';
import { ecrHandlers, registryRoute, seedRepositories } from './ecr/index.js';
import { ecsHandlers } from './ecs/handlers.js';
import { elbv2Handlers } from './elbv2/handlers.js';
import { iamHandlers } from './iam/simulate.js';
import { logsHandlers } from './logs/handlers.js';
import { sigstoreRoute } from './sigstore/index.js';
import type { World } from './state.js';
import { stsHandlers } from './sts/handlers.js';
import type { RawRoute, ServiceHandlers, ServiceName } from './types.js';
import type { WorldSpec } from './world.js';

export interface ServiceModule {
  service: ServiceName;
  handlers: ServiceHandlers;
  rawRoutes?: RawRoute[];
  seed?: (world: World, spec: WorldSpec) => void | Promise<void>;
}

export const MODULES: ServiceModule[] = [
  { service: 'ecs', handlers: ecsHandlers },
  { service: 'elbv2', handlers: elbv2Handlers },
  { service: 'sts', handlers: stsHandlers },
  // Fulcio and Rekor are not AWS services: they ride with IAM, whose OIDC issuer key Fulcio trusts.
  { service: 'iam', handlers: iamHandlers, rawRoutes: [sigstoreRoute] },
  { service: 'logs', handlers: logsHandlers },
  { service: 'ecr', handlers: ecrHandlers, rawRoutes: [registryRoute], seed: seedRepositories },
  { service: 'codedeploy', handlers: codedeployHandlers, seed: seedCodeDeployGroups },
];
