// One Docker bridge network per VPC, and its DNS server on the network's gateway address: Cloud Map
// names (and RDS endpoints) resolve inside containers from the emulator's live state. Security groups
// are advisory: every container of a VPC can reach every other one, as with an allow-all group.
import type dgram from 'node:dgram';
import type { Task } from '../ecs/model.js';
import { type Lookup, startDns } from './dns.js';
import type { Engine } from './engine.js';

export interface VpcNetwork {
  vpc: string;
  name: string;
  id: string;
  /** The bridge's address on the host: reachable from containers, and where host services listen. */
  gateway: string;
  subnet: string;
  /** Our DNS server (the gateway address) when it could bind port 53, else undefined. */
  dns?: string;
}

export interface VpcNetworksOptions {
  engine: Engine;
  instance: string;
  labels: Record<string, string>;
  lookup: Lookup;
  /** The VPC of a subnet; default: one VPC for every subnet. */
  vpcOf?: (subnet: string) => string;
  /** Host names every container resolves to its network's gateway (RDS endpoints served on the host). */
  hostNames?: () => string[];
}

export const DEFAULT_VPC = 'vpc-0emulator';

export class VpcNetworks {
  private readonly nets = new Map<string, Promise<VpcNetwork>>();
  private readonly sockets: dgram.Socket[] = [];
  /** Why the DNS server could not start (reported once), if it could not. */
  dnsProblem?: string;

  constructor(private readonly opts: VpcNetworksOptions) {}

  forTask(task: Task): Promise<VpcNetwork> {
    const vpc = this.opts.vpcOf?.(task.subnet) ?? DEFAULT_VPC;
    return this.forVpc(vpc);
  }

  forVpc(vpc: string): Promise<VpcNetwork> {
    let p = this.nets.get(vpc);
    if (!p) {
      p = this.create(vpc);
      this.nets.set(vpc, p);
      p.catch(() => this.nets.delete(vpc));
    }
    return p;
  }

  extraHosts(net: VpcNetwork): string[] {
    return (this.opts.hostNames?.() ?? []).map((h) => `${h}:${net.gateway}`);
  }

  private async create(vpc: string): Promise<VpcNetwork> {
    const engine = this.opts.engine;
    const name = `cendence-${this.opts.instance}-${vpc}`;
    const { Id } = await engine.call<{ Id: string }>('POST', '/networks/create', {
      Name: name,
      Driver: 'bridge',
      CheckDuplicate: true,
      Attachable: true,
      Labels: { ...this.opts.labels, 'cendence.vpc': vpc },
    });
    const info = await engine.call<{ IPAM: { Config: { Subnet: string; Gateway: string }[] } }>(
      'GET',
      `/networks/${Id}`,
    );
    const cfg = info.IPAM.Config[0];
    const net: VpcNetwork = { vpc, name, id: Id, gateway: cfg.Gateway, subnet: cfg.Subnet };
    try {
      this.sockets.push(await startDns(cfg.Gateway, this.opts.lookup));
      net.dns = cfg.Gateway;
    } catch (err) {
      this.dnsProblem = `Cloud Map names do not resolve in containers: the DNS server could not listen on ${cfg.Gateway}:53 (${(err as Error).message})`;
    }
    return net;
  }

  async list(): Promise<VpcNetwork[]> {
    return Promise.all([...this.nets.values()]);
  }

  close(): void {
    for (const s of this.sockets.splice(0)) s.close();
  }
}
