import { createLogger, runService } from '@transcendence/common';
import { createMatchmakingApp } from './app.js';
import { gameServiceClient } from './game-client.js';

const log = createLogger('matchmaking');
const gameUrl = process.env.GAME_URL;
if (!gameUrl) {
  log.error('GAME_URL is not set: set it to the game service URL, e.g. http://game.transcendence.local:3000');
  process.exit(1);
}
await runService(createMatchmakingApp({ log, createGame: gameServiceClient(gameUrl) }), log);
