// A read model of Cloud Map (AWS Cloud Map private DNS namespaces and services): which DNS name an ECS
// service's `serviceRegistries[].registryArn` stands for. The container runtime gives a registered
// task that name inside its VPC network; whoever seeds the world (world file, Terraform) declares
// the namespaces and services here.
import { hex } from '../ids.js';
import type { World } from '../state.js';

export interface DiscoveryService {
  arn: string;
  id: string;
  name: string;
  namespace: string;
}

export class DiscoveryStore {
  readonly services = new Map<string, DiscoveryService>();

  constructor(private readonly world: World) {}

  /** Declares `name` in the private DNS namespace `namespace`; answers the registry ARN ECS references. */
  declare(name: string, namespace: string, arn?: string): DiscoveryService {
    for (const s of this.services.values()) if (s.name === name && s.namespace === namespace) return s;
    const id = arn ? arn.slice(arn.lastIndexOf('/') + 1) : `srv-${hex(8)}`;
    const svc = { arn: arn ?? this.world.arn('servicediscovery', `service/${id}`), id, name, namespace };
    this.services.set(svc.arn, svc);
    return svc;
  }

  /** The fully qualified name (`auth.transcendence.local`) behind a registry ARN, if declared. */
  dnsName(registryArn: string): string | undefined {
    const s = this.services.get(registryArn);
    return s ? `${s.name}.${s.namespace}` : undefined;
  }

  snapshot(): Record<string, unknown> {
    return Object.fromEntries([...this.services.values()].map((s) => [s.arn, `${s.name}.${s.namespace}`]));
  }
}

export function discoveryOf(world: World): DiscoveryStore {
  return world.slot('servicediscovery', () => new DiscoveryStore(world));
}
