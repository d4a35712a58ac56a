import {
  createLogger,
  databaseOrExit,
  describeDatabase,
  runService,
  verifierKeysOrExit,
} from '@transcendence/common';
import { createMatchmakingApp } from './app.js';
import { databaseFromEnv } from './database.js';
import { memoryQueue, postgresQueue } from './queue.js';

const log = createLogger('matchmaking');
const config = databaseOrExit(() => databaseFromEnv(process.env), log);
const queue = config ? postgresQueue(config) : memoryQueue();
const keys = verifierKeysOrExit(queue.findKey, process.env, log);
log.info('store selected', describeDatabase(config, process.env));
await runService(createMatchmakingApp({ log, queue, keys }), log);
