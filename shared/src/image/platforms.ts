// Target platforms of a build: what Fargate runs (linux/amd64 = X86_64, linux/arm64 = ARM64 Graviton),
// checked by name before anything is built.
import { UserError } from '../errors.js';

export type CpuArchitecture = 'X86_64' | 'ARM64';

const FARGATE: Record<string, CpuArchitecture> = { 'linux/amd64': 'X86_64', 'linux/arm64': 'ARM64' };
export const KNOWN_PLATFORMS = Object.keys(FARGATE);

/** The `platforms` input: "linux/amd64,linux/arm64"; empty means the engine's own (linux/amd64 here). */
export function parsePlatforms(items: string[]): string[] {
  const out: string[] = [];
  for (const raw of items) {
    const p = raw.trim().toLowerCase();
    if (!FARGATE[p]) {
      throw new UserError(
        `input "platforms" has '${raw}', which Fargate does not run`,
        'platforms',
        `use ${KNOWN_PLATFORMS.join(' and/or ')}, comma-separated`,
      );
    }
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

export function cpuArchitecture(platform: string): CpuArchitecture {
  const a = FARGATE[platform];
  if (!a) throw new Error(`no Fargate architecture for ${platform}`);
  return a;
}

/** "linux/arm64" for an OCI platform object {os, architecture}. */
export function platformName(p: { os?: string; architecture?: string }): string {
  return `${p.os ?? 'linux'}/${p.architecture ?? 'amd64'}`;
}

/** The Fargate architecture of an OCI/Docker architecture name ("arm64", "amd64"), if Fargate runs it. */
export function fargateArchitecture(arch: string | undefined): CpuArchitecture | undefined {
  return arch ? FARGATE[`linux/${arch}`] : undefined;
}
