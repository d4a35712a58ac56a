import { runVerifyingService } from '@transcendence/common';
import { createMatchmakingApp } from './app.js';
import { databaseFromEnv } from './database.js';
import { memoryQueue, postgresQueue } from './queue.js';

await runVerifyingService('matchmaking', {
  database: databaseFromEnv,
  memory: memoryQueue,
  postgres: postgresQueue,
  app: ({ log, store, keys }) => createMatchmakingApp({ log, queue: store, keys }),
});
