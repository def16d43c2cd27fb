/**
 * The saved model directory is a TensorFlow.js layers model that outlives the
 * run: tf.loadLayersModel reads it (with our metadata), its predictions equal
 * the trainer's, and loadTrainedModel gives back the exact weights.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { dirLoadHandler } from '@tensorpool/engine';
import { gatherNormalize } from '@tensorpool/preprocessing';
import { runTraining } from './run-training.js';
import { loadTrainedModel } from './model-dir.js';
import { loadCheckpoint } from './checkpoint.js';
import { Trainer } from './trainer.js';
import { initTestBackend, syntheticSet, tinySpec } from './fixtures.test-util.js';

const dir = mkdtempSync(join(tmpdir(), 'tp-model-'));

describe('saved model round trip', () => {
  let backend = '';
  beforeAll(async () => {
    backend = await initTestBackend();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('save -> load gives identical weights and predictions, and tfjs can load it', async () => {
    const spec = tinySpec(true);
    const test = syntheticSet(50, 2);
    const r = await runTraining({
      spec, train: syntheticSet(64, 1), test, epochs: 1, batchSize: 16, threads: 2, seed: 3,
      augment: 'none', normalization: 'div256', backend: backend as 'wasm', outDir: dir,
    });
    expect(r.modelDir).toBe(dir);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.userDefinedMetadata.tensorpool).toMatchObject({ labels: ['a', 'b', 'c'], inputShape: [12, 12, 1], normalization: 'div256' });
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    expect(metrics.testAccuracy).toBe(r.testAccuracy);
    expect(metrics.confusionMatrix.flat().reduce((a: number, b: number) => a + b, 0)).toBe(50);
    expect(existsSync(join(dir, 'checkpoint', 'weights.bin'))).toBe(true);

    const loaded = await loadTrainedModel(dir);
    const trained = (await loadCheckpoint(dir)).weights;
    expect(Buffer.from(loaded.weights.buffer).equals(Buffer.from(trained.buffer))).toBe(true);
    // The Keras model.h5 written beside model.json holds the same model.
    const h5 = await loadTrainedModel(join(dir, 'model.h5'));
    expect(h5.spec).toEqual(loaded.spec);
    expect(h5.normalization).toBe('div256');
    expect(Buffer.from(h5.weights.buffer).equals(Buffer.from(trained.buffer))).toBe(true);

    const x = new Float32Array(test.n * 144);
    gatherNormalize(test.images, Int32Array.from({ length: test.n }, (_, i) => i), x, test.shape, 'div256');
    const trainer = await Trainer.create({ spec, threads: 1, backend: backend as 'wasm' });
    let ours: Float32Array;
    try {
      trainer.setWeights(loaded.weights);
      ours = await trainer.predict(x, test.n);
    } finally {
      await trainer.close();
    }
    const model = await tf.loadLayersModel(dirLoadHandler(dir));
    const theirs = (model.predict(tf.tensor4d(x, [test.n, 12, 12, 1])) as tf.Tensor).dataSync();
    let maxDiff = 0;
    for (let i = 0; i < ours.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ours[i] - theirs[i]));
    expect(maxDiff).toBeLessThan(1e-5);
  });
});
