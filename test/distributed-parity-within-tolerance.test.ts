// Distributed training at 4 shards with the job defaults (the global batch of
// 32 split over the shards, 4 Nesterov rounds per epoch) reaches the test
// accuracy of local training on the same data, seed, batch and epochs within
// TOLERANCE, and is ahead of the behaviour before (every shard a whole batch
// of 32, averaged once per epoch) by at least MIN_LEAD, which catches a
// return to it. Small: 4,096 fashion-mnist images, 2 epochs, 2,000 test
// images; the full measurement is `pnpm bench:parity` (packages/queue/README.md).
import { afterAll, describe, expect, it } from 'vitest';
import { distributedRun, localRun, parseSetting } from '../bench/parity-runs.js';

/** TP_PARITY_SEED picks another seed (the tolerance was measured with 42 and 7). */
const seed = Number(process.env.TP_PARITY_SEED ?? 42);
const data = { preset: 'fashion-mnist', limit: 4096, testLimit: 2000, epochs: 2, seed, batchSize: 32 };
const S = 4;
/**
 * Test accuracy (as a fraction) the default may lose against local training.
 * Measured on main after the `limit` rule became per class and by content
 * (packages/data/src/limit.ts), 2,000 test images: seed 42 local 0.793,
 * default 0.757 (−3.6 points: on 4,096 images a shard trains only 128 steps
 * per epoch, and local SGD loses more with few steps than on the full set),
 * before 0.743 (−5.0); seed 7 local 0.8035, default 0.7905 (−1.3), before
 * 0.739 (−6.45). 4.5 points sits between default and before for both seeds
 * (seed 42: 0.9 points of room for the default, 0.5 for before); accuracies
 * are deterministic for a seed, so the margin is against code changes, not
 * run-to-run noise. (With the earlier first-N `limit`: seed 42 −3.75 / −7.6,
 * seed 7 −5.05 / −10.5.) After the Winograd kernels (different float
 * summation, so a different trajectory) seed 42 gave local 0.784, default
 * 0.766 (−1.8), before 0.740 (−4.4): `before` alone against the tolerance
 * moves with kernel numerics, so what guards against a return to it is the
 * default's lead over it (+1.4, +2.6 and +5.15 points in the three runs).
 */
const TOLERANCE = 0.045;
/** The default's least lead over `before` (a return to `before` gives 0). */
const MIN_LEAD = 0.01;
const prefix = (what: string) => `tp-test-parity-${process.pid}-${Date.now().toString(36)}-${what}`;
/** [test accuracy, seconds] of each run. */
const results: Record<string, [number, number]> = {};
afterAll(() => process.stderr.write(`distributed parity (seed ${seed}): ${JSON.stringify(results)}\n`));

describe('distributed accuracy against local training', () => {
  it(`the default at ${S} shards is within ${(100 * TOLERANCE).toFixed(1)} points of local and ahead of the old setting`, { timeout: 1_800_000 }, async () => {
    // Each result is kept as it comes (printed after the test, also when it fails or times out).
    const local = await localRun(data, 2);
    results.local = [local.accuracy, local.seconds];
    const dflt = await distributedRun(data, { shards: S, setting: parseSetting('default', S, data.batchSize), prefix: prefix('default') });
    results.default = [dflt.accuracy, dflt.seconds];
    const before = await distributedRun(data, { shards: S, setting: parseSetting('before', S, data.batchSize), prefix: prefix('before') });
    results.before = [before.accuracy, before.seconds];
    expect([dflt.shardBatchSize, dflt.syncEvery, before.shardBatchSize, before.syncEvery]).toEqual([8, 4, 32, 1]);
    expect(dflt.accuracy).toBeGreaterThan(local.accuracy - TOLERANCE);
    expect(dflt.accuracy - before.accuracy).toBeGreaterThanOrEqual(MIN_LEAD);
  });
});
