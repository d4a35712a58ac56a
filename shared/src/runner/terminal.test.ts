// The terminal adapter: a TTY redraws one progress line in place; a pipe gets each change once as a line.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { TerminalRunner } from './terminal.js';

class Capture {
  text = '';
  constructor(
    readonly isTTY: boolean,
    readonly columns = 40,
  ) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}
const make = (tty: boolean, opts: ConstructorParameters<typeof TerminalRunner>[0] = {}) => {
  const stream = new Capture(tty);
  return { stream, runner: new TerminalRunner({ ...opts, stream: stream as never }) };
};

describe('TerminalRunner', () => {
  test('on a TTY, redraws the progress line with \\r and clears it before the next log line', () => {
    const { stream, runner } = make(true);
    runner.progress('api: 0/2 running');
    runner.progress('api: 1/2 running');
    runner.progress('api: 1/2 running');
    runner.info('api: COMPLETED');
    expect(stream.text).toBe(
      '\r\x1b[2Kapi: 0/2 running' + '\r\x1b[2Kapi: 1/2 running' + '\r\x1b[2K' + 'api: COMPLETED\n',
    );
  });

  test('on a TTY, cuts the progress line to the terminal width so it never wraps', () => {
    const { stream, runner } = make(true);
    runner.progress('x'.repeat(100));
    expect(stream.text).toBe(`\r\x1b[2K${'x'.repeat(39)}`);
  });

  test('in a pipe, prints each changed progress line once, with no control characters', () => {
    const { stream, runner } = make(false);
    runner.progress('api: 0/2 running');
    runner.progress('api: 0/2 running');
    runner.progress('api: 2/2 running');
    runner.info('api: COMPLETED');
    expect(stream.text).toBe('api: 0/2 running\napi: 2/2 running\napi: COMPLETED\n');
  });

  test('indents lines inside a group and names annotations by file and line', async () => {
    const { stream, runner } = make(false);
    await runner.group('deploy api', async () => {
      runner.warning('no health check', { file: 'services/api/service.yml', line: 7 });
      runner.error('failed');
    });
    runner.info('done');
    expect(stream.text).toBe(
      '▸ deploy api\n  warning: services/api/service.yml:7: no health check\n  error: failed\ndone\n',
    );
  });

  test('masks secrets in log and progress lines and the summary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cendence-term-'));
    try {
      const summaryFile = join(dir, 'summary.md');
      const { stream, runner } = make(false, { summaryFile });
      runner.mask('hunter2-password');
      runner.info('login hunter2-password');
      runner.progress('using hunter2-password');
      await runner.summary('pw hunter2-password');
      expect(stream.text).toBe('login ***\nusing ***\n');
      expect(readFileSync(summaryFile, 'utf8')).toBe('pw ***\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('takes inputs from the parsed flags and keeps outputs for --json', () => {
    const { runner } = make(false, { inputs: { region: 'eu-west-1', endpoint: '' } });
    expect(runner.input('region')).toBe('eu-west-1');
    expect(runner.input('endpoint')).toBeUndefined();
    runner.setOutput('deployment-id', 'ecs-svc/123');
    expect(runner.outputs).toEqual({ 'deployment-id': 'ecs-svc/123' });
  });

  test('prints debug lines only when debug is on', () => {
    const quiet = make(false);
    quiet.runner.debug('x');
    const loud = make(false, { debug: true });
    loud.runner.debug('x');
    expect(quiet.stream.text).toBe('');
    expect(loud.stream.text).toBe('debug: x\n');
  });
});
