import { PassThrough } from 'node:stream';
import { expect, test } from 'vitest';
import { EpochProgress } from './progress.js';

// A log file or CI stream: one plain line per tenth of an epoch, no carriage returns.
test('on a non-TTY stream, progress prints a line at each tenth of the epoch and a summary', () => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  const progress = new EpochProgress(stream as unknown as NodeJS.WriteStream);
  progress.start(2, 32);
  for (let epoch = 0; epoch < 2; epoch++) {
    for (let step = 1; step <= 100; step++) progress.update(epoch, { step, steps: 100, loss: 0.5, accuracy: 0.75, imagesPerSecond: 320 });
    progress.end({ epoch: epoch + 1, loss: 0.5, accuracy: 0.75, valLoss: null, valAccuracy: null, seconds: 10, imagesPerSecond: 320 });
  }
  const lines = text.trimEnd().split('\n');
  expect(text).not.toContain('\r');
  // 9 progress lines (10%..90%) and one summary line per epoch
  expect(lines).toHaveLength(20);
  expect(lines[0]).toBe('epoch 1/2 10%  10/100  320 img/s  ETA 0:09  loss 0.5000  acc 0.7500');
  expect(lines[9]).toMatch(/^epoch 1\/2  0:10  320\.0 img\/s/);
  expect(lines[10]).toMatch(/^epoch 2\/2 10%/);
});
