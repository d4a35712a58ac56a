import { describe, expect, it } from '@jest/globals';
import { Masker } from './types.js';

describe('Masker', () => {
  it('masks every occurrence, longest secret first', () => {
    const m = new Masker();
    m.add('abcd');
    m.add('abcdefgh');
    expect(m.apply('token=abcdefgh and abcd!')).toBe('token=*** and ***!');
  });
  it('ignores values too short to be secrets', () => {
    const m = new Masker();
    m.add('a');
    m.add('');
    expect(m.apply('a banana')).toBe('a banana');
  });
});
