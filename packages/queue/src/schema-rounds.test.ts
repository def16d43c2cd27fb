// Job options for rounds and the outer optimizer: defaults from DEFAULTS,
// bounded values, messages naming the field.
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '@tensorpool/core';
import { parseJobPayload } from './schema.js';

const ok = { preset: 'fashion-mnist', data: 'fashion-mnist', epochs: 1 };
const bad = (extra: object) => () => parseJobPayload({ ...ok, ...extra });

describe('job payload: syncEvery and outer optimizer', () => {
  it('defaults come from DEFAULTS and depend on the shard count; valid values pass through', () => {
    const few = parseJobPayload({ ...ok, shards: DEFAULTS.syncFromShards - 1 });
    expect([few.syncEvery, few.outer]).toEqual([1, DEFAULTS.outer]);
    const many = parseJobPayload({ ...ok, shards: DEFAULTS.syncFromShards });
    expect([many.syncEvery, many.outer, many.outerLr, many.outerMomentum]).toEqual([DEFAULTS.syncEvery, DEFAULTS.outer, DEFAULTS.outerLr, DEFAULTS.outerMomentum]);
    expect(parseJobPayload({ ...ok, shards: 8, syncEvery: 1, outer: 'average' })).toMatchObject({ syncEvery: 1, outer: 'average' });
    const k = parseJobPayload({ ...ok, syncEvery: 64, outer: 'nesterov', outerLr: 2, outerMomentum: 0 });
    expect([k.syncEvery, k.outer, k.outerLr, k.outerMomentum]).toEqual([64, 'nesterov', 2, 0]);
  });

  it('refuses out-of-range and mistyped values, naming the field', () => {
    expect(bad({ syncEvery: 0 })).toThrow(/syncEvery: must be >= 1/);
    expect(bad({ syncEvery: 65 })).toThrow(/syncEvery: must be <= 64/);
    expect(bad({ syncEvery: 2.5 })).toThrow(/syncEvery: must be an integer/);
    expect(bad({ outer: 'adam' })).toThrow(/outer:/);
    expect(bad({ outerLr: 0 })).toThrow(/outerLr: must be > 0/);
    expect(bad({ outerLr: 2.01 })).toThrow(/outerLr: must be <= 2/);
    expect(bad({ outerLr: '0.7' })).toThrow(/outerLr: must be a number, got string/);
    expect(bad({ outerMomentum: 1 })).toThrow(/outerMomentum: must be < 1/);
    expect(bad({ outerMomentum: -0.1 })).toThrow(/outerMomentum: must be >= 0/);
    expect(bad({ outerMomentum: Number.NaN })).toThrow(/outerMomentum:/);
  });
});
