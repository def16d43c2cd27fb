// Run events read back from files or Redis are untrusted: every field is
// checked, the error names the bad field, unknown fields and types are refused.
import { describe, expect, it } from 'vitest';
import { makeRunEvent, parseRunEvent, parseRunEventLine } from './events.js';

const step = { t: 1, type: 'step', epoch: 1, step: 20, steps: 32, imagesPerSecond: 50, loss: 0.7, accuracy: 0.6 };
const epochEnd = { t: 1, type: 'epoch-end', epoch: 1, epochs: 2, loss: 0.5, accuracy: 0.8, valLoss: null, valAccuracy: null, seconds: 1, imagesPerSecond: 100 };

describe('run event schema', () => {
  it('accepts a valid event and stamps t when emitting', () => {
    expect(parseRunEvent(epochEnd)).toEqual(epochEnd);
    expect(makeRunEvent({ type: 'run-cancelled' }).t).toBeGreaterThan(0);
    // A shard's round is 1-based and optional (events written before rounds existed have none).
    const shard = { t: 1, type: 'shard-started', epoch: 1, shard: 0, worker: 'w' };
    expect(parseRunEvent({ ...shard, round: 2 })).toEqual({ ...shard, round: 2 });
    expect(parseRunEvent(shard)).toEqual(shard);
    // A distributed job's step events name their shard and round; a local run's have neither.
    expect(parseRunEvent({ ...step, shard: 1, round: 2 })).toEqual({ ...step, shard: 1, round: 2 });
    expect(parseRunEvent(step)).toEqual(step);
  });

  it.each([
    [{ ...epochEnd, epoch: 0 }, 'epoch'],
    [{ ...epochEnd, epoch: 1.5 }, 'epoch'],
    [{ ...epochEnd, loss: 'NaN' }, 'loss'],
    [{ ...epochEnd, imagesPerSecond: -1 }, 'imagesPerSecond'],
    [{ ...epochEnd, extra: 1 }, '(root)'],
    [{ ...epochEnd, type: 'rm -rf' }, 'type'],
    [{ t: 1, type: 'run-failed', message: 'x'.repeat(2001) }, 'message'],
    [{ t: 1, type: 'run-finished', testLoss: 1, testAccuracy: 1, testSamples: 1, labels: [], confusionMatrix: [[-1]], modelDir: null }, 'confusionMatrix.0.0'],
    [{ t: 1, type: 'run-finished', testLoss: 1, testAccuracy: 1, testSamples: 1, labels: Array(1001).fill('a'), confusionMatrix: [], modelDir: null }, 'labels'],
    [{ t: 1, type: 'shard-started', epoch: 1, shard: 0, worker: 'w'.repeat(201) }, 'worker'],
    [{ t: 1, type: 'shard-finished', epoch: 1, shard: 0, worker: 'w', round: 0, samples: 1, seconds: 1 }, 'round'],
    [{ ...step, shard: -1 }, 'shard'],
    [{ ...step, shard: 0, round: 0 }, 'round'],
  ])('refuses %j naming %s', (bad, field) => {
    expect(() => parseRunEvent(bad)).toThrow(`bad run event: ${field}`);
  });

  it('refuses lines that are not JSON, and a bad event before it is written', () => {
    expect(() => parseRunEventLine('{"t":1,')).toThrow('bad run event: not JSON');
    expect(() => makeRunEvent({ ...epochEnd, t: undefined, epoch: -1 } as never)).toThrow('bad run event: epoch');
  });
});
