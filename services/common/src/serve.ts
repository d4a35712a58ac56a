// The start of a service that keeps its state in the shared database and verifies session tokens
// (game, matchmaking): its store from the database settings (memory without any), the token keys from
// that store (or auth's AUTH_URL), then the app on PORT with a graceful SIGTERM.
import { type DatabaseConfig, databaseOrExit, describeDatabase } from './database.js';
import { runService, type Service } from './http.js';
import { createLogger, type Logger } from './log.js';
import { type KeyLookup, type KeyResolver, verifierKeysOrExit } from './tokens.js';

export interface VerifyingServiceOptions<S extends { findKey?: KeyLookup }> {
  database: (env: NodeJS.ProcessEnv) => DatabaseConfig | undefined;
  memory: () => S;
  postgres: (config: DatabaseConfig) => S;
  app: (deps: { log: Logger; store: S; keys: KeyResolver }) => Service;
}

export async function runVerifyingService<S extends { findKey?: KeyLookup }>(
  name: string,
  options: VerifyingServiceOptions<S>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const log = createLogger(name);
  const config = databaseOrExit(() => options.database(env), log);
  const store = config ? options.postgres(config) : options.memory();
  const keys = verifierKeysOrExit(store.findKey, env, log);
  log.info('store selected', describeDatabase(config, env));
  return runService(options.app({ log, store, keys }), log);
}
