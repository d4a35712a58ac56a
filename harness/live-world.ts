// Shared by the live-runtime tests and bench/zero-downtime.ts: an image pushed into the emulator's
// registry the way a user pushes (docker login with the ECR token on stdin, tag, push), polling for a
// condition in real time, the small web fixture (test/fixtures/runtime-web) built once, and the live world
// itself (startLiveWorld): an emulator with real containers, the fixture in its registry.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateRepositoryCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { type Emulator, startEmulator, type WorldSpec } from '../emulator/src/index.js';
import type { RuntimeWorldSpec } from '../emulator/src/runtime/index.js';

export const WEB_FIXTURE = path.resolve(import.meta.dirname, '../test/fixtures/runtime-web');
export const WEB_IMAGE = 'cendence-rt-test/web:v1';
const creds = { accessKeyId: 'x', secretAccessKey: 'x' };

/** Async: the emulator serves from this same process, so a blocking child would starve it. */
export function sh(
  cmd: string,
  args: string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c;
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c;
    });
    child.on('close', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`${cmd} ${args.join(' ')}: ${err.trim()}`)),
    );
    child.stdin.end(opts.input ?? '');
  });
}

export function hasImage(ref: string): boolean {
  try {
    execFileSync('docker', ['image', 'inspect', ref], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Builds the web fixture (labelled, so it is recognisably ours) from the local base image. */
export async function buildWebFixture(): Promise<string> {
  await sh('docker', ['build', '-q', '-t', WEB_IMAGE, '--label', 'cendence.test=runtime', WEB_FIXTURE]);
  return WEB_IMAGE;
}

/**
 * Pushes a local image to the emulator's registry as `<repository>:<tag>` (creating the repository),
 * then forgets the registry tag locally so the runtime really pulls it. Returns the image URI.
 */
export async function pushToEmulator(
  emu: Emulator,
  local: string,
  repository: string,
  tag: string,
): Promise<string> {
  const ecr = new ECRClient({ endpoint: emu.url, region: emu.region, credentials: creds });
  await ecr.send(new CreateRepositoryCommand({ repositoryName: repository })).catch((err: Error) => {
    if (err.name !== 'RepositoryAlreadyExistsException') throw err;
  });
  const auth = await ecr.send(new GetAuthorizationTokenCommand({}));
  ecr.destroy();
  const password = Buffer.from(auth.authorizationData?.[0]?.authorizationToken ?? '', 'base64')
    .toString()
    .slice(4);
  const config = mkdtempSync(path.join(os.tmpdir(), 'cendence-live-docker-'));
  const env = { ...process.env, DOCKER_CONFIG: config };
  const uri = `${emu.host}/${repository}:${tag}`;
  try {
    await sh('docker', ['login', '-u', 'AWS', '--password-stdin', emu.host], { input: password, env });
    await sh('docker', ['tag', local, uri]);
    await sh('docker', ['push', uri], { env });
    await sh('docker', ['rmi', uri]);
  } finally {
    rmSync(config, { recursive: true, force: true });
  }
  return uri;
}

/** Polls (real time) until `fn` gives a value other than undefined/false. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 60_000,
  everyMs = 250,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface LiveWorld {
  emu: Emulator;
  ecs: ECSClient;
  /** The web fixture's local tag. */
  local: string;
  /** The same image in the emulator's registry (`<host>/web:v1`), as task definitions name it. */
  image: string;
  /** Stops the emulator (its containers, networks, database) and forgets the pulled registry tag. */
  stop(): Promise<void>;
}

/**
 * The live world the runtime tests and the zero-downtime bench share: the web fixture built, an emulator
 * with real containers on its real clock at `speed`, throttling off, seeded with `world`, an ECS client,
 * and the fixture pushed to its registry as `web:v1`.
 */
export async function startLiveWorld(world: WorldSpec & RuntimeWorldSpec, speed: number): Promise<LiveWorld> {
  const local = await buildWebFixture();
  const emu = await startEmulator({ clock: 'real', speed, tasks: 'docker', throttling: false, world });
  const ecs = new ECSClient({ endpoint: emu.url, region: emu.region, credentials: creds });
  let image = '';
  const stop = async () => {
    ecs.destroy();
    await emu.stop();
    if (!image) return;
    try {
      execFileSync('docker', ['rmi', '-f', image], { stdio: 'ignore' });
    } catch {
      // never pulled back
    }
  };
  try {
    image = await pushToEmulator(emu, local, 'web', 'v1');
  } catch (err) {
    await stop();
    throw err;
  }
  return { emu, ecs, local, image, stop };
}
