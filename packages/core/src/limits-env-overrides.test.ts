// The service's limits come from DEFAULTS.limits, each overridable by one
// environment variable; a malformed override is refused, never ignored.
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from './defaults.js';
import { LIMIT_ENV, limits } from './limits.js';

describe('limits()', () => {
  it('are the defaults when nothing is set', () => {
    expect(limits({})).toEqual(DEFAULTS.limits);
    expect(limits({}).epochs).toBe(1000);
  });

  it('has one environment variable per limit, and each one overrides only its limit', () => {
    expect(Object.keys(LIMIT_ENV).sort()).toEqual(Object.keys(DEFAULTS.limits).sort());
    expect(new Set(Object.values(LIMIT_ENV)).size).toBe(Object.keys(LIMIT_ENV).length);
    for (const [k, v] of Object.entries(LIMIT_ENV)) {
      const l = limits({ [v]: '7' });
      expect(l[k as keyof typeof l]).toBe(7);
      expect({ ...l, [k]: DEFAULTS.limits[k as keyof typeof DEFAULTS.limits] }).toEqual(DEFAULTS.limits);
    }
    expect(limits({ TENSORPOOL_MAX_LEARNING_RATE: '0.5' }).learningRate).toBe(0.5);
  });

  it('refuses malformed overrides naming the variable', () => {
    expect(() => limits({ TENSORPOOL_MAX_EPOCHS: 'lots' })).toThrow(/TENSORPOOL_MAX_EPOCHS must be a positive integer, got 'lots'/);
    expect(() => limits({ TENSORPOOL_MAX_SHARDS: '-1' })).toThrow(/TENSORPOOL_MAX_SHARDS/);
    expect(() => limits({ TENSORPOOL_MAX_BATCH_SIZE: '1.5' })).toThrow(/TENSORPOOL_MAX_BATCH_SIZE/);
    expect(() => limits({ TENSORPOOL_MAX_LEARNING_RATE: 'Infinity' })).toThrow(/TENSORPOOL_MAX_LEARNING_RATE must be a positive number/);
  });
});
