// Before any change: the live state of every target service, read in batches (DescribeServices takes
// 10 services per call), and the checks that turn a wrong cluster, a missing or inactive service or a
// strategy that does not match the service's deployment controller into a UserError — so a bad input
// ends with exit 2 and no mutating call. The live state is also the "before" picture a rollback needs.
import {
  ClusterNotFoundException,
  DescribeServicesCommand,
  type DescribeServicesCommandOutput,
  type ECSClient,
  type Service,
} from '@aws-sdk/client-ecs';
import { UserError } from '../errors.js';
import { chunks } from './pacing.js';
import type { Strategy } from './types.js';

export interface ServiceRef {
  name: string;
  cluster: string;
  service: string;
}

const key = (cluster: string, service: string) => `${cluster}\u0000${service}`;

/** DescribeServices for every ref, grouped by cluster and 10 at a time. Missing services are UserErrors. */
export async function describeLive(ecs: ECSClient, refs: ServiceRef[]): Promise<Map<string, Service>> {
  const byCluster = new Map<string, ServiceRef[]>();
  for (const r of refs) byCluster.set(r.cluster, [...(byCluster.get(r.cluster) ?? []), r]);
  const found = new Map<string, Service>();
  for (const [cluster, group] of byCluster) {
    for (const batch of chunks([...new Set(group.map((r) => r.service))], 10)) {
      let out: DescribeServicesCommandOutput;
      try {
        out = await ecs.send(new DescribeServicesCommand({ cluster, services: batch }));
      } catch (err) {
        if (err instanceof ClusterNotFoundException) {
          const names = group.map((r) => r.name).join(', ');
          throw new UserError(
            `cluster "${cluster}" does not exist (used by ${names})`,
            `deploy.cluster`,
            'create the cluster (terraform/) or fix deploy.cluster in the manifest; pass a cluster name, not an ARN',
          );
        }
        throw err;
      }
      for (const s of out.services ?? []) if (s.serviceName) found.set(key(cluster, s.serviceName), s);
    }
  }
  const live = new Map<string, Service>();
  for (const r of refs) {
    const s = found.get(key(r.cluster, r.service));
    if (!s) {
      throw new UserError(
        `service "${r.service}" does not exist in cluster "${r.cluster}"`,
        `services/${r.name}: deploy.service`,
        'create the service first (terraform/), or fix deploy.service / deploy.cluster; pass names, not ARNs',
      );
    }
    if (s.status !== 'ACTIVE') {
      throw new UserError(
        `service "${r.service}" in cluster "${r.cluster}" is ${s.status}, not ACTIVE`,
        `services/${r.name}: deploy.service`,
        'recreate the service; a draining or inactive service cannot be deployed to',
      );
    }
    live.set(r.name, s);
  }
  return live;
}

/** The deployment controller a strategy needs. */
export function controllerFor(strategy: Strategy): 'ECS' | 'CODE_DEPLOY' {
  return strategy === 'codedeploy' ? 'CODE_DEPLOY' : 'ECS';
}

/** A strategy that the service's deployment controller cannot run is a configuration error. */
export function checkController(name: string, strategy: Strategy, live: Service): void {
  const controller = live.deploymentController?.type ?? 'ECS';
  const needed = controllerFor(strategy);
  if (controller === needed) return;
  throw new UserError(
    `strategy "${strategy}" needs deployment controller ${needed}, but service "${live.serviceName}" uses ${controller}`,
    `services/${name}: deploy.strategy`,
    controller === 'CODE_DEPLOY'
      ? 'use strategy: codedeploy for this service, or recreate it with the ECS controller'
      : controller === 'EXTERNAL'
        ? 'services with an EXTERNAL controller are deployed by their own tool, not by cendence'
        : 'use strategy rolling, blue-green, canary or linear, or recreate the service with the CODE_DEPLOY controller',
  );
}

/**
 * Whether the service has a stable revision to return to if this deploy fails: a COMPLETED deployment
 * (ECS controller), or a PRIMARY task set (CODE_DEPLOY and EXTERNAL show task sets, never deployments).
 */
export function hasStableRevision(live: Service): boolean {
  if (live.deploymentController?.type === 'CODE_DEPLOY' || live.deploymentController?.type === 'EXTERNAL')
    return (live.taskSets ?? []).some((t) => t.status === 'PRIMARY');
  return (live.deployments ?? []).some((d) => d.rolloutState === 'COMPLETED');
}

/** The deployment already running on a service, if any (a warning: REL-8, one deploy per service). */
export function deploymentInFlight(live: Service): string | undefined {
  const d = (live.deployments ?? []).find((x) => x.status === 'PRIMARY' && x.rolloutState === 'IN_PROGRESS');
  return d?.id;
}
