import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shownValue } from '../../src/domain/shown-value.ts';

describe('shownValue', () => {
  it('quotes any parsed JSON value without throwing, even one with its own toString', () => {
    expect(() => String([{ toString: '' }])).toThrow();
    expect(shownValue([{ toString: '' }])).toBe('[{"toString":""}]');
    expect(shownValue('2025-13-01')).toBe('2025-13-01');
    fc.assert(fc.property(fc.jsonValue(), (v) => typeof shownValue(v) === 'string'));
    fc.assert(fc.property(fc.anything(), (v) => typeof shownValue(v) === 'string'));
  });
});
