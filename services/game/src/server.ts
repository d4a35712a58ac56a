import { createLogger, runService } from '@transcendence/common';
import { createGameApp } from './app.js';

const log = createLogger('game');
await runService(createGameApp({ log }), log);
