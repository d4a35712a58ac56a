// Container output and echoed inputs cannot forge workflow commands, sections or terminal effects
// (issue 16 item 10), through every runner adapter.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { GitLabRunner } from './gitlab.js';
import { TerminalRunner } from './terminal.js';
import { fenced, neutralise } from './untrusted.js';

const FORGED = [
  '::error title=Deploy OK::all good',
  '  ::add-mask::nothing',
  '::stop-commands::abc',
  '##[set-output name=x]y',
  '\x1b[0Ksection_start:1700000000:fake[collapsed=true]\r\x1b[0Kfake section',
  'progress\r\x1b[2Kall tests passed',
  'evil\u202etxt.exe',
];

/** A line the GitHub runner would treat as a command: "::" first after blanks, or "##[" anywhere. */
const githubCommand = (line: string) => /^\s*::/.test(line) || line.includes('##[');

function captured(make: (stream: PassThrough) => { info(m: string): void; error(m: string): void }) {
  const stream = new PassThrough();
  let out = '';
  stream.on('data', (c) => (out += c));
  const r = make(stream);
  for (const l of FORGED) r.info(l);
  r.error(`input "cluster" is not valid: "a\r\x1b[2Kb"`);
  return out;
}

describe('untrusted text in the log', () => {
  it('defuses GitHub commands, keeps the text readable, escapes control characters', () => {
    for (const l of FORGED) {
      const n = neutralise(l);
      expect(githubCommand(n)).toBe(false);
      expect([...n].filter((c) => c < ' ' && c !== '\t')).toEqual([]);
      expect(n).not.toContain('\u202e');
    }
    expect(neutralise('::error title=Deploy OK::x')).toBe(': :error title=Deploy OK::x');
    expect(neutralise('a\rb')).toBe('a\\rb');
    expect(neutralise('tab\tand\nnewline')).toBe('tab\tand\nnewline');
  });

  it.each([
    ['GitLab', (s: PassThrough) => new GitLabRunner({ stream: s, env: {} })],
    ['terminal', (s: PassThrough) => new TerminalRunner({ stream: s })],
  ])('%s: no forged section marker, command or escape sequence reaches the log', (_n, make) => {
    const out = captured(make);
    for (const line of out.split('\n')) {
      expect(githubCommand(line)).toBe(false);
      // Our own colour codes for ERROR are allowed; no \r and no erase-line from the message.
      for (const bad of ['\r', '\x1b[2K', '\x1b[0Ksection_start']) expect(line).not.toContain(bad);
    }
    expect(out).toContain('all tests passed');
  });

  it('fences a block with more backticks than any run inside it', () => {
    const lines = ['ok', '```', 'fake summary', '`````'];
    const block = fenced(lines);
    expect(block[0]).toBe('``````');
    expect(block.at(-1)).toBe('``````');
    expect(fenced(['plain'], 'diff')[0]).toBe('```diff');
  });
});
