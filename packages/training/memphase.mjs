import { getPreset } from '@tensorpool/engine';
import { Trainer } from './dist/index.js';
import { syntheticSet } from './dist/bench.js';
const MB = (b) => Math.round(b / 2 ** 20);
let peak = 0;
const iv = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
const mark = (w) => { const m = process.memoryUsage(); peak = Math.max(peak, m.rss); console.log(`${w.padEnd(20)} rss ${MB(m.rss)} peak-so-far ${MB(peak)} maxRSS ${MB(process.resourceUsage().maxRSS * 1024)} ext ${MB(m.external)} ab ${MB(m.arrayBuffers)} heapUsed ${MB(m.heapUsed)}`); };
mark('start');
const spec = getPreset('seed');
const trainer = await Trainer.create({ spec, threads: 2, batchSize: 32 });
mark('created+warmup');
const set = syntheticSet(spec, 32 * 4, 1);
mark('dataset');
trainer.initWeights(1);
mark('initWeights');
const common = { train: set, seed: 1, batchSize: 32, augment: 'none', normalization: 'div256' };
for (let e = 0; e < 3; e++) {
  await trainer.runEpoch({ ...common, epoch: e, indices: Int32Array.from({ length: 32 }, (_, i) => i + 32 * e) });
  mark(`step ${e}`);
}
await trainer.close();
clearInterval(iv);
