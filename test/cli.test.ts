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
    expect(r.stdout).toMatch(/fix: .*set AWS_REGION/);
    // One fix line for the region, not the error's own fix repeated under it (issue 16 item 14).
    expect(r.stdout.match(/AWS_REGION/g)).toHaveLength(1);
  });

  // Issue 16 item 7: the exit-code contract. Each is bad input: exit 2, a fix line, nothing changed.
  const noCredentials = {
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    AWS_SESSION_TOKEN: '',
    AWS_PROFILE: '',
    AWS_CONFIG_FILE: '/nonexistent/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_WEB_IDENTITY_TOKEN_FILE: '',
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '',
    AWS_CONTAINER_CREDENTIALS_FULL_URI: '',
  };
  it.each([
    [
      'AWS_ENDPOINT_URL that is not a URL',
      ['rollback', '--services', 'api', '--cluster', 'main', '--region', 'us-east-1'],
      { AWS_ENDPOINT_URL: 'not-a-url' },
      /AWS_ENDPOINT_URL: is not an http\(s\) URL\n\s+fix: /,
    ],
    [
      'missing credentials',
      [
        'rollback',
        '--services',
        'api',
        '--cluster',
        'main',
        '--region',
        'us-east-1',
        '--endpoint',
        'http://127.0.0.1:9',
      ],
      noCredentials,
      /credentials: no AWS credentials found .*\n\s+fix: in CI pass role-to-assume/,
    ],
    [
      'a root that is a system folder',
      ['render', '--root', '../../../../etc', '--region', 'us-east-1'],
      {},
      /fix: /,
    ],
    [
      'an output folder under a file',
      [
        'render',
        '--output-dir',
        '/etc/passwd/x',
        '--region',
        'us-east-1',
        '--images',
        '{}',
        '--services',
        'auth',
      ],
      {},
      /output-dir: .*\/etc\/passwd is a file\n\s+fix: pass a folder path/,
    ],
  ])('%s: exit 2 with a fix line', async (_t, args, env, message) => {
    const r = await cendence(args, env);
    const out = r.stdout + r.stderr;
    expect(out).toMatch(message);
    expect(r.code).toBe(2);
    expect(out).not.toMatch(/ENOTDIR|Invalid URL|at .*\.ts:\d+/);
  });
});
