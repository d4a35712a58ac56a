// Builds the CLI image (Dockerfile.cli) the way a release does, from local parts only: the local base
// image (cendence/base:node20, made by .ci/base-image.sh) and a scratch image holding this host's docker
// client in place of docker:<v>-cli. RUN steps use the host network (apt for git), as CI's engine allows.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerStatus } from '../harness/build-push.js';
import { sharedImage } from '../harness/shared-image.js';

const ROOT = join(import.meta.dirname, '..');
export const BASE_IMAGE = 'cendence/base:node20';

function present(image: string): boolean {
  try {
    execFileSync('docker', ['image', 'inspect', image], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function dockerClient(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

/** Why the CLI image cannot be built here, or '' when it can. */
export function cliImageMissing(): string {
  const docker = dockerStatus();
  if (!docker.ok) return docker.reason ?? 'docker is not available';
  if (!present(BASE_IMAGE)) return `the local ${BASE_IMAGE} image (.ci/run builds it)`;
  if (!dockerClient()) return 'a docker client';
  if (!existsSync(join(ROOT, 'cli/dist/index.js'))) return 'cli/dist (npm run bundle)';
  return '';
}

/**
 * The CLI image (Dockerfile.cli), built once per test run and shared by the suites that run it
 * (harness/shared-image.ts): the global teardown removes it.
 */
export function cliImage(): Promise<string> {
  return sharedImage('cli', buildCliImage);
}

/** Builds Dockerfile.cli as `tag`, every image it makes labelled `label`. */
function buildCliImage(tag: string, label: string): void {
  const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: 'pipe' });
  const clientTag = `${tag}-docker-cli`;
  const clientContext = mkdtempSync(join(tmpdir(), 'cendence-docker-cli-'));
  const context = mkdtempSync(join(tmpdir(), 'cendence-cli-image-'));
  try {
    copyFileSync(dockerClient(), join(clientContext, 'docker'));
    writeFileSync(join(clientContext, 'Dockerfile'), 'FROM scratch\nCOPY docker /usr/local/bin/docker\n');
    docker('build', '-q', '--network', 'host', '--label', label, '-t', clientTag, clientContext);
    // The context Dockerfile.cli.dockerignore leaves: the Dockerfile and cli/dist.
    copyFileSync(join(ROOT, 'Dockerfile.cli'), join(context, 'Dockerfile.cli'));
    cpSync(join(ROOT, 'cli/dist'), join(context, 'cli/dist'), { recursive: true });
    docker(
      'build',
      '-q',
      '--network',
      'host',
      '-f',
      join(context, 'Dockerfile.cli'),
      '-t',
      tag,
      '--label',
      'cendence.test=doors',
      '--label',
      label,
      '--build-arg',
      `BASE_IMAGE=${BASE_IMAGE}`,
      '--build-arg',
      `DOCKER_CLI_IMAGE=${clientTag}`,
      context,
    );
  } finally {
    rmSync(clientContext, { recursive: true, force: true });
    rmSync(context, { recursive: true, force: true });
  }
}

/**
 * gitlab-ci-local's helper image (it copies artifacts in and out of job volumes with bash and rsync):
 * the CLI image plus rsync, built locally, since the usual helper image cannot be pulled here. Shared
 * the same way as the CLI image.
 */
export async function helperImage(): Promise<string> {
  const cli = await cliImage();
  return sharedImage('cli-helper', (tag, label) => {
    const context = mkdtempSync(join(tmpdir(), 'cendence-gcl-helper-'));
    try {
      writeFileSync(
        join(context, 'Dockerfile'),
        `FROM ${cli}\nRUN apt-get update -qq && apt-get install -y -qq --no-install-recommends rsync >/dev/null && rm -rf /var/lib/apt/lists/*\n`,
      );
      execFileSync(
        'docker',
        [
          'build',
          '-q',
          '--network',
          'host',
          '--label',
          'cendence.test=doors',
          '--label',
          label,
          '-t',
          tag,
          context,
        ],
        { stdio: 'pipe' },
      );
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
  });
}
