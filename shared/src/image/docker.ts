// The docker CLI as an ImageEngine. Credentials live in a private DOCKER_CONFIG folder per login, so
// the user's ~/.docker is never read or written and logout removes exactly what login created.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StepFailed, UserError } from '../errors.js';
import {
  type BuildRequest,
  type ImageEngine,
  loginFailed,
  type PushOutcome,
  type RegistryLogin,
} from './engine.js';
import { exec, ToolMissing, tail } from './exec.js';

export class DockerEngine implements ImageEngine {
  readonly name = 'docker';
  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly tool = 'docker',
  ) {}

  private run(
    args: string[],
    opts: { configDir?: string; stdin?: string; onLine?: (l: string) => void } = {},
  ) {
    const env = { ...this.env, ...(opts.configDir ? { DOCKER_CONFIG: opts.configDir } : {}) };
    return exec(this.tool, args, { env, stdin: opts.stdin, onLine: opts.onLine });
  }

  async check(): Promise<void> {
    let r: Awaited<ReturnType<DockerEngine['run']>>;
    try {
      r = await this.run(['version', '--format', '{{.Server.Version}}']);
    } catch (err) {
      if (err instanceof ToolMissing)
        throw new UserError('docker is not installed', 'engine', 'install docker, or use --engine buildah');
      throw err;
    }
    if (r.code !== 0) {
      throw new UserError(
        `docker is not running: ${tail(r.stderr, 3).trim()}`,
        'engine',
        'start the Docker daemon (or set DOCKER_HOST), or use --engine buildah on daemonless runners',
      );
    }
  }

  async imageId(ref: string): Promise<string | undefined> {
    const r = await this.run(['image', 'inspect', '--format', '{{.Id}}', ref]);
    return r.code === 0 ? r.stdout.trim() : undefined;
  }

  async imageSize(ref: string): Promise<number> {
    const r = await this.run(['image', 'inspect', '--format', '{{.Size}}', ref]);
    return r.code === 0 ? Number(r.stdout.trim()) || 0 : 0;
  }

  async pull(ref: string): Promise<boolean> {
    return (await this.run(['pull', '--quiet', ref])).code === 0;
  }

  async build(req: BuildRequest, onLine: (line: string) => void): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), 'cendence-build-'));
    try {
      const iidfile = path.join(dir, 'iid');
      const args = ['build', '--file', req.dockerfile, '--iidfile', iidfile];
      for (const t of req.tags) args.push('--tag', t);
      for (const [k, v] of Object.entries(req.buildArgs)) args.push('--build-arg', `${k}=${v}`);
      for (const [k, v] of Object.entries(req.labels)) args.push('--label', `${k}=${v}`);
      for (const c of req.cacheFrom) args.push('--cache-from', c);
      if (req.target) args.push('--target', req.target);
      if (req.network) args.push('--network', req.network);
      args.push(req.context);
      const r = await this.run(args, { onLine });
      if (r.code !== 0) throw new StepFailed(`docker build failed (exit ${r.code}):\n${tail(r.output)}`);
      return (await readFile(iidfile, 'utf8')).trim();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async login(login: RegistryLogin, configDir: string): Promise<void> {
    const r = await this.run(['login', '--username', login.username, '--password-stdin', login.registry], {
      configDir,
      stdin: login.password,
    });
    if (r.code !== 0) {
      throw loginFailed('docker', login.registry, tail(r.stderr, 3).trim());
    }
  }

  async push(
    ref: string,
    _login: RegistryLogin,
    configDir: string,
    onLine: (line: string) => void,
  ): Promise<PushOutcome> {
    const r = await this.run(['push', ref], { configDir, onLine });
    if (r.code !== 0) throw new PushFailed(ref, r.output);
    return parseDockerPush(r.output, ref);
  }

  async logout(registry: string, configDir: string): Promise<void> {
    await this.run(['logout', registry], { configDir });
  }
}

/** A failed push, with the engine's output so the caller can recognise an immutable-tag refusal. */
export class PushFailed extends StepFailed {
  constructor(
    readonly ref: string,
    readonly output: string,
  ) {
    super(`push of ${ref} failed:\n${tail(output, 10)}`);
  }
}

/** Reads the digest and the per-layer outcome from `docker push` output. */
export function parseDockerPush(output: string, ref: string): PushOutcome {
  const digest = /digest: (sha256:[0-9a-f]{64})/.exec(output)?.[1];
  if (!digest) throw new StepFailed(`push of ${ref} printed no digest:\n${tail(output, 10)}`);
  // The last state of each layer id: "Pushed", "Layer already exists", "Mounted from …".
  const last = new Map<string, string>();
  for (const m of output.matchAll(/^([0-9a-f]{12}): (.+)$/gm)) last.set(m[1], m[2]);
  let layersPushed = 0;
  let layersSkipped = 0;
  for (const state of last.values()) {
    if (state.startsWith('Pushed')) layersPushed++;
    else if (/already exists|Mounted from/.test(state)) layersSkipped++;
  }
  return { digest, layersPushed, layersSkipped };
}
