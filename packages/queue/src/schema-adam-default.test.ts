// The Adam-state policy a job gets when it names none depends on the shard
// count (schema.ts optimizerFor): per-shard below DEFAULTS.averageAdamFromShards,
// average from there on; a named policy is kept, and a stored record keeps
// the policy it was written with.
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '@tensorpool/core';
import { parseJobPayload } from './schema.js';
import { parseRecordFields } from './stored.js';

const ok = { preset: 'fashion-mnist', data: 'fashion-mnist', epochs: 1 };

describe('job payload: default Adam policy', () => {
  it('is per-shard below 8 shards, average from 8 on, unless the job names one', () => {
    expect(DEFAULTS.averageAdamFromShards).toBe(8);
    expect(parseJobPayload({ ...ok, shards: 4 }).optimizer).toBe('per-shard');
    expect(parseJobPayload({ ...ok, shards: 7 }).optimizer).toBe('per-shard');
    expect(parseJobPayload({ ...ok, shards: 8 }).optimizer).toBe('average');
    expect(parseJobPayload({ ...ok, shards: 16 }).optimizer).toBe('average');
    expect(parseJobPayload({ ...ok, shards: 8, optimizer: 'per-shard' }).optimizer).toBe('per-shard');
    expect(parseJobPayload({ ...ok, shards: 2, optimizer: 'average' }).optimizer).toBe('average');
  });

  it('a stored 8-shard record written with per-shard reads back per-shard', () => {
    const stored = parseJobPayload({ ...ok, shards: 8, optimizer: 'per-shard' });
    const h = { id: 'j0123456789abcdef', state: 'running', options: JSON.stringify(stored), epoch: '0', createdAt: '1' };
    expect(parseRecordFields('j0123456789abcdef', h).optionsParsed.optimizer).toBe('per-shard');
  });
});
