// The container engine port: what build, test and push need from docker or buildah. Each engine runs
// its CLI with argv arrays (image/exec.ts); registry passwords reach it only through stdin.

import { UserError } from '../errors.js';
import type { CacheStats, ServiceCache } from './cache.js';

export type EngineName = 'docker' | 'buildah';

export interface BuildRequest {
  /** Absolute paths. */
  dockerfile: string;
  context: string;
  tags: string[];
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  target?: string;
  /** Build-time network: undefined = the engine's default, or e.g. "host". */
  network?: string;
  /** Images whose layers may be reused. */
  cacheFrom: string[];
  /** Registry layer cache (imported before, exported after a successful build). */
  cache?: ServiceCache;
  /** Target platforms ("linux/arm64"); empty: the engine's own. More than one builds an image index. */
  platforms?: string[];
  /** Secret files mounted for RUN only (RUN --mount=type=secret,id=…). */
  secrets?: { id: string; src: string }[];
  /** Private registry credentials (from withRegistryLogin), for cache import and export. */
  registryAuth?: { configDir: string; insecure: boolean };
}

export interface BuildOutcome {
  /** Local image id (an image index id for a multi-platform build). */
  imageId: string;
  cache: CacheStats;
  /** Cache problems that did not fail the build (missing or unreadable cache: built cold). */
  warnings: string[];
  /** Cache references the build imported without error (docker). */
  cacheRead?: string[];
}

export interface RegistryLogin {
  /** Registry host, e.g. "123456789012.dkr.ecr.eu-west-3.amazonaws.com" or "127.0.0.1:4566". */
  registry: string;
  username: string;
  password: string;
  /** Plain-HTTP registry (the local emulator). */
  insecure: boolean;
}

export interface PushOutcome {
  /** Manifest digest the registry stored, "sha256:…". */
  digest: string;
  /** Layers uploaded vs already present in the registry (as reported by the engine). */
  layersPushed: number;
  layersSkipped: number;
}

export interface ImageEngine {
  readonly name: EngineName;
  /** Throws a UserError when the engine is missing or not running (docker daemon down). */
  check(): Promise<void>;
  /** The local image id of a reference, or undefined when it is not present. */
  imageId(ref: string): Promise<string | undefined>;
  /** Size in bytes of a local image. */
  imageSize(ref: string): Promise<number>;
  pull(ref: string): Promise<boolean>;
  /** A file of a local image's filesystem (read without running it); undefined when absent. */
  readImageFile(ref: string, file: string): Promise<Buffer | undefined>;
  /** Architectures ("amd64", "arm64") a local image (or manifest list) offers; empty when unknown. */
  architectures(ref: string): Promise<string[]>;
  /** Starts the look-ups a build will need (which client builds) while the caller does other work. */
  prepareBuild?(): void;
  /** Builds and returns the image id with the cache figures. */
  build(req: BuildRequest, onLine: (line: string) => void): Promise<BuildOutcome>;
  /** Exports the registry cache of a build that succeeded; returns the references written. */
  exportCache(req: BuildRequest, onLine: (line: string) => void, built?: BuildOutcome): Promise<string[]>;
  /** Logs in with credentials kept in `configDir` (never the user's own), password on stdin. */
  login(login: RegistryLogin, configDir: string): Promise<void>;
  push(
    ref: string,
    login: RegistryLogin,
    configDir: string,
    onLine: (line: string) => void,
  ): Promise<PushOutcome>;
  logout(registry: string, configDir: string): Promise<void>;
}

/** Registry errors that mean "this tag exists and the repository refuses to move it". */
export function isImmutableTagError(output: string): boolean {
  return /tag[ _]invalid|already exists.*(immutable|cannot be overwritten)|ImageTagAlreadyExists/i.test(
    output,
  );
}

/** A refused registry login, worded the same for every engine. */
export function loginFailed(engine: EngineName, registry: string, detail: string): UserError {
  return new UserError(
    `${engine} login to ${registry} failed: ${detail}`,
    'registry',
    'check the AWS credentials can call ecr:GetAuthorizationToken and reach the registry',
  );
}
