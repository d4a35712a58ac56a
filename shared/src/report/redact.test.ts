import { describe, expect, it } from '@jest/globals';
import { redactLine } from './redact.js';

describe('log line redaction', () => {
  it.each([
    ['connecting to postgres://app:s3cr3t-pw@db:5432/app', 'connecting to postgres://app:***@db:5432/app'],
    ['DB_PASSWORD=hunter2 ready', 'DB_PASSWORD=*** ready'],
    ['{"token": "abc.def.ghi", "user": "x"}', '{"token": "***", "user": "x"}'],
    ['Authorization: Bearer eyJhbGciOi.payload.sig', 'Authorization: Bearer ***'],
    ['key AKIAIOSFODNN7EXAMPLE used', 'key *** used'],
  ])('%s', (line, expected) => {
    expect(redactLine(line)).toBe(expected);
  });

  it('leaves ordinary lines alone', () => {
    expect(redactLine('applied migration 0042_add_scores (12 ms)')).toBe(
      'applied migration 0042_add_scores (12 ms)',
    );
  });
});
