import { createLogger, databaseOrExit, describeDatabase, runService } from '@transcendence/common';
import { createAuthApp } from './app.js';
import { databaseFromEnv } from './database.js';
import { memoryStore, postgresStore } from './store.js';

const log = createLogger('auth');
const config = databaseOrExit(() => databaseFromEnv(process.env), log);
const store = config ? postgresStore(config) : memoryStore();
log.info('store selected', describeDatabase(config, process.env));
await runService(createAuthApp({ log, store }), log);
