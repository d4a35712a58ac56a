// Dockerfile.cli, the image the GitLab templates run: built from cli/dist on the local base image (no
// pull), it runs the CLI as `cendence`, carries git (plan reads the history in the job's checkout, owned
// by another user) and a docker client, and has no entrypoint in the way of GitLab's shell.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { cliImage, cliImageMissing } from './cli-image.js';

const ROOT = join(import.meta.dirname, '..');
const missing = cliImageMissing();
if (missing) console.warn(`CLI image test skipped: needs ${missing}`);

describe('Dockerfile.cli', () => {
  const dirs: string[] = [];
  const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: 'pipe' });
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  (missing ? test.skip : test)(
    'runs the bundled CLI as `cendence`, plans in a checkout it does not own, carries a docker client',
    async () => {
      const tag = await cliImage();
      const run = (...args: string[]) => docker('run', '--rm', '--network', 'host', ...args);
      const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
      expect(run(tag, 'cendence', '--version').trim()).toBe(pkg.version);
      expect(run(tag, 'cendence', 'deploy', '--help')).toContain('Usage: cendence deploy');
      expect(run(tag, 'docker', '--version')).toMatch(/^Docker version/);
      expect(run(tag, 'git', '--version')).toMatch(/^git version/);
      // A checkout owned by another user (as a runner's is), mounted into the job's container.
      const repo = mkdtempSync(join(tmpdir(), 'cendence-cli-image-repo-'));
      dirs.push(repo);
      const git = (...a: string[]) =>
        execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...a], { cwd: repo });
      git('init', '-q', '-b', 'main');
      execFileSync('mkdir', ['-p', join(repo, 'services/api')]);
      writeFileSync(join(repo, 'services/api/service.yml'), 'name: api\n');
      writeFileSync(join(repo, 'services/api/Dockerfile'), 'FROM scratch\n');
      git('add', '-A');
      git('commit', '-q', '-m', 'api');
      execFileSync('chown', ['-R', '1234:1234', repo]);
      const out = run(
        '-v',
        `${repo}:/builds/app`,
        '-w',
        '/builds/app',
        tag,
        'cendence',
        'plan',
        '--all',
        '--json',
      );
      expect(JSON.parse(out).services.map((x: { service: string }) => x.service)).toEqual(['api']);
      // GitLab runs job scripts through a shell: no entrypoint may get in the way.
      expect(docker('image', 'inspect', tag, '--format', '{{json .Config.Entrypoint}}').trim()).toBe('null');
    },
  );
});
