// Dockerfile.cli, the image the GitLab templates run: built from the committed cli/dist with local base
// images (no pull): the project's Node base image and a scratch image holding this host's docker client.

import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { dockerStatus } from '../harness/build-push.js';

const ROOT = join(import.meta.dirname, '..');
const NODE_IMAGE = 'cendence/base:node20';
const TAG = `cendence-cli-test:${process.pid}`;
const DOCKER_CLI_TAG = `cendence-docker-cli-test:${process.pid}`;

function present(image: string): boolean {
  try {
    execFileSync('docker', ['image', 'inspect', image], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const dockerClient = (() => {
  try {
    return execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
})();
const ready = dockerStatus().ok && present(NODE_IMAGE) && dockerClient !== '';
if (!ready)
  console.warn(`CLI image test skipped: needs docker and the local ${NODE_IMAGE} image (.ci/run builds it)`);

describe('Dockerfile.cli', () => {
  const dirs: string[] = [];
  const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: 'pipe' });

  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    if (ready) {
      for (const image of [TAG, DOCKER_CLI_TAG]) {
        try {
          docker('rmi', '-f', image);
        } catch {}
      }
    }
  });

  (ready ? test : test.skip)(
    'the image runs the bundled CLI as `cendence` and carries a docker client',
    () => {
      // A stand-in for docker:<v>-cli: the same path, this host's client.
      const clientContext = mkdtempSync(join(tmpdir(), 'cendence-docker-cli-'));
      const context = mkdtempSync(join(tmpdir(), 'cendence-cli-image-'));
      dirs.push(clientContext, context);
      copyFileSync(dockerClient, join(clientContext, 'docker'));
      writeFileSync(join(clientContext, 'Dockerfile'), 'FROM scratch\nCOPY docker /usr/local/bin/docker\n');
      docker('build', '-q', '-t', DOCKER_CLI_TAG, clientContext);
      // The context Dockerfile.cli.dockerignore leaves: the Dockerfile and cli/dist.
      copyFileSync(join(ROOT, 'Dockerfile.cli'), join(context, 'Dockerfile.cli'));
      cpSync(join(ROOT, 'cli/dist'), join(context, 'cli/dist'), { recursive: true });
      docker(
        'build',
        '-q',
        '-f',
        join(context, 'Dockerfile.cli'),
        '-t',
        TAG,
        '--build-arg',
        `NODE_IMAGE=${NODE_IMAGE}`,
        '--build-arg',
        `DOCKER_CLI_IMAGE=${DOCKER_CLI_TAG}`,
        context,
      );
      const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
      expect(docker('run', '--rm', TAG, 'cendence', '--version').trim()).toBe(pkg.version);
      expect(docker('run', '--rm', TAG, 'cendence', 'deploy', '--help')).toContain('Usage: cendence deploy');
      expect(docker('run', '--rm', TAG, 'docker', '--version')).toMatch(/^Docker version/);
      // GitLab runs job scripts through a shell: no entrypoint may get in the way.
      expect(docker('image', 'inspect', TAG, '--format', '{{json .Config.Entrypoint}}').trim()).toBe('null');
    },
  );
});
