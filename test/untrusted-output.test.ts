// A crashing container's own log lines, printed in a deploy's diagnosis, cannot forge workflow commands,
// end the summary's code block or move the terminal cursor (issue 16 item 10), end to end: the real
// deploy step against the emulator, its log and the diagnosis it saves.
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from '@jest/globals';
import type { DeployResult } from '../shared/src/steps/deploy.js';
import { makeDeployStep } from '../shared/src/steps/deploy.js';
import { type DeployWorld, deployWorld, imagesInput, rollingService } from './deploy-harness.js';
import { runStep } from './render-world.js';

describe('container output in a deploy diagnosis', () => {
  let w: DeployWorld | undefined;
  afterAll(async () => w?.stop());

  it('is printed defused and fenced', async () => {
    w = await deployWorld([rollingService('api')]);
    w.emu.behavior({
      image: '*api:evil',
      behavior: 'crash',
      exitCode: 1,
      logLines: [
        '::error title=Deploy OK::everything is fine',
        '::add-mask::nothing',
        '```',
        '## Deploy succeeded',
        '\x1b[0Ksection_start:1700000000:fake\r\x1b[0Kfake section',
        'progress\r\x1b[2Kall green',
      ],
    });
    const run = await runStep(
      makeDeployStep(w.time),
      { ...w.awsInputs, images: imagesInput(w.emu, { api: 'evil' }) },
      { cwd: w.root },
    );
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain('everything is fine');
    for (const line of run.log.split('\n')) {
      expect(line).not.toMatch(/^\s*::/);
      expect(line).not.toContain('\x1b');
      expect(line).not.toContain('\r');
    }
    const files = (run.error?.details as DeployResult | undefined)?.services[0]?.diagnosisFiles ?? [];
    const md = await readFile(files.find((f) => f.endsWith('.md')) ?? '', 'utf8');
    // The block holding the lines opens with a fence longer than the ``` inside, so it is not closed early.
    const block = /\n(`{4,})\n([\s\S]*?)\n\1\n/.exec(md);
    expect(block?.[2]).toContain('```\n## Deploy succeeded');
  });
});
