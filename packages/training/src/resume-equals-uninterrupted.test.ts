/**
 * --resume continues exactly: a run stopped mid-epoch by its abort signal
 * (what Ctrl-C does) and then resumed from its checkpoint ends with the same
 * weights, Adam state and history as the same run never stopped (same seed,
 * same thread count: bit-for-bit).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTraining, type RunTrainingOptions } from './run-training.js';
import { loadCheckpoint } from './checkpoint.js';
import { initTestBackend, syntheticSet, tinySpec } from './fixtures.test-util.js';

const root = mkdtempSync(join(tmpdir(), 'tp-resume-'));
const base = (): RunTrainingOptions => ({
  spec: tinySpec(true), train: syntheticSet(96, 3), test: syntheticSet(40, 4), epochs: 2, batchSize: 32,
  threads: 2, seed: 9, augment: 'online', normalization: 'div256',
});

describe('resume from a checkpoint equals an uninterrupted run', () => {
  let backend = '';
  beforeAll(async () => {
    backend = await initTestBackend();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('stopping at epoch 1 step 2, then --resume, gives identical final state', async () => {
    const whole = await runTraining({ ...base(), backend: backend as 'wasm', outDir: join(root, 'whole') });
    expect(whole.interrupted).toBe(false);

    const ac = new AbortController();
    const stopped = await runTraining({
      ...base(), backend: backend as 'wasm', outDir: join(root, 'split'), signal: ac.signal,
      onProgress: (epoch, p) => { if (epoch === 0 && p.step === 2) ac.abort(); },
    });
    expect(stopped.interrupted).toBe(true);
    const mid = await loadCheckpoint(join(root, 'split'));
    expect([mid.state.epoch, mid.state.step, mid.adam.step]).toEqual([0, 2, 2]);

    const resumed = await runTraining({ ...base(), backend: backend as 'wasm', outDir: join(root, 'split'), resume: mid });
    const a = await loadCheckpoint(join(root, 'whole'));
    const b = await loadCheckpoint(join(root, 'split'));
    expect(b.adam.step).toBe(6);
    expect(Buffer.from(b.weights.buffer).equals(Buffer.from(a.weights.buffer))).toBe(true);
    expect(Buffer.from(b.adam.v.buffer).equals(Buffer.from(a.adam.v.buffer))).toBe(true);
    expect(resumed.testLoss).toBe(whole.testLoss);
    expect(resumed.epochs.map((e) => [e.loss, e.accuracy])).toEqual(whole.epochs.map((e) => [e.loss, e.accuracy]));
  });
});
