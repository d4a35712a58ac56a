import { createLogger, runService } from '@transcendence/common';
import { createAuthApp } from './app.js';
import { memoryStore, postgresConfig, postgresStore } from './store.js';

const log = createLogger('auth');
const config = postgresConfig(process.env);
const store = config ? postgresStore(config) : memoryStore();
log.info('store selected', { store: config ? 'postgresql' : 'memory' });
await runService(createAuthApp({ log, store }), log);
