// The CLI image (Dockerfile.cli) runs `cendence emulator --terraform`: the Terraform parser and its wasm
// ship beside the bundle (scripts/vendor-hcl.mjs), so the image needs no node_modules of a clone. The
// container reads a Terraform folder mounted into it and answers `terraform output -json` on the emulator's
// control API with the names the in-process emulator computes from the same files.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { startEmulator } from '../emulator/src/index.js';
import { cliImage, cliImageMissing } from './cli-image.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const NAME = `cendence-cli-tf-test-${process.pid}`;
const missing = cliImageMissing();
if (missing) console.warn(`CLI image --terraform test skipped: needs ${missing}`);

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: 'pipe' });

/** The container's log until the emulator says where it listens (or the container ends). */
async function listeningUrl(): Promise<string> {
  for (let i = 0; i < 120; i++) {
    const logs = execFileSync('sh', ['-c', `docker logs ${NAME} 2>&1`], { encoding: 'utf8' });
    const m = /emulator listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(logs);
    if (m) return m[1];
    if (docker('inspect', NAME, '--format', '{{.State.Running}}').trim() !== 'true')
      throw new Error(`the emulator exited:\n${logs}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the emulator did not start within 30 s');
}

describe('Dockerfile.cli', () => {
  afterAll(() => {
    try {
      docker('rm', '-f', NAME);
    } catch {}
  });

  (missing ? test.skip : test)(
    'runs `cendence emulator --terraform DIR` and serves the Terraform outputs',
    async () => {
      const tag = await cliImage();
      docker(
        'run',
        '-d',
        '--name',
        NAME,
        '--label',
        'cendence.test=doors',
        '--network',
        'host',
        '-v',
        `${path.join(ROOT, 'terraform')}:/infra/terraform:ro`,
        tag,
        'cendence',
        'emulator',
        '--terraform',
        '/infra/terraform',
        '--var-file',
        '/infra/terraform/environments/staging.tfvars',
      );
      const url = await listeningUrl();
      const res = await fetch(`${url}/_cendence/terraform/outputs`);
      expect(res.status).toBe(200);
      const outputs = (await res.json()) as Record<string, { value: unknown }>;
      expect(outputs.cluster_name.value).toBe('transcendence-staging');
      // The same configuration read in-process gives the same names and ARNs.
      const local = await startEmulator({
        terraform: {
          dir: path.join(ROOT, 'terraform'),
          varFiles: [path.join(ROOT, 'terraform/environments/staging.tfvars')],
        },
      });
      try {
        expect(outputs).toEqual(JSON.parse(JSON.stringify(local.terraform!.outputs)));
      } finally {
        await local.stop();
      }
    },
    240_000,
  );
});
