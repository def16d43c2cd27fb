// Scratch: wasm heap of one replica (batch 16 = one thread's share), per phase.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, Replica, getPreset, initialWeights, weightManifest } from './dist/index.js';
const MB = (b) => Math.round(b / 2 ** 20);
const rss = () => MB(process.memoryUsage().rss);
const heap = () => MB(tf.backend().wasm.HEAPU8.buffer.byteLength);
const log = (w) => console.log(`${w.padEnd(26)} rss ${rss()} MB  wasm heap ${heap()} MB  tf bytes ${MB(tf.memory().numBytes)} MB`);
console.log('start rss', rss());
await initBackend('wasm', { inWorkerThread: true });
log('backend');
const spec = getPreset('seed');
const total = weightManifest(spec).total;
const W = initialWeights(spec, 1, new Float32Array(total));
log('W in JS');
const r = new Replica(spec);
log('replica');
r.setWeights(W);
log('setWeights');
const n = Number(process.argv[2] ?? 16);
const x = new Float32Array(n * 30000).map(() => Math.random());
const labels = Int32Array.from({ length: n }, (_, i) => i % 6);
const g = new Float32Array(total);
for (let k = 0; k < 3; k++) {
  const t0 = performance.now();
  r.gradients(x, labels, n, { training: true, seed: 1, epoch: 0, sampleIds: labels }, g);
  log(`gradients ${k} ${Math.round(performance.now() - t0)} ms`);
  r.setWeights(W);
}
const info = await tf.profile(() => { r.gradients(x, labels, n, { training: true, seed: 1, epoch: 0, sampleIds: labels }, g); });
console.log('peakBytes', MB(info.peakBytes), 'newBytes', MB(info.newBytes));
for (const k of info.kernels) if (k.totalBytesSnapshot > 150 * 2 ** 20 || k.bytesAdded > 20 * 2 ** 20) console.log(k.name, k.inputShapes.map(s => s && s.join('x')).join(' '), '->', k.outputShapes.map(s => s && s.join('x')).join(' '), 'added', MB(k.bytesAdded), 'live', MB(k.totalBytesSnapshot));
