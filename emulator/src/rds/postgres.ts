// A real PostgreSQL for an RDS instance: Debian's server binaries (the `postgresql` package .ci/run
// installs), a fresh cluster in a temp dir, the master user and database of the instance, listening
// on the VPC networks' gateway addresses at the instance's port, where containers reach the endpoint.
// The cluster outlives deployments and rollbacks (tasks come and go, the database stays); it is
// removed when the emulator stops.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { DbInstance } from './state.js';

/** The newest Debian PostgreSQL server's bin directory, if installed. */
export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : undefined;
}

/** postgres refuses to run as root: as root, the server runs as the `postgres` system user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

export interface PostgresServer {
  addresses: string[];
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startPostgres(db: DbInstance, addresses: string[]): Promise<PostgresServer> {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (Debian package postgresql): RDS cannot be served');
  const user = runAs();
  const dir = mkdtempSync(path.join(os.tmpdir(), `cendence-rds-${db.identifier}-`));
  const dataDir = path.join(dir, 'data');
  const pwfile = path.join(dir, 'pw');
  writeFileSync(pwfile, `${db.password}\n`, { mode: 0o600 });
  if (user) {
    chownSync(dir, user.uid, user.gid);
    chownSync(pwfile, user.uid, user.gid);
  }
  const opts = user ? { uid: user.uid, gid: user.gid } : {};
  execFileSync(
    path.join(bin, 'initdb'),
    [
      '-D',
      dataDir,
      '-U',
      db.username,
      `--pwfile=${pwfile}`,
      '-A',
      'scram-sha-256',
      '--auth-local=trust',
      '-E',
      'UTF8',
      '--no-sync',
    ],
    { ...opts, stdio: 'ignore', cwd: dir },
  );
  rmSync(pwfile);
  // TLS as RDS offers it (clients with sslmode=require/no-verify need it): a self-signed certificate.
  const ssl = selfSignedCertificate(dataDir, db.address, opts);
  writeFileSync(
    path.join(dataDir, 'pg_hba.conf'),
    'local all all trust\nhost all all 0.0.0.0/0 scram-sha-256\n',
  );
  const proc: ChildProcess = spawn(
    path.join(bin, 'postgres'),
    [
      '-D',
      dataDir,
      '-p',
      String(db.port),
      '-c',
      `listen_addresses=${addresses.join(',')}`,
      '-c',
      `unix_socket_directories=${dir}`,
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ],
    { ...opts, stdio: ['ignore', 'ignore', 'pipe'], cwd: dir },
  );
  let stderr = '';
  proc.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const ready = await waitReady(addresses[0], db.port, exited);
  if (!ready) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start: ${stderr.trim().split('\n').slice(-3).join(' / ')}`);
  }
  if (db.dbName !== 'postgres') {
    // The port accepts before the server takes logins ("the database system is starting up").
    const args = [
      '-h',
      dir,
      '-p',
      String(db.port),
      '-U',
      db.username,
      '-d',
      'postgres',
      '-c',
      `CREATE DATABASE "${db.dbName}"`,
    ];
    for (let attempt = 0; ; attempt++) {
      try {
        execFileSync(path.join(bin, 'psql'), args, { ...opts, stdio: 'pipe', cwd: dir });
        break;
      } catch (err) {
        if (attempt >= 50 || !/starting up/.test(String((err as { stderr?: Buffer }).stderr))) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
  return {
    addresses,
    port: db.port,
    dataDir,
    async stop() {
      proc.kill('SIGINT'); // fast shutdown
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A self-signed certificate for the endpoint (openssl), or undefined when openssl is missing. */
function selfSignedCertificate(dataDir: string, cn: string, opts: { uid?: number; gid?: number }) {
  const cert = path.join(dataDir, 'server.crt');
  const key = path.join(dataDir, 'server.key');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        `/CN=${cn.slice(0, 64)}`,
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { ...opts, stdio: 'ignore', cwd: dataDir },
    );
    return { cert, key };
  } catch {
    return undefined;
  }
}

async function waitReady(host: string, port: number, exited: Promise<void>): Promise<boolean> {
  let dead = false;
  void exited.then(() => {
    dead = true;
  });
  for (let i = 0; i < 200 && !dead; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, host, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
