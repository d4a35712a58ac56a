// The pre-deploy one-off task (service.yml deploy.preDeployTask): `node dist/migrate.js`.
// Exit code 0 = the schema is current; anything else fails the deploy before the service is updated.
import { createLogger, databaseOrExit } from '@transcendence/common';
import pg from 'pg';
import { databaseFromEnv } from './database.js';
import { migrate } from './migrations.js';

const log = createLogger('auth-migrate');
const config = databaseOrExit(() => databaseFromEnv(process.env), log);
if (!config) {
  log.error('no database: set DATABASE_URL, or PGHOST with PGUSER/PGPASSWORD (task secrets) and PGDATABASE');
  process.exit(2);
}
const client = new pg.Client({ ...config, connectionTimeoutMillis: 10_000 });
try {
  await client.connect();
  const applied = await migrate(client);
  log.info(applied.length ? 'migrations applied' : 'schema already current', { applied });
} catch (error) {
  log.error('migration failed', { error: (error as Error).message });
  process.exitCode = 1;
} finally {
  await client.end().catch(() => {});
}
