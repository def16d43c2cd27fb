// `augment: 'offline'` in a distributed job: a worker expands each sample
// once per job (as `train --augment offline` expands once per run), however
// the shards' samples move between epochs; a shard trains on exactly the
// variants a per-shard expansion would give, in the same order. Over the
// budget the expansion is not kept and shards expand their own samples again.
import { describe, expect, it } from 'vitest';
import { shardIndices, subset, type DatasetSplits, type ImageSet } from '@tensorpool/data';
import { expandOffline, OFFLINE_FACTOR } from '@tensorpool/preprocessing';
import { OfflineExpansions } from './offline-expansion.js';

const n = 30;
const shape: [number, number, number] = [4, 4, 1];
const images = new Uint8Array(new SharedArrayBuffer(n * 16)).map((_, i) => (i * 37 + (i >> 4) * 5) & 255);
const train: ImageSet = { images, labels: Uint8Array.from({ length: n }, (_, i) => i % 3), n, shape, classes: ['a', 'b', 'c'] };
const data: DatasetSplits = { source: 'test', train, test: { ...train, n: 0 } };
// A validation hold-out leaves 24 of the 30 samples to train on.
const trainIndices = Int32Array.from({ length: 24 }, (_, k) => k + Math.floor(k / 4));

/** The pixels and labels a shard trains on, in the trainer's index order. */
function visited(s: { train: ImageSet; indices?: Int32Array }): number[][] {
  const idx = s.indices ?? Int32Array.from({ length: s.train.n }, (_, i) => i);
  return Array.from(idx, (i) => [s.train.labels[i], ...s.train.images.subarray(i * 16, (i + 1) * 16)]);
}

function perShard(local: Int32Array) {
  return visited({ train: expandOffline(subset(train, Array.from(local, (j) => trainIndices[j]))) });
}

describe('OfflineExpansions', () => {
  it('expands each sample once per job across epochs, and trains on what a per-shard expansion gives', () => {
    const x = new OfflineExpansions(1 << 20);
    const seen = new Set<number>();
    for (let epoch = 0; epoch < 3; epoch++) {
      for (const local of shardIndices(trainIndices.length, 3, 42, epoch)) {
        const s = x.shardSet('j1', data, trainIndices, local);
        expect(s.indices).toHaveLength(local.length * OFFLINE_FACTOR);
        expect(visited(s)).toEqual(perShard(local));
        for (const j of local) seen.add(j);
      }
    }
    expect(seen.size).toBe(24);
    expect(x.expandedSamples).toBe(24); // not 3 epochs x 24
    x.shardSet('j2', data, trainIndices, shardIndices(24, 3, 42, 0)[0]);
    expect(x.expandedSamples).toBe(24 + 8); // another job: its own expansion
  });

  it('does not keep a job expansion larger than its budget: each shard expands its own samples', () => {
    const x = new OfflineExpansions(24 * OFFLINE_FACTOR * 17 - 1);
    for (let epoch = 0; epoch < 2; epoch++) {
      for (const local of shardIndices(trainIndices.length, 3, 42, epoch)) {
        const s = x.shardSet('j1', data, trainIndices, local);
        expect(s.train.n).toBe(local.length * OFFLINE_FACTOR);
        expect(visited(s)).toEqual(perShard(local));
      }
    }
    expect(x.expandedSamples).toBe(48);
  });
});
