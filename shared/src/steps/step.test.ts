import { describe, expect, it } from '@jest/globals';
import { UserError } from '../errors.js';
import { type InputSpec, Inputs } from './step.js';

const specs: InputSpec[] = [
  { name: 'wait', description: 'wait for the outcome', kind: 'boolean', default: 'true' },
  { name: 'timeout', description: 'seconds', kind: 'number' },
  { name: 'services', description: 'services', kind: 'list' },
  {
    name: 'on-cancel',
    description: 'policy',
    kind: 'choice',
    options: ['rollback', 'leave'],
    default: 'rollback',
  },
  { name: 'cluster', description: 'the ECS cluster', required: true },
];

const inputs = (values: Record<string, string>) => new Inputs((n) => values[n], specs);

describe('Inputs', () => {
  it('applies defaults and parses kinds', () => {
    const i = inputs({ timeout: '30', services: 'auth, game\nai' });
    expect(i.boolean('wait')).toBe(true);
    expect(i.number('timeout')).toBe(30);
    expect(i.list('services')).toEqual(['auth', 'game', 'ai']);
    expect(i.choice('on-cancel')).toBe('rollback');
  });

  it('names the input and the fix when a value is wrong', () => {
    expect(() => inputs({ wait: 'maybe' }).boolean('wait')).toThrow(
      'input "wait" must be true or false, got "maybe"',
    );
    expect(() => inputs({ timeout: 'soon' }).number('timeout')).toThrow('input "timeout" must be a number');
    expect(() => inputs({ 'on-cancel': 'panic' }).choice('on-cancel')).toThrow(
      'input "on-cancel" must be one of rollback, leave, got "panic"',
    );
    const err = (() => {
      try {
        inputs({}).required('cluster');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).where).toBe('cluster');
    expect((err as UserError).fix).toBe('the ECS cluster');
  });

  it('refuses to read an input the step did not declare', () => {
    expect(() => inputs({}).string('clutser')).toThrow('not declared');
  });
});
