// LazyClient: the SDK package is imported on the first call, once, and never just to be destroyed.
import { describe, expect, test } from '@jest/globals';
import { LazyClient } from './clients.js';

function fakeSdk() {
  const sent: unknown[] = [];
  let destroyed = 0;
  class Ping {
    constructor(readonly input: { n: number }) {}
  }
  const sdk = { Ping };
  const client = {
    send: async (c: unknown) => {
      sent.push(c);
      return { ok: true };
    },
    destroy: () => {
      destroyed++;
    },
  };
  return { sdk, client, sent, destroyed: () => destroyed };
}

describe('LazyClient', () => {
  test('loads the package on the first send only, and builds commands from it', async () => {
    const f = fakeSdk();
    let loads = 0;
    const lazy = new LazyClient(
      async () => {
        loads++;
        return f.sdk;
      },
      () => f.client,
    );
    expect(loads).toBe(0);
    // biome-ignore lint/suspicious/noExplicitAny: a stand-in command, not an SDK one
    await lazy.send((sdk) => new sdk.Ping({ n: 1 }) as any);
    // biome-ignore lint/suspicious/noExplicitAny: a stand-in command, not an SDK one
    await lazy.send((sdk) => new sdk.Ping({ n: 2 }) as any);
    expect(loads).toBe(1);
    expect(f.sent.map((c) => (c as { input: { n: number } }).input.n)).toEqual([1, 2]);
    lazy.destroy();
    await new Promise((r) => setImmediate(r));
    expect(f.destroyed()).toBe(1);
  });

  test('destroy before any call loads nothing', async () => {
    let loads = 0;
    const lazy = new LazyClient(
      async () => {
        loads++;
        return {};
      },
      () => fakeSdk().client,
    );
    lazy.destroy();
    await new Promise((r) => setImmediate(r));
    expect(loads).toBe(0);
  });
});
