// RDS DB instances as the runtime needs them: an endpoint (address and port) and the master user's
// credentials in an RDS-managed Secrets Manager secret (`rds!db-…`, {"username","password"}), which
// task definitions reference in `secrets[].valueFrom`. With real containers the instance is served by
// a real PostgreSQL (postgres.ts).
import { randomBytes, randomUUID } from 'node:crypto';
import { secretsOf } from '../runtime/secrets.js';
import type { World } from '../state.js';

export interface DbInstanceSpec {
  identifier: string;
  /** The initial database (db_name). */
  dbName?: string;
  username?: string;
  port?: number;
  /** The password; default a random one (RDS generates it with manage_master_user_password). */
  password?: string;
  /** The endpoint address, when the world names it (default `<identifier>.c0emulator.<region>.rds.amazonaws.com`). */
  address?: string;
  /** The managed secret's ARN, when the world names it (default a new `rds!db-…` secret). */
  secretArn?: string;
}

export interface DbInstance {
  identifier: string;
  arn: string;
  dbName: string;
  username: string;
  password: string;
  address: string;
  port: number;
  secretArn: string;
}

export class RdsState {
  readonly instances = new Map<string, DbInstance>();

  constructor(private readonly world: World) {}

  create(spec: DbInstanceSpec): DbInstance {
    const existing = this.instances.get(spec.identifier);
    if (existing) return existing;
    const username = spec.username ?? 'postgres';
    const password = spec.password ?? randomBytes(18).toString('base64url');
    const secrets = secretsOf(this.world);
    const value = { username, password };
    const secretArn = spec.secretArn
      ? secrets.putSecretAt(spec.secretArn, value)
      : secrets.putSecret(`rds!db-${randomUUID()}`, value);
    const db: DbInstance = {
      identifier: spec.identifier,
      arn: this.world.arn('rds', `db:${spec.identifier}`),
      dbName: spec.dbName ?? 'postgres',
      username,
      password,
      address: spec.address ?? `${spec.identifier}.c0emulator.${this.world.region}.rds.amazonaws.com`,
      port: spec.port ?? 5432,
      secretArn,
    };
    this.instances.set(db.identifier, db);
    return db;
  }

  snapshot(): Record<string, unknown> {
    return Object.fromEntries(
      [...this.instances.values()].map((d) => [
        d.identifier,
        { endpoint: `${d.address}:${d.port}`, secret: d.secretArn },
      ]),
    );
  }
}

export function rdsOf(world: World): RdsState {
  return world.slot('rds', () => new RdsState(world));
}
