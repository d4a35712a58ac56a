import { createLogger, runService } from '@transcendence/common';
import { createAiApp } from './app.js';

const log = createLogger('ai');
await runService(createAiApp({ log }), log);
