// The reliability catalogue (proof/catalogue.ts) as tests: each fault ends with the honest outcome,
// each bad input with exit 2, a message naming the field and zero mutating calls, and no log leaks.
import { describe, expect, it } from '@jest/globals';
import { CATALOGUE } from '../proof/catalogue.js';
import { leaks } from '../proof/scan.js';

describe('reliability catalogue', () => {
  it('has at least 9 faults and 60 bad inputs, each with its own id', () => {
    expect(CATALOGUE.filter((c) => c.group === 'fault').length).toBeGreaterThanOrEqual(9);
    expect(CATALOGUE.filter((c) => c.group === 'bad-input').length).toBeGreaterThanOrEqual(60);
    expect(new Set(CATALOGUE.map((c) => c.id)).size).toBe(CATALOGUE.length);
  });

  it.each(CATALOGUE.map((c) => [`${c.id} ${c.title}`, c] as const))('%s', async (_title, c) => {
    const o = await c.run();
    expect({ exitCode: o.exitCode, message: o.message }).toEqual({
      exitCode: c.expected.exitCode,
      message: expect.stringMatching(c.expected.message),
    });
    if (c.expected.outcome) expect(o.outcome).toBe(c.expected.outcome);
    if (c.group === 'bad-input') expect(o.mutatingCalls).toBe(0);
    expect(leaks(o.log)).toEqual([]);
  });
});

describe('leak scan', () => {
  it('finds secret-shaped strings and ignores ordinary text', () => {
    expect(leaks('aws_secret=abcdefghijABCDEFGHIJ0123456789/+abcdefgh')).toContain('AWS secret access key');
    expect(leaks('deployment ecs-svc/123 completed')).toEqual([]);
  });
});
