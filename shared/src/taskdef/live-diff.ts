// diff against what runs: the live service (DescribeServices) and its task definition
// (DescribeTaskDefinition), compared semantically with the rendered one. Read-only calls only.
import {
  ClusterNotFoundException,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import type { AwsClients } from '../aws/clients.js';
import type { ServiceManifest } from '../manifest/schema.js';
import { type Change, diffValues } from './diff.js';
import { normalizeTaskDefinition } from './normalize.js';
import { ecsNames, type RenderedTaskDefinition } from './render.js';

export interface ServiceDiff {
  /** The manifest's service name. */
  service: string;
  cluster: string;
  ecsService: string;
  /** False when the service does not exist yet (a first deploy creates nothing here: deploy needs it). */
  exists: boolean;
  /** The live task definition ARN, when there is one. */
  liveTaskDefinition?: string;
  /** Paths start with `taskDefinition.` or `service.`. */
  changes: Change[];
}

export interface DiffItem {
  manifest: ServiceManifest;
  rendered: RenderedTaskDefinition;
}

export async function diffAgainstLive(aws: AwsClients, items: DiffItem[]): Promise<ServiceDiff[]> {
  const live = await describeServices(aws, items);
  return Promise.all(
    items.map(async ({ manifest, rendered }) => {
      const { cluster, service } = ecsNames(manifest);
      const s = live.get(`${cluster}/${service}`);
      const base = { service: manifest.name, cluster, ecsService: service };
      if (!s) {
        return {
          ...base,
          exists: false,
          changes: [
            { path: 'service', kind: 'added' as const, after: `${cluster}/${service} (does not exist yet)` },
          ],
        };
      }
      const changes: Change[] = [];
      if (s.taskDefinition) {
        const out = await aws.ecs.send(
          new DescribeTaskDefinitionCommand({ taskDefinition: s.taskDefinition, include: ['TAGS'] }),
        );
        const before = normalizeTaskDefinition({ taskDefinition: out.taskDefinition, tags: out.tags ?? [] });
        const after = normalizeTaskDefinition(rendered.taskDefinition as unknown as Record<string, unknown>);
        changes.push(...diffValues(before, after, 'taskDefinition'));
      }
      changes.push(...serviceChanges(s, manifest));
      return { ...base, exists: true, liveTaskDefinition: s.taskDefinition, changes };
    }),
  );
}

/** What the manifest would change on the service itself: desired count and network. */
function serviceChanges(s: Service, manifest: ServiceManifest): Change[] {
  const deploy = manifest.deploy!;
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  if (deploy.desiredCount !== undefined) {
    before.desiredCount = s.desiredCount;
    after.desiredCount = deploy.desiredCount;
  }
  if (deploy.network) {
    const vpc = s.networkConfiguration?.awsvpcConfiguration;
    before.network = {
      subnets: [...(vpc?.subnets ?? [])].sort(),
      securityGroups: [...(vpc?.securityGroups ?? [])].sort(),
      assignPublicIp: vpc?.assignPublicIp === 'ENABLED',
    };
    after.network = {
      subnets: [...deploy.network.subnets].sort(),
      securityGroups: [...deploy.network.securityGroups].sort(),
      assignPublicIp: deploy.network.assignPublicIp,
    };
  }
  return diffValues(before, after, 'service');
}

async function describeServices(aws: AwsClients, items: DiffItem[]): Promise<Map<string, Service>> {
  const byCluster = new Map<string, string[]>();
  for (const { manifest } of items) {
    const { cluster, service } = ecsNames(manifest);
    byCluster.set(cluster, [...new Set([...(byCluster.get(cluster) ?? []), service])]);
  }
  const found = new Map<string, Service>();
  for (const [cluster, services] of byCluster) {
    for (let i = 0; i < services.length; i += 10) {
      try {
        const out = await aws.ecs.send(
          new DescribeServicesCommand({ cluster, services: services.slice(i, i + 10) }),
        );
        for (const s of out.services ?? [])
          if (s.status === 'ACTIVE') found.set(`${cluster}/${s.serviceName}`, s);
      } catch (err) {
        // A missing cluster means nothing is live there yet; verify is the step that insists on it.
        if (!(err instanceof ClusterNotFoundException)) throw err;
      }
    }
  }
  return found;
}
