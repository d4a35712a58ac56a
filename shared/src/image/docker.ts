// The docker CLI as an ImageEngine. Credentials live in a private DOCKER_CONFIG folder per login, so
// the user's ~/.docker is never read or written and logout removes exactly what login created.
// Builds use BuildKit (the daemon's own, DOCKER_BUILDKIT=1) with its inline cache: the cache metadata
// rides in the image config, `--cache-from <ref>` imports it from the registry and pulls only the layers
// a build needs. Debian's docker.io 20.10 has no registry cache exporter (that is buildx with a
// docker-container builder: --cache-to type=registry,mode=max); mode max is made here by pushing every
// named stage as its own inline-cache image (<ref>-<stage>). Newer clients (≥ 23) refuse BuildKit
// without the buildx plugin, so an older client found on PATH (Debian's /usr/bin/docker) is used then.
import { existsSync, realpathSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StepFailed, UserError } from '../errors.js';
import { cacheStats, stageRef } from './cache.js';
import { earlierStages, hasRunMounts } from './dockerfile.js';
import { contentNamedDockerfile } from './dockerfile-copy.js';
import {
  type BuildOutcome,
  type BuildRequest,
  type ImageEngine,
  loginFailed,
  type PushOutcome,
  type RegistryLogin,
} from './engine.js';
import { exec, ToolMissing, tail } from './exec.js';

/** How builds run: a client that speaks to the daemon's BuildKit, or the classic builder. */
interface BuildClient {
  tool: string;
  buildkit: boolean;
}

export class DockerEngine implements ImageEngine {
  readonly name = 'docker';
  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly tool = 'docker',
  ) {}

  private client?: Promise<BuildClient>;

  private run(
    args: string[],
    opts: {
      configDir?: string;
      stdin?: string;
      onLine?: (l: string) => void;
      tool?: string;
      buildkit?: boolean;
    } = {},
  ) {
    const env = {
      ...this.env,
      ...(opts.configDir ? { DOCKER_CONFIG: opts.configDir } : {}),
      ...(opts.buildkit !== undefined ? { DOCKER_BUILDKIT: opts.buildkit ? '1' : '0' } : {}),
    };
    return exec(opts.tool ?? this.tool, args, { env, stdin: opts.stdin, onLine: opts.onLine });
  }

  /** The client builds go through, found once: this one with buildx or < 23, another < 23 on PATH, else classic. */
  buildClient(): Promise<BuildClient> {
    this.client ??= (async () => {
      const major = async (tool: string) => {
        const r = await exec(tool, ['version', '--format', '{{.Client.Version}}'], { env: this.env }).catch(
          () => undefined,
        );
        return r?.code === 0 ? Number(r.stdout.trim().split('.')[0]) : Number.NaN;
      };
      const buildx = await exec(this.tool, ['buildx', 'version'], { env: this.env }).catch(() => undefined);
      if (buildx?.code === 0 || (await major(this.tool)) < 23) return { tool: this.tool, buildkit: true };
      const seen = new Set<string>();
      for (const dir of (this.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
        const candidate = path.join(dir, 'docker');
        if (!existsSync(candidate)) continue;
        const real = realpathSync(candidate);
        if (seen.has(real)) continue;
        seen.add(real);
        if ((await major(candidate)) < 23) return { tool: candidate, buildkit: true };
      }
      return { tool: this.tool, buildkit: false };
    })();
    return this.client;
  }

  prepareBuild(): void {
    // A failure reaches the build that awaits the same promise; here it is only kept from being unhandled.
    this.buildClient().catch(() => {});
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

  async readImageFile(ref: string, file: string): Promise<Buffer | undefined> {
    // A created (never started) container exposes the image's files to `docker cp`.
    const created = await this.run([
      'create',
      '--label',
      'cendence.io/purpose=read-file',
      ref,
      '/nonexistent',
    ]);
    if (created.code !== 0) return undefined;
    const id = created.stdout.trim();
    const dir = await mkdtemp(path.join(tmpdir(), 'cendence-read-'));
    try {
      const r = await this.run(['cp', `${id}:${file}`, path.join(dir, 'file')]);
      return r.code === 0 ? await readFile(path.join(dir, 'file')) : undefined;
    } finally {
      await this.run(['rm', '--force', id]);
      await rm(dir, { recursive: true, force: true });
    }
  }

  async architectures(ref: string): Promise<string[]> {
    const r = await this.run(['image', 'inspect', '--format', '{{.Architecture}}', ref]);
    return r.code === 0 ? [r.stdout.trim()] : [];
  }

  async pull(ref: string): Promise<boolean> {
    return (await this.run(['pull', '--quiet', ref])).code === 0;
  }

  async build(req: BuildRequest, onLine: (line: string) => void): Promise<BuildOutcome> {
    const client = await this.buildClient();
    const platforms = req.platforms ?? [];
    if (platforms.length > 1) {
      throw new UserError(
        `docker here cannot build an image index for ${platforms.join(', ')}: the daemon's image store holds one platform`,
        'platforms',
        'use --engine buildah for several platforms (a manifest list), or build one platform at a time',
      );
    }
    if (!client.buildkit && (req.secrets?.length || platforms.length > 0)) {
      throw new UserError(
        `${req.secrets?.length ? 'build secrets' : 'a target platform'} need BuildKit, which this docker client (≥ 23, no buildx) cannot use`,
        req.secrets?.length ? 'secrets' : 'platforms',
        "install the buildx plugin or Debian's docker.io client, or use --engine buildah",
      );
    }
    const text = await readFile(req.dockerfile, 'utf8');
    if (!client.buildkit && hasRunMounts(text)) {
      throw new UserError(
        `${path.basename(req.dockerfile)} mounts files into a RUN (RUN --mount), which needs BuildKit; this docker client (≥ 23, no buildx) cannot use it`,
        'engine',
        "install the buildx plugin or Debian's docker.io client, or use --engine buildah",
      );
    }
    const cacheFrom = [...req.cacheFrom];
    if (client.buildkit && req.cache) {
      // Stage images first: a stage's cache is only there in mode max, a missing one is skipped by BuildKit.
      for (const ref of req.cache.from) {
        cacheFrom.push(...earlierStages(text).map((st) => stageRef(ref, st)), ref);
      }
    }
    const attempt = (withCache: boolean) =>
      inTempDir('cendence-build-', async (dir) => {
        const iidfile = path.join(dir, 'iid');
        const dockerfile = client.buildkit
          ? await contentNamedDockerfile(req.dockerfile, text, dir)
          : req.dockerfile;
        const args = this.buildArgs({ ...req, dockerfile }, client, withCache ? cacheFrom : req.cacheFrom);
        args.push('--iidfile', iidfile, req.context);
        const r = await this.run(args, {
          onLine,
          tool: client.tool,
          buildkit: client.buildkit,
          configDir: req.registryAuth?.configDir,
        });
        const imageId = r.code === 0 ? (await readFile(iidfile, 'utf8')).trim() : undefined;
        return { r, imageId };
      });
    const warnings: string[] = [];
    if (!client.buildkit && req.cache)
      warnings.push('BuildKit is not available to this docker client: the registry cache was not used');
    let { r, imageId } = await attempt(true);
    if (!imageId && cacheFrom.length > req.cacheFrom.length && /importing cache|cache/i.test(r.output)) {
      warnings.push(
        `the build failed with the registry cache (${tail(r.output, 1).trim()}); built again without it`,
      );
      ({ r, imageId } = await attempt(false));
    }
    if (!imageId) throw new StepFailed(`docker build failed (exit ${r.code}):\n${tail(r.output)}`);
    const cacheRead: string[] = [];
    for (const m of r.output.matchAll(/^#(\d+) importing cache manifest from (\S+)$/gm)) {
      const error = new RegExp(`^#${m[1]} ERROR: (.*)$`, 'm').exec(r.output)?.[1];
      if (!error) cacheRead.push(m[2]);
      // Stage caches exist only after a mode-max export: their absence is not worth a warning.
      else if (req.cache?.from.includes(m[2]))
        warnings.push(`cache ${m[2]} could not be read (${error}); its layers were built cold`);
    }
    return { imageId, cache: cacheStats(r.output), warnings, cacheRead };
  }

  private buildArgs(
    req: BuildRequest,
    client: BuildClient,
    cacheFrom: string[],
    target = req.target,
  ): string[] {
    const args = ['build', '--file', req.dockerfile];
    if (client.buildkit) args.push('--progress', 'plain');
    for (const t of req.tags) args.push('--tag', t);
    for (const [k, v] of Object.entries(req.buildArgs)) args.push('--build-arg', `${k}=${v}`);
    if (client.buildkit && req.cache?.to) args.push('--build-arg', 'BUILDKIT_INLINE_CACHE=1');
    for (const [k, v] of Object.entries(req.labels)) args.push('--label', `${k}=${v}`);
    for (const c of cacheFrom) args.push('--cache-from', c);
    for (const s of req.secrets ?? []) args.push('--secret', `id=${s.id},src=${s.src}`);
    for (const p of req.platforms ?? []) args.push('--platform', p);
    if (target) args.push('--target', target);
    if (req.network) args.push('--network', req.network);
    return args;
  }

  async exportCache(
    req: BuildRequest,
    onLine: (line: string) => void,
    built?: BuildOutcome,
  ): Promise<string[]> {
    const to = req.cache?.to;
    const client = await this.buildClient();
    if (!to || !client.buildkit) return [];
    const opts = { onLine, tool: client.tool, buildkit: true, configDir: req.registryAuth?.configDir };
    const written: string[] = [];
    const push = async (ref: string) => {
      const r = await this.run(['push', ref], opts);
      await this.run(['image', 'rm', ref], opts);
      if (r.code !== 0) throw new StepFailed(`cache push of ${ref} failed:\n${tail(r.output, 5)}`);
      written.push(ref);
    };
    if (req.cache?.mode === 'max') {
      // Each earlier stage as an inline-cache image: all its steps are in the local cache by now. A stage
      // the build answered wholly from the very reference it would be saved to is left as it is: rebuilding
      // it here would only pull (or even rerun) what the registry already holds.
      const text = await readFile(req.dockerfile, 'utf8');
      await inTempDir('cendence-cache-', async (dir) => {
        const dockerfile = await contentNamedDockerfile(req.dockerfile, text, dir);
        for (const stage of earlierStages(text)) {
          const ref = stageRef(to, stage);
          if (
            built?.cache.stagesRan &&
            !built.cache.stagesRan.includes(stage) &&
            built.cacheRead?.includes(ref)
          ) {
            onLine(`cache ${ref} is unchanged (every step of stage ${stage} came from it): not saved again`);
            continue;
          }
          const args = this.buildArgs({ ...req, dockerfile, tags: [ref], labels: {} }, client, [], stage);
          const r = await this.run([...args, req.context], opts);
          if (r.code !== 0)
            throw new StepFailed(`cache build of stage ${stage} failed:\n${tail(r.output, 5)}`);
          await push(ref);
        }
      });
    }
    const tagged = await this.run(['tag', req.tags[0], to], opts);
    if (tagged.code !== 0) throw new StepFailed(`docker tag ${to} failed: ${tail(tagged.output, 3)}`);
    await push(to);
    return written;
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

/** Runs `fn` with a fresh temporary directory, removed afterwards whatever happens. */
async function inTempDir<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
