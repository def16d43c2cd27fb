// A complete run through the library API (what `tensorpool train` does, minus flags):
// load Fashion-MNIST, train the fashion-mnist preset on all cores, evaluate, save, predict.
//
//   pnpm build && node examples/train-fashion-mnist.mjs [epochs] [limit]
//
// The model directory it writes (models/example-fashion-mnist) loads in TensorFlow.js
// anywhere with tf.loadLayersModel.
import { getPreset } from '../packages/engine/dist/index.js';
import { loadDataset } from '../packages/data/dist/index.js';
import { gatherNormalize } from '../packages/preprocessing/dist/index.js';
import { Trainer, runTraining, loadTrainedModel, defaultThreads } from '../packages/training/dist/index.js';

const epochs = Number(process.argv[2] ?? 1);
const limit = Number(process.argv[3] ?? 6000);
const spec = getPreset('fashion-mnist');
const { train, test } = await loadDataset('fashion-mnist', { limit });

const result = await runTraining({
  spec, train, test, epochs, batchSize: 32, threads: defaultThreads(), seed: 42,
  augment: 'none', normalization: 'div256', outDir: 'models/example-fashion-mnist',
  onEpochEnd: (e) => console.log(`epoch ${e.epoch}: loss ${e.loss.toFixed(4)} accuracy ${e.accuracy.toFixed(4)} (${e.imagesPerSecond.toFixed(0)} img/s)`),
});
console.log('Test Loss', result.testLoss);
console.log('Test Accuracy', result.testAccuracy);

// Reload the saved model and classify the first 5 test images with a one-thread pool.
const { initBackend } = await import('../packages/engine/dist/index.js');
await initBackend('cpu');
const model = await loadTrainedModel(result.modelDir);
const trainer = await Trainer.create({ spec: model.spec, threads: 1 });
trainer.setWeights(model.weights);
const x = new Float32Array(5 * 28 * 28);
gatherNormalize(test.images, [0, 1, 2, 3, 4], x, test.shape, model.normalization);
const probs = await trainer.predict(x, 5);
await trainer.close();
for (let i = 0; i < 5; i++) {
  const row = probs.subarray(i * 10, i * 10 + 10);
  const best = row.indexOf(Math.max(...row));
  console.log(`test[${i}]: predicted ${model.spec.labels[best]} (${row[best].toFixed(3)}), true ${model.spec.labels[test.labels[i]]}`);
}
