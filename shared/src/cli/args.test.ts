// Step flags as users type them: booleans in all four spellings, values with = or a space, and an
// unknown flag answered with the nearest known one.
import { describe, expect, it } from '@jest/globals';
import { UserError } from '../errors.js';
import { nearest, parseFlags, parseStepFlags } from './args.js';

const FLAGS = [
  { name: 'services' },
  { name: 'verify', boolean: true },
  { name: 'release-rollback', boolean: true },
  { name: 'timeout' },
];
const parse = (...argv: string[]) => parseStepFlags('deploy', argv, FLAGS);

function thrown(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    return err as UserError;
  }
  throw new Error('did not throw');
}

describe('parseStepFlags', () => {
  it('takes a boolean as --x, --x=false, --x false and --no-x', () => {
    expect(parse('--verify').values).toEqual({ verify: 'true' });
    expect(parse('--verify=false').values).toEqual({ verify: 'false' });
    expect(parse('--verify', 'false').values).toEqual({ verify: 'false' });
    expect(parse('--verify', 'no', '--services', 'api').values).toEqual({ verify: 'no', services: 'api' });
    expect(parse('--no-verify').values).toEqual({ verify: 'false' });
    expect(parse('--no-release-rollback', '--verify').values).toEqual({
      'release-rollback': 'false',
      verify: 'true',
    });
  });

  it('a bare boolean before another flag or a word that is not a boolean stays true', () => {
    expect(parse('--verify', '--timeout', '30')).toEqual({
      values: { verify: 'true', timeout: '30' },
      positionals: [],
    });
    expect(parse('--verify', 'extra')).toEqual({ values: { verify: 'true' }, positionals: ['extra'] });
  });

  it('takes values with = or a space, JSON included', () => {
    expect(parse('--services=["api","web"]', '--timeout', '60').values).toEqual({
      services: '["api","web"]',
      timeout: '60',
    });
  });

  it('refuses a value flag without a value, and --no- of a value flag', () => {
    expect(thrown(() => parse('--timeout')).message).toBe('option --timeout needs a value');
    expect(thrown(() => parse('--no-services')).message).toMatch(/^unknown option --no-services/);
  });

  it('answers an unknown flag with the nearest one (exit 2)', () => {
    const err = thrown(() => parse('--service', 'api'));
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe('unknown option --service (did you mean --services?)');
    expect(err.fix).toBe('run "cendence deploy --help" for its options');
    expect(thrown(() => parse('--verfy')).message).toBe('unknown option --verfy (did you mean --verify?)');
    expect(thrown(() => parse('--zzzzzz')).message).toBe('unknown option --zzzzzz');
  });
});

describe('nearest and parseFlags', () => {
  it('suggests only close names', () => {
    expect(nearest('timout', ['timeout', 'services'])).toBe('timeout');
    expect(nearest('region', ['endpoint', 'services'])).toBeUndefined();
  });

  it('commands built on parseArgs suggest too', () => {
    const err = thrown(() =>
      parseFlags('doctor', ['--regoin', 'eu-west-3'], {
        region: { type: 'string' },
        endpoint: { type: 'string' },
      }),
    );
    expect(err.message).toBe('unknown option --regoin (did you mean --region?)');
  });
});
