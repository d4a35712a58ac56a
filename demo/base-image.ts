// Which base image the services' Dockerfiles receive. A user's machine pulls the official Node image
// (each Dockerfile's default); a machine without registry access uses the local image .ci/base-image.sh
// builds. Order: $BASE_IMAGE, the local image, the official image if present or pullable, else build it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const LOCAL_BASE = 'cendence/base:node20';
export const OFFICIAL_BASE = 'node:20-bookworm-slim';

async function hasImage(ref: string): Promise<boolean> {
  return run('docker', ['image', 'inspect', ref]).then(
    () => true,
    () => false,
  );
}

export async function chooseBaseImage(env: NodeJS.ProcessEnv, say: (line: string) => void): Promise<string> {
  if (env.BASE_IMAGE) return env.BASE_IMAGE;
  if (await hasImage(LOCAL_BASE)) return LOCAL_BASE;
  if (await hasImage(OFFICIAL_BASE)) return OFFICIAL_BASE;
  say(`pulling ${OFFICIAL_BASE} …`);
  const pulled = await run('docker', ['pull', OFFICIAL_BASE], { timeout: 120_000 }).then(
    () => true,
    () => false,
  );
  if (pulled) return OFFICIAL_BASE;
  say(`${OFFICIAL_BASE} cannot be pulled here; building ${LOCAL_BASE} with .ci/base-image.sh …`);
  await run('bash', ['.ci/base-image.sh'], { timeout: 600_000 });
  return LOCAL_BASE;
}
