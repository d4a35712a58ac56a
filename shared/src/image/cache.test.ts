import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { UserError } from '../errors.js';
import { cacheSettings, cacheStats, repositoryOf, serviceCache, withTag } from './cache.js';
import { earlierStages } from './dockerfile.js';
import { parsePlatforms } from './platforms.js';
import { debPackages, npmPackages } from './sbom.js';
import { parseSecrets } from './secrets.js';

const names = { image: '127.0.0.1:4566/shop/api', repository: 'shop/api', service: 'api' };

describe('registry cache references', () => {
  it('defaults to {image}:buildcache both ways; "none" switches a side off', () => {
    expect(serviceCache(cacheSettings([], undefined, 'max'), names, '127.0.0.1:4566')).toEqual({
      from: ['127.0.0.1:4566/shop/api:buildcache'],
      to: '127.0.0.1:4566/shop/api:buildcache',
      mode: 'max',
    });
    expect(cacheSettings(['none'], 'none', 'min')).toEqual({ from: [], to: undefined, mode: 'min' });
  });

  it('refuses a cache in a registry the step holds no credentials for, naming the input', () => {
    const s = cacheSettings(['ghcr.example.invalid/cache:x'], undefined, 'max');
    const err = (() => {
      try {
        serviceCache(s, names, '127.0.0.1:4566');
      } catch (e) {
        return e as UserError;
      }
    })();
    expect(err).toBeInstanceOf(UserError);
    expect(err?.where).toBe('cache-from');
    expect(() => cacheSettings(['a b'], undefined, 'max')).toThrow(/not an image reference/);
  });

  it('adds a tag where none is given and strips it for buildah', () => {
    expect(withTag('127.0.0.1:4566/shop/api')).toBe('127.0.0.1:4566/shop/api:buildcache');
    expect(repositoryOf('127.0.0.1:4566/shop/api:buildcache')).toBe('127.0.0.1:4566/shop/api');
  });

  it('counts BuildKit and buildah cache hits and the instructions that ran', () => {
    const buildkit = [
      '#4 [build 1/3] COPY package.json ./',
      '#4 sha256:abc',
      '#4 CACHED',
      '#5 [build 2/3] RUN npm ci',
      '#5 CACHED',
      '#6 [build 3/3] COPY src/ src/',
      '#6 DONE 0.1s',
      '#7 [common  2/3] RUN npm ci',
      '#7 CACHED',
      '#8 [stage-1 1/1] COPY --from=build /src/dist ./dist',
      '#8 DONE 0.0s',
    ].join('\n');
    // The stages that ran decide which stage caches a mode-max export must save again (common: none).
    expect(cacheStats(buildkit)).toEqual({
      hits: 3,
      misses: 2,
      ran: ['COPY src/ src/', 'COPY --from=build /src/dist ./dist'],
      stagesRan: ['build', 'stage-1'],
    });
    const buildah = [
      '[linux/arm64] STEP 2/3: COPY a /a',
      '--> Using cache 1234',
      '[linux/arm64] STEP 3/3: RUN make',
      '--> 5678',
    ].join('\n');
    expect(cacheStats(buildah)).toEqual({ hits: 1, misses: 1, ran: ['RUN make'] });
  });

  it('knows which stages a mode-max cache exports besides the image', () => {
    expect(earlierStages('FROM a AS build\nRUN x\nFROM b AS deps\nFROM c AS final\n')).toEqual([
      'build',
      'deps',
    ]);
    expect(earlierStages('FROM a\n')).toEqual([]);
  });
});

describe('platforms and secrets', () => {
  it('accepts what Fargate runs and names the input otherwise', () => {
    expect(parsePlatforms(['linux/amd64', 'linux/arm64', 'linux/amd64'])).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
    expect(() => parsePlatforms(['linux/ppc64le'])).toThrow(/'linux\/ppc64le', which Fargate does not run/);
  });

  it('reads id=…,src=… and id=…,env=… and checks each source exists', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cendence-secrets-test-'));
    await writeFile(path.join(dir, '.npmrc'), 'x');
    expect(parseSecrets('id=npmrc,src=.npmrc;id=token,env=T', dir, { T: 'v' })).toEqual([
      { id: 'npmrc', src: path.join(dir, '.npmrc') },
      { id: 'token', env: 'T' },
    ]);
    expect(() => parseSecrets('id=npmrc,src=absent', dir, {})).toThrow(/does not exist/);
    expect(() => parseSecrets('id=npmrc', dir, {})).toThrow(/has no source/);
    expect(() => parseSecrets('src=x', dir, {})).toThrow(/not id=…, src=… or env=…/);
  });
});

describe('SBOM packages', () => {
  it('lists production npm packages of a lockfile and installed dpkg packages', () => {
    const lock = JSON.stringify({
      packages: {
        '': { name: 'app' },
        'node_modules/@scope/lib': { version: '1.2.3' },
        'node_modules/jest': { version: '30.0.0', dev: true },
        'node_modules/common': { link: true },
      },
    });
    expect(npmPackages(lock).map((p) => p.purl)).toEqual(['pkg:npm/%40scope/lib@1.2.3']);
    const status =
      'Package: bash\nStatus: install ok installed\nVersion: 5.2-1\nArchitecture: amd64\n\nPackage: gone\nStatus: deinstall ok config-files\nVersion: 1\n';
    expect(debPackages(status).map((p) => p.purl)).toEqual(['pkg:deb/debian/bash@5.2-1?arch=amd64']);
  });
});
