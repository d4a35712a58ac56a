import { it } from '@jest/globals';
import { makeDeployStep } from '../shared/src/steps/deploy.js';
import { deployWorld, imagesInput, rollingService } from './deploy-harness.js';
import { runStep } from './render-world.js';
it('prints', async () => {
  const w = await deployWorld([rollingService('api')]);
  w.emu.behavior({ image: '*api:sick', behavior: 'unhealthy' });
  const run = await runStep(makeDeployStep(w.time), { ...w.awsInputs, images: imagesInput(w.emu, { api: 'sick' }) }, { cwd: w.root });
  console.log(run.log, run.error?.message);
  await w.stop();
});
