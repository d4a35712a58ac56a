import { describe, expect, it } from '@jest/globals';
import { ecrRegistry, parseImageRef } from './image-ref.js';

const d = `sha256:${'a'.repeat(64)}`;

describe('image references', () => {
  it('splits registry, repository, tag and digest', () => {
    expect(parseImageRef(`123456789012.dkr.ecr.eu-west-3.amazonaws.com/team/api:v1@${d}`)).toEqual({
      registry: '123456789012.dkr.ecr.eu-west-3.amazonaws.com',
      repository: 'team/api',
      tag: 'v1',
      digest: d,
    });
    expect(parseImageRef(`127.0.0.1:4566/api@${d}`)).toEqual({
      registry: '127.0.0.1:4566',
      repository: 'api',
      digest: d,
    });
    expect(parseImageRef('nginx')).toEqual({ repository: 'nginx' });
  });

  it('rejects what is not a reference', () => {
    for (const bad of ['', 'not an image', '<IMAGE>', 'api@sha256:short', 'API:v1'])
      expect(parseImageRef(bad)).toBeUndefined();
  });

  it('recognises ECR and emulator registries, with account and region', () => {
    expect(ecrRegistry('123456789012.dkr.ecr.eu-west-3.amazonaws.com')).toEqual({
      accountId: '123456789012',
      region: 'eu-west-3',
    });
    expect(ecrRegistry('127.0.0.1:4566')).toEqual({});
    expect(ecrRegistry('ghcr.io')).toBeUndefined();
    expect(ecrRegistry(undefined)).toBeUndefined();
  });
});
