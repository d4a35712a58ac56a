// A Docker engine of its own for "fresh runner" measurements: a second dockerd with its own data root,
// exec root, pid file, socket and containerd namespace under a temp folder, so emptying its cache never
// touches the shared engine. It gets its own bridge interface: `--bridge=none` would make dockerd delete
// the host's docker0 (the shared engine's network), so that option is never used. Builds use --network
// host. Needs root (dockerd, ip link); the caller skips when start() throws.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface FreshDocker {
  /** DOCKER_HOST for clients of this engine. */
  host: string;
  /** Stops the engine, deletes its storage (images and build cache) and starts it again, empty. */
  wipe(): Promise<void>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startFreshDocker(): Promise<FreshDocker> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cendence-fresh-docker-'));
  const bridge = `cfd${path
    .basename(dir)
    .slice(-6)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')}`;
  const socket = path.join(dir, 'docker.sock');
  const host = `unix://${socket}`;
  execFileSync('ip', ['link', 'add', bridge, 'type', 'bridge']);
  let pid: number | undefined;
  const start = async () => {
    const child = spawn(
      'dockerd',
      [
        '--data-root',
        path.join(dir, 'data'),
        '--exec-root',
        path.join(dir, 'exec'),
        '--pidfile',
        path.join(dir, 'docker.pid'),
        '--host',
        host,
        '--bridge',
        bridge,
        '--iptables=false',
        '--ip-masq=false',
        '--containerd-namespace',
        bridge,
        '--containerd-plugins-namespace',
        `${bridge}-plugins`,
      ],
      { stdio: 'ignore', detached: true },
    );
    child.unref();
    pid = child.pid;
    for (let i = 0; i < 80; i++) {
      try {
        execFileSync('docker', ['-H', host, 'version', '--format', '{{.Server.Version}}'], { stdio: 'pipe' });
        return;
      } catch {
        await sleep(250);
      }
    }
    throw new Error(`the fresh dockerd did not answer on ${socket}`);
  };
  const stopEngine = async () => {
    if (pid === undefined) return;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {}
    for (let i = 0; i < 80 && existsSync(path.join(dir, 'docker.pid')); i++) await sleep(250);
    pid = undefined;
  };
  try {
    await start();
  } catch (err) {
    await stopEngine();
    execFileSync('ip', ['link', 'delete', bridge], { stdio: 'ignore' });
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    host,
    async wipe() {
      await stopEngine();
      await rm(path.join(dir, 'data'), { recursive: true, force: true });
      await start();
    },
    async stop() {
      await stopEngine();
      try {
        execFileSync('ip', ['link', 'delete', bridge], { stdio: 'ignore' });
      } catch {}
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Copies a local image of the shared engine into another engine (docker save | docker load). */
export async function copyImage(ref: string, toHost: string): Promise<void> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'cendence-image-')), 'image.tar');
  try {
    execFileSync('docker', ['save', '--output', file, ref], { stdio: 'pipe' });
    execFileSync('docker', ['-H', toHost, 'load', '--input', file], { stdio: 'pipe' });
  } finally {
    await rm(path.dirname(file), { recursive: true, force: true });
  }
}
