import {
  createLogger,
  databaseOrExit,
  describeDatabase,
  runService,
  verifierKeysOrExit,
} from '@transcendence/common';
import { createGameApp } from './app.js';
import { databaseFromEnv } from './database.js';
import { memoryStore, postgresStore } from './store.js';

const log = createLogger('game');
const config = databaseOrExit(() => databaseFromEnv(process.env), log);
const store = config ? postgresStore(config) : memoryStore();
const keys = verifierKeysOrExit(store.findKey, process.env, log);
log.info('store selected', describeDatabase(config, process.env));
await runService(createGameApp({ log, store, keys }), log);
