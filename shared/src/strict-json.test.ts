// Strict JSON for files and inputs (issue 16 items 8 and 11): duplicate keys refused, errors name the
// place, never the content.
import { describe, expect, it } from '@jest/globals';
import { UserError } from './errors.js';
import { parseStrictJson } from './strict-json.js';

const fail = (text: string, opts: Parameters<typeof parseStrictJson>[1]) => {
  try {
    parseStrictJson(text, opts);
  } catch (err) {
    return err as UserError;
  }
  throw new Error('expected a refusal');
};

describe('strict JSON', () => {
  it('reads what JSON.parse reads', () => {
    const text = '{"a":[1,-2.5e3,true,null,{"b":"\\u00e9\\n"}],"c":{}}';
    expect(parseStrictJson(text, { input: 'x', fix: '' })).toEqual(JSON.parse(text));
  });

  it('refuses duplicate keys at any depth, with line and column', () => {
    const e = fail('{\n  "family": "api",\n  "cpu": "256",\n  "cpu": "4096"\n}', {
      file: 'taskdef.json',
      fix: 'f',
    });
    expect(e).toBeInstanceOf(UserError);
    expect(e.where).toBe('taskdef.json:4:3');
    expect(e.message).toMatch(/duplicate key "cpu"/);
    expect(fail('{"a":{"env":1,"env":2}}', { input: 'images', fix: 'f' }).message).toMatch(/duplicate/);
  });

  it('never quotes the text of a file it cannot read as JSON', () => {
    const passwd = 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin';
    const e = fail(passwd, { file: '/etc/passwd', fix: 'pass the images output' });
    expect(e.where).toBe('/etc/passwd:1:1');
    expect(`${e.message} ${e.fix}`).not.toMatch(/root|daemon|bash/);
    const inline = fail('{"api": "secretvalue-not-closed', { input: 'images', fix: 'f' });
    expect(inline.message).toMatch(
      /^input "images" is not valid JSON: unterminated string at line 1, column 9/,
    );
    expect(inline.message).not.toContain('secretvalue');
  });
});
