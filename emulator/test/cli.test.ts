// `cendence emulator` prints exactly one line with its endpoint, serves, and stops on SIGTERM; with
// --terraform it serves the world a Terraform configuration creates, or refuses variables Terraform would.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';

const root = path.resolve(import.meta.dirname, '..', '..');
const TSX = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** `cendence emulator <args>` from the sources, with everything it prints collected. */
function emulatorCli(...args: string[]) {
  const child = spawn(process.execPath, [TSX, 'shared/src/cli/main.ts', 'emulator', '--port', '0', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ChildProcessWithoutNullStreams;
  const printed = { out: '', err: '' };
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c: string) => (printed.err += c));
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      printed.out += chunk;
      if (printed.out.includes('\n')) resolve(printed.out.split('\n')[0]);
    });
    child.once('exit', (code) =>
      reject(new Error(`exited early with ${code}: ${printed.out}${printed.err}`)),
    );
  });
  firstLine.catch(() => {});
  return { child, printed, firstLine };
}

describe('cendence emulator', () => {
  it('prints one "emulator listening on" line and serves until SIGTERM', async () => {
    const { child, printed, firstLine } = emulatorCli('--clock', 'virtual');
    const line = await firstLine;
    expect(line).toMatch(/^emulator listening on http:\/\/127\.0\.0\.1:\d+$/);
    const url = line.slice('emulator listening on '.length);
    const clock = await (await fetch(`${url}/_cendence/clock`)).json();
    expect(clock.mode).toBe('virtual');
    // While serving, stdout holds exactly the one line (the CLI frame may log the signal on stop).
    expect(printed.out).toBe(`${line}\n`);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    await expect(fetch(`${url}/_cendence/health`)).rejects.toThrow();
  });

  it('--terraform builds the world for the variables given, lists what it skips, and refuses bad variables', async () => {
    const staging = ['--terraform', 'terraform', '--var-file', 'terraform/environments/staging.tfvars'];
    const { child, printed, firstLine } = emulatorCli(
      '--clock',
      'virtual',
      ...staging,
      '--var',
      'project=pong',
    );
    const url = (await firstLine).slice('emulator listening on '.length);
    const outputs = await (await fetch(`${url}/_cendence/terraform/outputs`)).json();
    expect(outputs.cluster_name.value).toBe('pong-staging');
    expect(outputs.repository_urls.value.auth).toMatch(/\.dkr\.ecr\.eu-west-3\.amazonaws\.com\/pong\/auth$/);
    expect(printed.err).toMatch(/not modelled \(declared in Terraform, not emulated\): .*aws_kms_key/);
    child.kill('SIGTERM');
    expect((await once(child, 'exit'))[0]).toBe(0);

    const bad = emulatorCli('--terraform', 'terraform', '--var', 'environment=dev');
    const [code] = await once(bad.child, 'exit');
    expect(code).toBe(2);
    expect(bad.printed.out + bad.printed.err).toMatch(
      /--terraform.*(No value for required variable "certificate_arn"|Invalid value for variable "environment")/s,
    );
  });
});
