// `cendence emulator` prints exactly one line with its endpoint, serves, and stops on SIGTERM.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';

const root = path.resolve(import.meta.dirname, '..', '..');

describe('cendence emulator', () => {
  it('prints one "emulator listening on" line and serves until SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        'shared/src/cli/main.ts',
        'emulator',
        '--port',
        '0',
        '--clock',
        'virtual',
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8');
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('\n')) resolve(out.split('\n')[0]);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    expect(line).toMatch(/^emulator listening on http:\/\/127\.0\.0\.1:\d+$/);
    const url = line.slice('emulator listening on '.length);
    const clock = await (await fetch(`${url}/_cendence/clock`)).json();
    expect(clock.mode).toBe('virtual');
    // While serving, stdout holds exactly the one line (the CLI frame may log the signal on stop).
    expect(out).toBe(`${line}\n`);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    await expect(fetch(`${url}/_cendence/health`)).rejects.toThrow();
  });

  it('--terraform builds the world for the variables given, lists what it skips, and refuses bad variables', async () => {
    const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const args = [
      'shared/src/cli/main.ts',
      'emulator',
      '--port',
      '0',
      '--clock',
      'virtual',
      '--terraform',
      'terraform',
    ];
    const child = spawn(
      process.execPath,
      [tsx, ...args, '--var-file', 'terraform/environments/staging.tfvars', '--var', 'project=pong'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => (err += c));
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('\n')) resolve(out.split('\n')[0]);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${err}`)));
    });
    const url = line.slice('emulator listening on '.length);
    const outputs = await (await fetch(`${url}/_cendence/terraform/outputs`)).json();
    expect(outputs.cluster_name.value).toBe('pong-staging');
    expect(outputs.repository_urls.value.auth).toMatch(/\.dkr\.ecr\.eu-west-3\.amazonaws\.com\/pong\/auth$/);
    expect(err).toMatch(/not modelled \(declared in Terraform, not emulated\): .*aws_kms_key/);
    child.kill('SIGTERM');
    expect((await once(child, 'exit'))[0]).toBe(0);

    const bad = spawn(process.execPath, [tsx, ...args, '--var', 'environment=dev'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let badErr = '';
    for (const stream of [bad.stdout, bad.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', (c: string) => (badErr += c));
    }
    const [code] = await once(bad, 'exit');
    expect(code).toBe(2);
    expect(badErr).toMatch(
      /--terraform.*(No value for required variable "certificate_arn"|Invalid value for variable "environment")/s,
    );
  });
});
