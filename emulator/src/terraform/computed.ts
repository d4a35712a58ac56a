// The attributes AWS computes when Terraform creates a resource (ids, ARNs, URLs, endpoints), in the
// formats AWS uses, for the resource types terraform/ declares. Random parts of ids are derived from the
// resource address (stable across runs). A type missing here still gets an `id` (and an `arn` when it
// names one) so references to it evaluate; the world lists such types as not modelled.
import type { Json } from './hcl.js';

export interface Env {
  region: string;
  accountId: string;
  partition: string;
}

type Getters = Record<string, () => Json>;

import { createHash } from 'node:crypto';

const hex = (address: string, n: number, salt = ''): string =>
  createHash('sha256').update(`${address}${salt}`).digest('hex').slice(0, n);
const alnum = (address: string, n: number): string =>
  [...createHash('sha256').update(address).digest()]
    .slice(0, n)
    .map((b) => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36])
    .join('');
const uuid = (address: string): string => {
  const h = hex(address, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** The name of an ECS cluster given as a name or an ARN. */
const lastPart = (v: string): string => String(v).split('/').pop() as string;

export function computedAttributes(type: string, a: Json, env: Env, address: string): Getters {
  const { region: r, accountId: acct, partition: p } = env;
  const arn = (svc: string, res: string, region = r) => `arn:${p}:${svc}:${region}:${acct}:${res}`;
  const elb = (res: string) => arn('elasticloadbalancing', res);
  switch (type) {
    case 'aws_vpc':
      return { id: () => `vpc-${hex(address, 17)}`, arn: () => arn('ec2', `vpc/vpc-${hex(address, 17)}`) };
    case 'aws_subnet':
      return {
        id: () => `subnet-${hex(address, 17)}`,
        arn: () => arn('ec2', `subnet/subnet-${hex(address, 17)}`),
      };
    case 'aws_security_group':
    case 'aws_default_security_group':
      return {
        id: () => `sg-${hex(address, 17)}`,
        arn: () => arn('ec2', `security-group/sg-${hex(address, 17)}`),
      };
    case 'aws_internet_gateway':
      return { id: () => `igw-${hex(address, 17)}` };
    case 'aws_route_table':
      return { id: () => `rtb-${hex(address, 17)}` };
    case 'aws_nat_gateway':
      return { id: () => `nat-${hex(address, 17)}` };
    case 'aws_eip':
      return { id: () => `eipalloc-${hex(address, 17)}` };
    case 'aws_vpc_endpoint':
      return { id: () => `vpce-${hex(address, 17)}` };
    case 'aws_ecs_cluster':
      return { id: () => arn('ecs', `cluster/${a.name}`), arn: () => arn('ecs', `cluster/${a.name}`) };
    case 'aws_ecs_service': {
      const svcArn = () => arn('ecs', `service/${lastPart(a.cluster ?? 'default')}/${a.name}`);
      return { id: svcArn, arn: svcArn };
    }
    case 'aws_ecs_task_definition':
      return {
        arn: () => arn('ecs', `task-definition/${a.family}:1`),
        arn_without_revision: () => arn('ecs', `task-definition/${a.family}`),
        id: () => a.family,
        revision: () => 1,
      };
    case 'aws_ecr_repository':
      return {
        id: () => a.name,
        arn: () => arn('ecr', `repository/${a.name}`),
        registry_id: () => acct,
        repository_url: () => `${acct}.dkr.ecr.${r}.amazonaws.com/${a.name}`,
      };
    case 'aws_iam_role':
      return {
        id: () => a.name,
        arn: () => `arn:${p}:iam::${acct}:role${a.path ?? '/'}${a.name}`,
        unique_id: () => `AROA${hex(address, 17).toUpperCase()}`,
      };
    case 'aws_iam_policy':
      return {
        id: () => `arn:${p}:iam::${acct}:policy/${a.name}`,
        arn: () => `arn:${p}:iam::${acct}:policy/${a.name}`,
      };
    case 'aws_iam_openid_connect_provider':
      return { arn: () => oidcProviderArn(env, a.url), id: () => oidcProviderArn(env, a.url) };
    case 'aws_cloudwatch_log_group':
      return { id: () => a.name, arn: () => arn('logs', `log-group:${a.name}`) };
    case 'aws_lb': {
      const id = hex(address, 16);
      const kind = a.load_balancer_type === 'network' ? 'net' : 'app';
      return {
        arn: () => elb(`loadbalancer/${kind}/${a.name}/${id}`),
        id: () => elb(`loadbalancer/${kind}/${a.name}/${id}`),
        arn_suffix: () => `${kind}/${a.name}/${id}`,
        dns_name: () => `${a.name}-${parseInt(hex(address, 8), 16)}.${r}.elb.amazonaws.com`,
        zone_id: () => 'Z3Q77PNBQS71R4',
      };
    }
    case 'aws_lb_listener': {
      const listenerArn = () =>
        `${String(a.load_balancer_arn).replace(':loadbalancer/', ':listener/')}/${hex(address, 16)}`;
      return { arn: listenerArn, id: listenerArn };
    }
    case 'aws_lb_listener_rule': {
      const ruleArn = () =>
        `${String(a.listener_arn).replace(':listener/', ':listener-rule/')}/${hex(address, 16)}`;
      return { arn: ruleArn, id: ruleArn };
    }
    case 'aws_lb_target_group': {
      const tgArn = () => elb(`targetgroup/${a.name}/${hex(address, 16)}`);
      return { arn: tgArn, id: tgArn, arn_suffix: () => `targetgroup/${a.name}/${hex(address, 16)}` };
    }
    case 'aws_service_discovery_private_dns_namespace': {
      const id = `ns-${alnum(address, 16)}`;
      return {
        id: () => id,
        arn: () => arn('servicediscovery', `namespace/${id}`),
        hosted_zone: () => `Z${hex(address, 20).toUpperCase()}`,
      };
    }
    case 'aws_service_discovery_service': {
      const id = `srv-${alnum(address, 16)}`;
      return { id: () => id, arn: () => arn('servicediscovery', `service/${id}`) };
    }
    case 'aws_db_instance': {
      const address_ = () => `${a.identifier}.${alnum(address, 12)}.${r}.rds.amazonaws.com`;
      const port = () => a.port ?? (a.engine === 'postgres' ? 5432 : 3306);
      return {
        id: () => `db-${hex(address, 26).toUpperCase()}`,
        arn: () => arn('rds', `db:${a.identifier}`),
        address: address_,
        port,
        endpoint: () => `${address_()}:${port()}`,
        master_user_secret: () =>
          a.manage_master_user_password
            ? [
                {
                  secret_arn: arn(
                    'secretsmanager',
                    `secret:rds!db-${uuid(address)}-${alnum(`${address}#s`, 6)}`,
                  ),
                  secret_status: 'active',
                  kms_key_id: a.master_user_secret_kms_key_id ?? null,
                },
              ]
            : [],
      };
    }
    case 'aws_db_subnet_group':
    case 'aws_db_parameter_group':
      return {
        id: () => a.name,
        arn: () => arn('rds', `${type === 'aws_db_subnet_group' ? 'subgrp' : 'pg'}:${a.name}`),
      };
    case 'aws_kms_key':
      return {
        key_id: () => uuid(address),
        id: () => uuid(address),
        arn: () => arn('kms', `key/${uuid(address)}`),
      };
    case 'aws_kms_alias':
      return { id: () => a.name, arn: () => arn('kms', String(a.name)) };
    case 'aws_sns_topic':
      return { id: () => arn('sns', a.name), arn: () => arn('sns', a.name) };
    case 'aws_cloudwatch_metric_alarm':
      return { id: () => a.alarm_name, arn: () => arn('cloudwatch', `alarm:${a.alarm_name}`) };
    case 'aws_s3_bucket':
      return {
        id: () => a.bucket,
        arn: () => `arn:${p}:s3:::${a.bucket}`,
        bucket_regional_domain_name: () => `${a.bucket}.s3.${r}.amazonaws.com`,
      };
    default:
      return { id: () => `${type.replace(/^aws_/, '')}-${hex(address, 17)}` };
  }
}

export function oidcProviderArn(env: Env, url: string): string {
  return `arn:${env.partition}:iam::${env.accountId}:oidc-provider/${String(url).replace(/^https:\/\//, '')}`;
}

/** Data sources: what AWS would answer for the emulator's account and region. */
export const DATA_SOURCES: Record<string, (a: Json, env: Env, address: string) => Getters> = {
  aws_caller_identity: (_a, env) => ({
    account_id: () => env.accountId,
    arn: () => `arn:${env.partition}:iam::${env.accountId}:user/terraform`,
    user_id: () => 'AIDAEMULATORTERRAFORM',
    id: () => env.accountId,
  }),
  aws_partition: (_a, env) => ({
    partition: () => env.partition,
    dns_suffix: () => 'amazonaws.com',
    id: () => env.partition,
  }),
  aws_region: (_a, env) => ({ region: () => env.region, name: () => env.region, id: () => env.region }),
  aws_availability_zones: (_a, env) => ({
    names: () => ['a', 'b', 'c'].map((z) => `${env.region}${z}`),
    zone_ids: () => [1, 2, 3].map((n) => `${env.region.replace(/-/g, '').slice(0, 4)}-az${n}`),
    id: () => env.region,
  }),
  aws_iam_openid_connect_provider: (a, env) => ({
    arn: () => oidcProviderArn(env, a.url),
    id: () => oidcProviderArn(env, a.url),
  }),
  aws_elb_service_account: (_a, env) => ({
    arn: () => `arn:${env.partition}:iam::009996457667:root`,
    id: () => '009996457667',
  }),
  aws_iam_policy_document: () => ({ id: () => 'policy-document' }),
};
