import { describe, expect, it } from '@jest/globals';
import { redactLine, redactLines } from './redact.js';

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

describe('redaction of the shapes a log tail leaks (issue 16 item 11)', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhcGkiLCJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlLXZhbHVlLWhlcmU';
  it.each([
    ['Authorization: Basic YWRtaW46aHVudGVyMg==', 'YWRtaW46aHVudGVyMg=='],
    ['using token ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc ready', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'],
    [`session ${jwt}`, jwt],
    ['-----BEGIN RSA PRIVATE KEY-----MIIEowIBAAKCAQEA7x', 'MIIEowIBAAKCAQEA7x'],
    ['psql --password s3cretPw --host db', 's3cretPw'],
    ['cache at redis://:r3disPass@cache:6379', 'r3disPass'],
    ['cookie=sessionid=abc123def456; csrftoken=zzz', 'sessionid=abc123def456'],
    [
      'aws_secret_access_key wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY',
      'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY',
    ],
    ['hook https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX', 'T000/B000/XXXXXXXXXXXX'],
  ])('%s', (line, secret) => {
    const out = redactLine(line);
    expect(out).not.toContain(secret);
    expect(out).toContain('***');
  });

  it('redacts the body of a PEM private key spread over lines, and what follows it stays', () => {
    const lines = [
      'loaded key:',
      '-----BEGIN PRIVATE KEY-----',
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7',
      'VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDu',
      '-----END PRIVATE KEY-----',
      'listening on 8080',
    ];
    const out = redactLines(lines);
    expect(out.join('\n')).not.toMatch(/MIIEvQ|VJTUt9/);
    expect(out[0]).toBe('loaded key:');
    expect(out[5]).toBe('listening on 8080');
  });
});
