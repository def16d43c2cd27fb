// Every number and size in a job payload is bounded by the service's limits
// (DEFAULTS.limits, env overrides), refused with a message naming the field.
import { describe, expect, it } from 'vitest';
import { DEFAULTS, limits } from '@tensorpool/core';
import { parseJobPayload } from './schema.js';

const ok = { preset: 'fashion-mnist', data: 'fashion-mnist', epochs: 2 };
const tinySpec = {
  name: 'tiny', inputShape: [28, 28, 1], labels: ['a', 'b'],
  layers: [{ type: 'conv2d', filters: 4, kernelSize: 3 }, { type: 'flatten' }, { type: 'dense', units: 2, activation: 'softmax' }],
};

function refusal(payload: unknown, l = limits({})): string {
  try {
    parseJobPayload(payload, l);
  } catch (e) {
    expect((e as { code: string }).code).toBe('E_JOB');
    const m = (e as Error).message;
    expect(m).not.toMatch(/[\n\r]/);
    return m;
  }
  throw new Error(`accepted: ${JSON.stringify(payload).slice(0, 200)}`);
}

describe('job bounds', () => {
  it('accept the largest allowed values and the seed preset (17.4 M parameters)', () => {
    const L = DEFAULTS.limits;
    const j = parseJobPayload({ ...ok, epochs: L.epochs, shards: L.shards, batchSize: L.batchSize, shardBatchSize: L.batchSize, learningRate: L.learningRate, limit: L.samples, testLimit: L.samples, name: 'n'.repeat(L.nameLength) }, limits({}));
    expect(j.epochs).toBe(1000);
    expect(parseJobPayload({ preset: 'seed', data: 'fashion-mnist', epochs: 1 }, limits({})).spec.name).toMatch(/seed/);
  });

  it('refuse numbers above their limit, naming the field, the limit and the value', () => {
    expect(refusal({ ...ok, epochs: Number.MAX_SAFE_INTEGER })).toMatch(/epochs: must be <= 1000, got 9007199254740991/);
    expect(refusal({ ...ok, shards: 65 })).toMatch(/shards: must be <= 64, got 65/);
    expect(refusal({ ...ok, batchSize: 1025 })).toMatch(/batchSize: must be <= 1024, got 1025/);
    expect(refusal({ ...ok, learningRate: 1.5 })).toMatch(/learningRate: must be <= 1, got 1.5/);
    expect(refusal({ ...ok, learningRate: 0 })).toMatch(/learningRate: must be > 0, got 0/);
    expect(refusal({ ...ok, limit: 10_000_001 })).toMatch(/limit: must be <= 10000000, got 10000001/);
    expect(refusal({ ...ok, testLimit: 1e300 })).toMatch(/testLimit: must be/);
    expect(refusal({ ...ok, seed: -1 })).toMatch(/seed: must be >= 0, got -1/);
  });

  it('refuse long names and texts with control characters', () => {
    expect(refusal({ ...ok, name: 'n'.repeat(201) })).toMatch(/name: must be at most 200 characters/);
    expect(refusal({ ...ok, name: 'a\nb' })).toMatch(/name: must not contain control characters/);
    expect(refusal({ ...ok, preset: 'x'.repeat(500) })).toMatch(/preset: must be at most 200 characters/);
    expect(refusal({ ...ok, data: 'd'.repeat(1025) })).toMatch(/data: must be at most 1024 characters/);
  });

  it('refuse a spec with too many parameters or too much activation memory per batch', () => {
    const huge = { ...tinySpec, layers: [{ type: 'flatten' }, { type: 'dense', units: 100_000 }, { type: 'dense', units: 2, activation: 'softmax' }] };
    expect(refusal({ ...ok, preset: undefined, spec: huge })).toMatch(/spec: must have <= 50000000 parameters, got 78700002/);
    const wide = { ...tinySpec, layers: [{ type: 'conv2d', filters: 20_000, kernelSize: 1 }, { type: 'maxPooling2d', poolSize: 28 }, { type: 'flatten' }, { type: 'dense', units: 2, activation: 'softmax' }] };
    expect(refusal({ ...ok, preset: undefined, spec: wide, shards: 1, batchSize: 128 })).toMatch(/spec: activations of one batch of 128 need about \d+\.\d\d GB, must be <= 4.00 GB/);
    // The seed preset fits at its batch size, not at the largest one (the bound applies to one shard's batch).
    expect(refusal({ preset: 'seed', data: 'fashion-mnist', epochs: 1, shards: 1, batchSize: 1024 })).toMatch(/preset: activations of one batch of 1024/);
    expect(refusal({ preset: 'seed', data: 'fashion-mnist', epochs: 1, shards: 2, shardBatchSize: 1024 })).toMatch(/preset: activations of one batch of 1024 .*lower shardBatchSize/);
  });

  it('refuse specs with too many layers or labels, long labels, and bad normalization', () => {
    const layers = Array.from({ length: 257 }, () => ({ type: 'activation', activation: 'relu' }));
    expect(refusal({ ...ok, preset: undefined, spec: { ...tinySpec, layers } })).toMatch(/spec.layers: must have at most 256 entries, got 257/);
    const labels = Array.from({ length: 300 }, (_, i) => `c${i}`);
    expect(refusal({ ...ok, preset: undefined, spec: { ...tinySpec, labels } })).toMatch(/spec.labels: must have at most 256 entries, got 300/);
    expect(refusal({ ...ok, preset: undefined, spec: { ...tinySpec, labels: ['a', 'b'.repeat(201)] } })).toMatch(/spec.labels.1: must be at most 200 characters/);
    expect(refusal({ ...ok, normalization: { mean: [1, 2], std: [1, 1] } })).toMatch(/normalization.mean: must have 1 entries/);
    expect(refusal({ ...ok, normalization: { mean: [1], std: [0] } })).toMatch(/normalization.std.0: must be > 0/);
  });

  it('refuse deep nesting, too many values and prototype keys, naming where', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(refusal({ ...ok, spec: deep })).toMatch(/^invalid job: spec(\.0)+: nested deeper than 8 levels$/);
    expect(refusal({ ...ok, extra: Array.from({ length: 30_000 }, () => 0) })).toMatch(/payload: has more than 20000 values/);
    expect(refusal(JSON.parse('{"preset":"fashion-mnist","data":"fashion-mnist","epochs":1,"__proto__":{"polluted":true}}'))).toMatch(/__proto__: field name '__proto__' is not allowed/);
    expect(refusal({ ...ok, spec: { constructor: { prototype: 1 } } })).toMatch(/spec.constructor: field name 'constructor' is not allowed/);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('follow the operator\'s overrides', () => {
    const l = limits({ TENSORPOOL_MAX_EPOCHS: '5', TENSORPOOL_MAX_PARAMS: '1000' });
    expect(refusal({ ...ok, epochs: 6 }, l)).toMatch(/epochs: must be <= 5, got 6/);
    expect(refusal(ok, l)).toMatch(/preset: must have <= 1000 parameters, got 889834/);
  });
});
