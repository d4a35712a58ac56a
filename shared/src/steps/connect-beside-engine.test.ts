// build and push log in to ECR while the engine is checked: the login's request leaves before the check
// ends, a failed check still wins (with nothing mutated), and a check that passes hands back the login.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Emulator, startEmulator } from '../../../emulator/src/index.js';
import { UserError } from '../errors.js';
import type { ImageEngine } from '../image/engine.js';
import { TerminalRunner } from '../runner/terminal.js';
import { connectBesideEngine } from './connect-beside-engine.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.stop());

const ctx = () => ({
  runner: new TerminalRunner({ stream: new PassThrough() }),
  env: { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' },
  signal: new AbortController().signal,
});

/** An engine whose check settles when the test says so, recording how many calls AWS had seen by then. */
function engine() {
  let settle: (err?: Error) => void = () => {};
  const seenAtCheck: number[] = [];
  const check = () =>
    new Promise<void>((resolve, reject) => {
      settle = (err) => {
        seenAtCheck.push(emu.calls().length);
        if (err) reject(err);
        else resolve();
      };
    });
  return {
    engine: { name: 'docker', check } as unknown as ImageEngine,
    settle: (e?: Error) => settle(e),
    seenAtCheck,
  };
}

/** Resolves once the emulator has received `n` more calls than `from`. */
async function callsReach(from: number, n: number) {
  while (emu.calls().length < from + n) await new Promise((r) => setTimeout(r, 5));
}

describe('connectBesideEngine', () => {
  it('sends the ECR login while the engine check is still running, and returns it once the check passes', async () => {
    const mark = emu.calls().length;
    const e = engine();
    const connecting = connectBesideEngine(e.engine, { region: 'us-east-1', endpoint: emu.url }, ctx(), true);
    await callsReach(mark, 1);
    e.settle();
    const { aws, login } = await connecting;
    aws.destroy();
    expect(e.seenAtCheck[0]).toBeGreaterThan(mark);
    expect(emu.calls({ since: mark }).map((c) => c.operation)).toEqual(['GetAuthorizationToken']);
    expect(login?.registry).toBe(emu.host);
  });

  it('a failed engine check wins over a login that succeeded, with no mutating call', async () => {
    const mark = emu.calls().length;
    const e = engine();
    const connecting = connectBesideEngine(e.engine, { region: 'us-east-1', endpoint: emu.url }, ctx(), true);
    await callsReach(mark, 1);
    e.settle(new UserError('docker is not running: no socket', 'engine'));
    await expect(connecting).rejects.toThrow(/^docker is not running/);
    expect(emu.calls({ since: mark, mutates: true })).toEqual([]);
  });

  it('a failed engine check wins over a login that failed too', async () => {
    const e = engine();
    // Nothing listens on port 9: the login fails on its own, the check's error is the one reported.
    const connecting = connectBesideEngine(
      e.engine,
      { region: 'us-east-1', endpoint: 'http://127.0.0.1:9' },
      { ...ctx(), env: { ...ctx().env, AWS_MAX_ATTEMPTS: '1' } },
      true,
    );
    setTimeout(() => e.settle(new UserError('docker is not running: no socket', 'engine')), 50);
    await expect(connecting).rejects.toThrow(/^docker is not running/);
  });

  it('without an engine to check it only connects', async () => {
    const { aws, login } = await connectBesideEngine(
      undefined,
      { region: 'us-east-1', endpoint: emu.url },
      ctx(),
      false,
    );
    aws.destroy();
    expect(login).toBeUndefined();
  });
});
