import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startEmulator, worldFromManifests } from '../../emulator/src/index.ts';
import { rollingService } from '../../test/deploy-harness.ts';
import { makeRepo } from '../../test/render-world.ts';

const repo = await makeRepo([rollingService('api')]);
const emu = await startEmulator({ clock: 'real', speed: 10, world: worldFromManifests(repo) });
const env: any = {
  PATH: process.env.PATH,
  GITHUB_OUTPUT: '/tmp/bw/out',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'b',
  AWS_SECRET_ACCESS_KEY: 'b',
  INPUT_ENDPOINT: emu.url,
  INPUT_ROOT: repo,
  INPUT_IMAGES: JSON.stringify({ api: `${emu.host}/api:v2` }),
  INPUT_VERIFY: 'false',
  'INPUT_OUTPUT-DIR': join(repo, '.cendence'),
};
const { spawn } = await import('node:child_process');
const c = spawn(process.execPath, ['/work/main/actions/deploy/dist/index.js'], {
  cwd: repo,
  env,
  stdio: 'inherit',
});
await new Promise((r) => c.on('exit', r));
await emu.stop();
