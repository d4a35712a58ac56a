import { runVerifyingService } from '@transcendence/common';
import { createGameApp } from './app.js';
import { databaseFromEnv } from './database.js';
import { memoryStore, postgresStore } from './store.js';

await runVerifyingService('game', {
  database: databaseFromEnv,
  memory: () => memoryStore(),
  postgres: postgresStore,
  app: (deps) => createGameApp(deps),
});
