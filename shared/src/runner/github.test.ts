// The GitHub adapter over the real @actions/core: what the runner reads back (the $GITHUB_OUTPUT and
// $GITHUB_STEP_SUMMARY files, workflow commands on stdout) and that a secret never reaches stdout.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { GitHubRunner } from './github.js';

const SECRET = 'ecr-token-Zm9vYmFyYmF6cXV4';

describe('GitHubRunner', () => {
  // @actions/core's summary caches the file path on first use, so one directory serves the suite.
  const dir = mkdtempSync(join(tmpdir(), 'cendence-gh-'));
  let stdout: string[];
  const saved = { ...process.env };

  beforeAll(() => {
    saved.GITHUB_OUTPUT = join(dir, 'output');
    saved.GITHUB_STEP_SUMMARY = join(dir, 'summary');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeEach(() => {
    process.env = { ...saved };
    // The runner creates these files before the step starts; @actions/core refuses a missing file.
    writeFileSync(process.env.GITHUB_OUTPUT!, '');
    writeFileSync(process.env.GITHUB_STEP_SUMMARY!, '');
    stdout = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk));
      return true;
    });
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  test('reads inputs from INPUT_* the way the runner passes with:', () => {
    process.env['INPUT_ROLE-TO-ASSUME'] = 'arn:aws:iam::123456789012:role/deploy';
    process.env.INPUT_REGION = '';
    const runner = new GitHubRunner();
    expect(runner.input('role-to-assume')).toBe('arn:aws:iam::123456789012:role/deploy');
    expect(runner.input('region')).toBeUndefined();
  });

  test('writes outputs, multi-line ones included, to the $GITHUB_OUTPUT file', () => {
    const runner = new GitHubRunner();
    runner.setOutput('image-uri', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/api@sha256:abc');
    runner.setOutput('services', 'api\nweb');
    const file = readFileSync(process.env.GITHUB_OUTPUT!, 'utf8');
    expect(file).toContain('image-uri<<ghadelimiter_');
    expect(file).toContain('123456789012.dkr.ecr.eu-west-1.amazonaws.com/api@sha256:abc');
    expect(file).toMatch(/services<<(ghadelimiter_[\w-]+)\napi\nweb\n\1/);
    expect(stdout.join('')).not.toContain('::set-output');
  });

  test('emits ::add-mask:: before any line that would contain the secret, and never prints it', async () => {
    const runner = new GitHubRunner();
    runner.mask(SECRET);
    runner.info(`logging in with ${SECRET}`);
    runner.warning(`token ${SECRET} expires soon`);
    runner.error(`login failed for ${SECRET}`, { file: 'services/api/service.yml', line: 3 });
    runner.progress(`pushing with ${SECRET}`);
    await runner.group(`group ${SECRET}`, async () => runner.debug(`debug ${SECRET}`));
    await runner.summary(`| token | ${SECRET} |`);

    const out = stdout.join('');
    expect(out.startsWith(`::add-mask::${SECRET}`)).toBe(true);
    expect(out.split(SECRET)).toHaveLength(2); // only inside the add-mask command
    expect(out).toContain('logging in with ***');
    expect(out).toContain('::warning::token *** expires soon');
    expect(out).toContain('::error file=services/api/service.yml,line=3::login failed for ***');
    expect(out).toContain('::group::group ***');
    expect(out).toContain('::endgroup::');
    expect(readFileSync(process.env.GITHUB_STEP_SUMMARY!, 'utf8')).toBe('| token | *** |\n');
  });

  test('appends the job summary as markdown to $GITHUB_STEP_SUMMARY', async () => {
    const runner = new GitHubRunner();
    await runner.summary('### Deployed\n| service | status |\n|---|---|\n| api | COMPLETED |');
    await runner.summary('second part');
    const text = readFileSync(process.env.GITHUB_STEP_SUMMARY!, 'utf8');
    expect(text).toBe('### Deployed\n| service | status |\n|---|---|\n| api | COMPLETED |\nsecond part\n');
  });

  test('prints a progress line only when it changes', () => {
    const runner = new GitHubRunner();
    runner.progress('api: 1/2 tasks running');
    runner.progress('api: 1/2 tasks running');
    runner.progress('api: 2/2 tasks running');
    expect(stdout.filter((l) => l.includes('tasks running'))).toEqual([
      'api: 1/2 tasks running\n',
      'api: 2/2 tasks running\n',
    ]);
  });

  test('a container line cannot become a workflow command (issue 16 item 10)', () => {
    const r = new GitHubRunner();
    r.info('::error title=Deploy OK::all good');
    r.info('  ::add-mask::x\n::stop-commands::tok');
    r.progress('##[set-output name=a]b');
    r.info('line\r\x1b[2Kreplaced');
    const lines = stdout.join('').split(/\r?\n/);
    for (const l of lines) {
      expect(l).not.toMatch(/^\s*::|##\[/);
      expect(l).not.toContain('\x1b');
    }
    expect(stdout.join('')).toContain(': :error title=Deploy OK::all good');
  });
});
