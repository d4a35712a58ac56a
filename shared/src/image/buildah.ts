// buildah as an ImageEngine, for runners without a Docker daemon: chroot isolation and the vfs driver
// (no privileges, no fuse), images kept in a private storage root so build and push steps share it
// without touching the system's containers storage. Pushes Docker-format manifests (what ECR and
// `docker pull` expect; buildah's default OCI format is not served to docker-only Accept headers).
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StepFailed, UserError } from '../errors.js';
import { cacheStats, repositoryOf } from './cache.js';
import { PushFailed } from './docker.js';
import {
  type BuildOutcome,
  type BuildRequest,
  type ImageEngine,
  loginFailed,
  type PushOutcome,
  type RegistryLogin,
} from './engine.js';
import { exec, ToolMissing, tail } from './exec.js';

/**
 * buildah (1.28) names remote cache images by a key that leaves the platform out, so the platforms of one
 * multi-platform build overwrite each other's entries (an amd64 layer found for an arm64 step).
 */
const MULTI_PLATFORM_CACHE =
  'the registry cache is not used for a multi-platform buildah build (buildah keys cache images without the platform); the local layer cache still is';

export const DEFAULT_BUILDAH_ROOT = path.join(tmpdir(), 'cendence-buildah');

export class BuildahEngine implements ImageEngine {
  readonly name = 'buildah';
  private readonly storage: string[];

  constructor(
    /** Folder holding the private storage (root/ and run/). */
    readonly storageDir = DEFAULT_BUILDAH_ROOT,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.storage = [
      '--root',
      path.join(storageDir, 'root'),
      '--runroot',
      path.join(storageDir, 'run'),
      '--storage-driver',
      'vfs',
    ];
  }

  private run(args: string[], opts: { stdin?: string; onLine?: (l: string) => void } = {}) {
    return exec('buildah', [...this.storage, ...args], {
      env: this.env,
      stdin: opts.stdin,
      onLine: opts.onLine,
    });
  }

  async check(): Promise<void> {
    try {
      const r = await exec('buildah', ['--version'], { env: this.env });
      if (r.code !== 0) throw new UserError(`buildah does not run: ${tail(r.output, 3)}`, 'engine');
    } catch (err) {
      if (err instanceof ToolMissing)
        throw new UserError('buildah is not installed', 'engine', 'install buildah, or use --engine docker');
      throw err;
    }
  }

  async imageId(ref: string): Promise<string | undefined> {
    const r = await this.run(['inspect', '--type', 'image', '--format', '{{.FromImageID}}', ref]);
    return r.code === 0 ? `sha256:${r.stdout.trim().replace(/^sha256:/, '')}` : undefined;
  }

  async imageSize(ref: string): Promise<number> {
    const r = await this.run(['images', '--json', ref]);
    if (r.code !== 0) return 0;
    // buildah prints sizes for people ("1.99 MB", decimal units); good enough for an estimate.
    const size = (JSON.parse(r.stdout) as { size?: string }[])[0]?.size ?? '';
    const m = /^([\d.]+)\s*([kMGT]?B)$/.exec(size);
    const unit: Record<string, number> = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12 };
    return m ? Math.round(Number(m[1]) * (unit[m[2]] ?? 1)) : 0;
  }

  async readImageFile(ref: string, file: string): Promise<Buffer | undefined> {
    const from = await this.run(['from', '--pull-never', ref]);
    if (from.code !== 0) return undefined;
    const ctr = from.stdout.trim().split('\n').pop()!;
    try {
      const mount = await this.run(['mount', ctr]);
      if (mount.code !== 0) return undefined;
      return await readFile(path.join(mount.stdout.trim(), file)).catch(() => undefined);
    } finally {
      await this.run(['rm', ctr]);
    }
  }

  async architectures(ref: string): Promise<string[]> {
    const list = await this.listArchitectures(ref);
    if (list) return list;
    const r = await this.run(['inspect', '--type', 'image', '--format', '{{.OCIv1.Architecture}}', ref]);
    return r.code === 0 ? [r.stdout.trim()] : [];
  }

  async pull(ref: string): Promise<boolean> {
    return (await this.run(['pull', '--quiet', ref])).code === 0;
  }

  /** `bud` argv for a request; the registry cache and credentials are added by the caller. */
  private budArgs(req: BuildRequest): string[] {
    const args = ['bud', '--isolation', 'chroot', '--format', 'docker', '--layers', '--file', req.dockerfile];
    for (const t of req.tags) args.push('--tag', t);
    for (const [k, v] of Object.entries(req.buildArgs)) args.push('--build-arg', `${k}=${v}`);
    for (const [k, v] of Object.entries(req.labels)) args.push('--label', `${k}=${v}`);
    for (const s of req.secrets ?? []) args.push('--secret', `id=${s.id},src=${s.src}`);
    const platforms = req.platforms ?? [];
    if (platforms.length > 0) args.push('--platform', platforms.join(','));
    // Several platforms make a manifest list named by the first tag; `push` sends it with --all.
    if (platforms.length > 1) args.splice(args.indexOf('--tag'), 2, '--manifest', req.tags[0]);
    if (req.target) args.push('--target', req.target);
    if (req.network) args.push('--network', req.network);
    if (req.registryAuth) args.push(...this.authArgs(req.registryAuth, req.registryAuth.configDir));
    return args;
  }

  async build(req: BuildRequest, onLine: (line: string) => void): Promise<BuildOutcome> {
    const dir = await mkdtemp(path.join(tmpdir(), 'cendence-build-'));
    try {
      const multi = (req.platforms?.length ?? 0) > 1;
      const iidfile = path.join(dir, 'iid');
      const cacheFrom = multi ? [] : (req.cache?.from ?? []).map(repositoryOf);
      const attempt = (withCache: boolean) => {
        const args = this.budArgs(req);
        if (withCache) for (const c of cacheFrom) args.push('--cache-from', c);
        if (!multi) args.push('--iidfile', iidfile);
        return this.run([...args, req.context], { onLine });
      };
      const warnings: string[] = [];
      if (multi && req.cache) warnings.push(MULTI_PLATFORM_CACHE);
      let r = await attempt(true);
      if (r.code !== 0 && cacheFrom.length > 0 && /cache/i.test(r.output)) {
        warnings.push(
          `the build failed with the registry cache (${tail(r.output, 1).trim()}); built again without it`,
        );
        r = await attempt(false);
      }
      if (r.code !== 0) throw new StepFailed(`buildah bud failed (exit ${r.code}):\n${tail(r.output)}`);
      const imageId = multi ? await this.listId(req.tags[0]) : (await readFile(iidfile, 'utf8')).trim();
      return { imageId, cache: cacheStats(r.output), warnings };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** A local manifest list's identity: the digest of its manifest as stored. */
  private async listId(name: string): Promise<string> {
    const r = await this.run(['manifest', 'inspect', name]);
    if (r.code !== 0) throw new StepFailed(`buildah manifest inspect ${name} failed: ${tail(r.output, 3)}`);
    return `sha256:${createHash('sha256').update(r.stdout).digest('hex')}`;
  }

  /** Whether `ref` is a local manifest list (a multi-platform build). */
  async isList(ref: string): Promise<boolean> {
    return (await this.listArchitectures(ref)) !== undefined;
  }

  /** The architectures of a local manifest list; undefined when `ref` is not one. */
  private async listArchitectures(ref: string): Promise<string[] | undefined> {
    const r = await this.run(['manifest', 'inspect', ref]);
    if (r.code !== 0) return undefined;
    try {
      const doc = JSON.parse(r.stdout) as { manifests?: { platform?: { architecture?: string } }[] };
      return doc.manifests?.map((m) => m.platform?.architecture ?? '').filter(Boolean);
    } catch {
      return undefined;
    }
  }

  /**
   * buildah pushes cache layers while it builds, so the export is a second pass after the build
   * succeeded: every step is a local cache hit, and each layer is pushed under its cache key.
   */
  async exportCache(req: BuildRequest, onLine: (line: string) => void): Promise<string[]> {
    const to = req.cache?.to;
    if (!to || (req.platforms?.length ?? 0) > 1) return [];
    const repo = repositoryOf(to);
    const r = await this.run([...this.budArgs(req), '--cache-to', repo, req.context], { onLine });
    if (r.code !== 0) throw new StepFailed(`cache export to ${repo} failed:\n${tail(r.output, 5)}`);
    return [...new Set([...r.output.matchAll(/Pushing cache (\S+)/g)].map((m) => m[1]))];
  }

  private authArgs(login: { insecure: boolean } | undefined, configDir: string): string[] {
    return [
      '--authfile',
      path.join(configDir, 'auth.json'),
      ...(login?.insecure ? ['--tls-verify=false'] : []),
    ];
  }

  async login(login: RegistryLogin, configDir: string): Promise<void> {
    const args = [
      'login',
      ...this.authArgs(login, configDir),
      '--username',
      login.username,
      '--password-stdin',
    ];
    const r = await this.run([...args, login.registry], { stdin: login.password });
    if (r.code !== 0) {
      throw loginFailed('buildah', login.registry, tail(r.stderr, 3).trim());
    }
  }

  async push(
    ref: string,
    login: RegistryLogin,
    configDir: string,
    onLine: (line: string) => void,
  ): Promise<PushOutcome> {
    const digestfile = path.join(configDir, 'digest');
    const common = [...this.authArgs(login, configDir), '--digestfile', digestfile];
    // A multi-platform build is a manifest list: pushed with every image it lists.
    const args = (await this.isList(ref))
      ? ['manifest', 'push', '--all', '--format', 'v2s2', ...common, ref, `docker://${ref}`]
      : ['push', '--format', 'docker', ...common, ref];
    const r = await this.run(args, { onLine });
    if (r.code !== 0) throw new PushFailed(ref, r.output);
    const digest = (await readFile(digestfile, 'utf8')).trim();
    const blobs = [...r.output.matchAll(/^Copying blob \S+ (.*)$/gm)].map((m) => m[1]);
    const layersSkipped = blobs.filter((b) => /skipped|already exists/.test(b)).length;
    return { digest, layersPushed: blobs.length - layersSkipped, layersSkipped };
  }

  async logout(registry: string, configDir: string): Promise<void> {
    await this.run(['logout', '--authfile', path.join(configDir, 'auth.json'), registry]);
  }
}
