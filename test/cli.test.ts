// The CLI frame as a user meets it: help, version, exit codes, unknown commands and flags.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { VERSION } from '../shared/src/version.js';

const run = promisify(execFile);
const CLI = ['--import', 'tsx', 'shared/src/cli/main.ts'];

async function cendence(args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [...CLI, ...args], {
      env: { ...process.env, GITLAB_CI: '', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('cendence CLI', () => {
  it('keeps its version in step with package.json', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });

  it('prints help listing every command and the exit codes', async () => {
    const r = await cendence(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: cendence <command>');
    expect(r.stdout).toMatch(/doctor\s+check Docker/);
    expect(r.stdout).toContain('2 bad input');
  });

  it('prints the version', async () => {
    const r = await cendence(['--version']);
    expect(r.stdout.trim()).toBe(VERSION);
  });

  it('rejects an unknown command with exit code 2', async () => {
    const r = await cendence(['deplyo']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "deplyo"');
  });

  it('rejects an unknown flag with exit code 2 and points at --help', async () => {
    const r = await cendence(['doctor', '--regoin', 'eu-west-1']);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toContain('cendence doctor --help');
  });

  it('doctor explains each missing piece with its fix', async () => {
    const r = await cendence(['doctor'], {
      AWS_REGION: '',
      AWS_DEFAULT_REGION: '',
      PATH: '/nonexistent',
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ docker');
    expect(r.stdout).toContain('fix: install Docker');
    expect(r.stdout).toContain('✗ region');
    expect(r.stdout).toContain('fix: set AWS_REGION');
  });
});
