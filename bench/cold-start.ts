// Action bundle size and cold start: from process spawn to the first AWS request arriving at a local
// listener, with the action run the way the GitHub runner runs it (node dist/index.js, INPUT_* env).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BundleFigure {
  action: string;
  bytes: number;
  coldStartMs: number | null;
  peakRssMb: number | null;
}

/** Inputs that make each action reach its first AWS call quickly (it fails after; we only time the start). */
const FIRST_CALL_INPUTS: Record<string, Record<string, string>> = {
  deploy: { services: 'game' },
  rollback: { services: 'game' },
  'run-task': { service: 'auth', command: 'true' },
  verify: { services: 'game' },
  diff: { services: 'game' },
  push: { services: 'game' },
};

export async function measureBundles(root: string, runs = 5): Promise<BundleFigure[]> {
  const actionsDir = join(root, 'actions');
  const out: BundleFigure[] = [];
  for (const action of readdirSync(actionsDir).sort()) {
    const bundle = join(actionsDir, action, 'dist', 'index.js');
    if (!existsSync(bundle)) continue;
    const bytes = statSync(bundle).size;
    const inputs = FIRST_CALL_INPUTS[action];
    let coldStartMs: number | null = null;
    let peakRssMb: number | null = null;
    if (inputs) {
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) {
        const r = await firstRequestLatency(root, bundle, inputs);
        if (r) {
          samples.push(r.ms);
          peakRssMb = Math.max(peakRssMb ?? 0, r.rssMb);
        }
      }
      samples.sort((a, b) => a - b);
      coldStartMs = samples.length ? samples[Math.floor(samples.length / 2)] : null;
    }
    out.push({ action, bytes, coldStartMs, peakRssMb });
  }
  return out;
}

async function firstRequestLatency(root: string, bundle: string, inputs: Record<string, string>) {
  let firstAt = 0;
  const server = http.createServer((req, res) => {
    if (!firstAt) firstAt = performance.now();
    res.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
    res.end('{"__type":"InternalFailure","message":"bench"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), 'cendence-bench-'));
  writeFileSync(join(dir, 'out'), '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GITHUB_OUTPUT: join(dir, 'out'),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_MAX_ATTEMPTS: '1',
    INPUT_ENDPOINT: `http://127.0.0.1:${port}`,
    INPUT_CLUSTER: 'transcendence',
    INPUT_WAIT: 'false',
    INPUT_IMAGES: '{}',
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const start = performance.now();
  const child = spawn(process.execPath, [bundle], { cwd: root, env, stdio: 'ignore' });
  let rssMb = 0;
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const sampler = setInterval(() => {
    try {
      // VmHWM is the process's peak resident set so far.
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const m = /VmHWM:\s+(\d+)/.exec(status);
      if (m) rssMb = Math.max(rssMb, Number(m[1]) / 1024);
    } catch {
      // the process has exited between samples
    }
  }, 20);
  await exited;
  clearTimeout(timer);
  clearInterval(sampler);
  server.close();
  return firstAt ? { ms: firstAt - start, rssMb } : null;
}
