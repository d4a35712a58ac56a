import { createLogger, runService } from '@transcendence/common';
import { createFrontendApp } from './app.js';
import { upstreamsFromEnv } from './proxy.js';

const log = createLogger('frontend');
const upstreams = upstreamsFromEnv(process.env);
log.info('upstreams', upstreams);
await runService(createFrontendApp({ log, upstreams }), log);
