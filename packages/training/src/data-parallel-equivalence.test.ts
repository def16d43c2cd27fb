/**
 * Synchronous data parallelism changes nothing but speed: k steps over 1, 2
 * and 4 threads give the weights of a single-thread reference (one Replica
 * over the whole global batch + adamUpdate, in this process) within 1e-4
 * relative error (||w - w_ref|| / ||w_ref||; only summation order differs).
 * One micro-batch per thread runs the fused one-round-trip step; more
 * micro-batches than threads the two-phase step (gradients, then reduce/Adam).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initialWeights } from '@tensorpool/engine';
import { initTestBackend, parallelRun, referenceRun, relativeError, syntheticSet, tinySpec } from './fixtures.test-util.js';

const spec = tinySpec(false);
const set = syntheticSet(120); // batch 32: steps of 32, 32, 32, 24 per epoch
const SEED = 5;

describe('data-parallel training equals single-thread training (dropout off)', () => {
  let backend = '';
  let ref: Float32Array;
  beforeAll(async () => {
    backend = await initTestBackend();
    ref = referenceRun(spec, set, SEED, 32, 2);
  });

  it.each([1, 2, 4])('%i thread(s): 8 steps match the reference within 1e-4', async (threads) => {
    const w = await parallelRun(spec, set, SEED, 32, 2, threads, backend);
    // The run really moved the weights, so agreement is not trivial.
    expect(relativeError(initialWeights(spec, SEED), ref)).toBeGreaterThan(1e-3);
    expect(relativeError(w, ref)).toBeLessThan(1e-4);
  });

  it('2 threads, 4 micro-batches (two-phase step): 8 steps match the reference within 1e-4', async () => {
    const w = await parallelRun(spec, set, SEED, 32, 2, 2, backend, 4);
    expect(relativeError(w, ref)).toBeLessThan(1e-4);
  });
});
