// Clusters: create, describe (unknown → failures MISSING), list, delete.
import { worldOf } from '../context.js';
import { lastSegment } from '../ids.js';
import type { HandlerContext, ServiceHandlers } from '../types.js';
import { AwsError } from '../types.js';
import type { Cluster, Json, Tag } from './model.js';
import type { EcsState } from './state.js';

const ecsOf = (ctx: HandlerContext): EcsState => worldOf(ctx).ecs;

export function createCluster(ecs: EcsState, name = 'default', tags: Tag[] = []): Cluster {
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(name)) {
    throw new AwsError(
      'InvalidParameterException',
      'Cluster name can only contain letters, numbers, hyphens and underscores (up to 255).',
    );
  }
  const arn = ecs.arn(`cluster/${name}`);
  const existing = ecs.clusters.get(arn);
  if (existing && existing.status === 'ACTIVE') return existing;
  const c: Cluster = {
    clusterArn: arn,
    clusterName: name,
    status: 'ACTIVE',
    tags,
    settings: [{ name: 'containerInsights', value: 'disabled' }],
    capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
  };
  ecs.clusters.set(arn, c);
  return c;
}

export function clusterOut(ecs: EcsState, c: Cluster, includeTags = false): Json {
  let running = 0;
  let pending = 0;
  for (const t of ecs.live) {
    if (t.clusterArn !== c.clusterArn) continue;
    if (t.lastStatus === 'RUNNING') running++;
    else if (t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING') pending++;
  }
  let services = 0;
  for (const s of ecs.services.values())
    if (s.clusterArn === c.clusterArn && s.status === 'ACTIVE') services++;
  return {
    clusterArn: c.clusterArn,
    clusterName: c.clusterName,
    status: c.status,
    registeredContainerInstancesCount: 0,
    runningTasksCount: running,
    pendingTasksCount: pending,
    activeServicesCount: services,
    statistics: [],
    tags: includeTags ? c.tags : [],
    settings: c.settings,
    capacityProviders: c.capacityProviders,
    defaultCapacityProviderStrategy: c.defaultCapacityProviderStrategy ?? [],
  };
}

export const clusterHandlers: ServiceHandlers = {
  CreateCluster(input, ctx) {
    const ecs = ecsOf(ctx);
    return {
      cluster: clusterOut(ecs, createCluster(ecs, input.clusterName ?? 'default', input.tags ?? []), true),
    };
  },

  DescribeClusters(input, ctx) {
    const ecs = ecsOf(ctx);
    const refs: string[] =
      Array.isArray(input.clusters) && input.clusters.length ? input.clusters : ['default'];
    const withTags = Array.isArray(input.include) && input.include.includes('TAGS');
    const clusters: Json[] = [];
    const failures: Json[] = [];
    for (const ref of refs) {
      const c = ecs.findCluster(ref);
      if (c) clusters.push(clusterOut(ecs, c, withTags));
      else
        failures.push({
          arn: ref.startsWith('arn:') ? ref : ecs.arn(`cluster/${lastSegment(ref)}`),
          reason: 'MISSING',
        });
    }
    return { clusters, failures };
  },

  ListClusters(_input, ctx) {
    const ecs = ecsOf(ctx);
    return {
      clusterArns: [...ecs.clusters.values()].filter((c) => c.status === 'ACTIVE').map((c) => c.clusterArn),
    };
  },

  DeleteCluster(input, ctx) {
    const ecs = ecsOf(ctx);
    const c = ecs.cluster(input.cluster);
    for (const s of ecs.services.values()) {
      if (s.clusterArn === c.clusterArn && s.status !== 'INACTIVE') {
        throw new AwsError(
          'ClusterContainsServicesException',
          'The Cluster cannot be deleted while Services are active.',
        );
      }
    }
    for (const t of ecs.live) {
      if (t.clusterArn === c.clusterArn)
        throw new AwsError(
          'ClusterContainsTasksException',
          'The Cluster cannot be deleted while Tasks are active.',
        );
    }
    c.status = 'INACTIVE';
    return { cluster: clusterOut(ecs, c) };
  },
};
