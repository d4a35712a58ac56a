// A registry login scoped to one piece of work: credentials go to a fresh private folder (DOCKER_CONFIG
// for docker, an authfile for buildah), and logout plus removal of that folder happen in `finally`,
// whatever the work did.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ImageEngine, RegistryLogin } from '../image/engine.js';

export async function withRegistryLogin<T>(
  engine: ImageEngine,
  login: RegistryLogin,
  work: (configDir: string) => Promise<T>,
): Promise<T> {
  // mkdtemp creates the folder with mode 0700: only this user can read the stored credentials.
  const configDir = await mkdtemp(path.join(tmpdir(), 'cendence-registry-'));
  try {
    await engine.login(login, configDir);
    return await work(configDir);
  } finally {
    await engine.logout(login.registry, configDir).catch(() => undefined);
    await rm(configDir, { recursive: true, force: true });
  }
}
