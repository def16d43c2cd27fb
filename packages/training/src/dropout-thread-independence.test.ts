/**
 * With dropout on, masks come from per-sample streams Random(seed, epoch,
 * sampleId, layer), so how the global batch is cut into micro-batches does not
 * change the result: 1, 2 and 4 threads agree with each other and with the
 * whole-batch reference within 1e-4 relative error. Dropout really acts: the
 * same run on the same network without dropout layers ends elsewhere.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initTestBackend, parallelRun, referenceRun, relativeError, syntheticSet, tinySpec } from './fixtures.test-util.js';

const spec = tinySpec(true);
const set = syntheticSet(96);
const SEED = 11;

describe('dropout masks do not depend on the thread count', () => {
  let backend = '';
  let ref: Float32Array;
  beforeAll(async () => {
    backend = await initTestBackend();
    ref = referenceRun(spec, set, SEED, 32, 2);
  });

  it('dropout changes the trajectory (so the agreement below is not trivial)', () => {
    expect(relativeError(referenceRun(tinySpec(false), set, SEED, 32, 2), ref)).toBeGreaterThan(1e-3);
  });

  it.each([1, 2, 4])('%i thread(s) with dropout match the whole-batch reference within 1e-4', async (threads) => {
    const w = await parallelRun(spec, set, SEED, 32, 2, threads, backend);
    expect(relativeError(w, ref)).toBeLessThan(1e-4);
  });
});
