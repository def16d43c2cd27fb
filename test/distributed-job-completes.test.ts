// A 2-epoch, 2-shard job on a small Fashion-MNIST subset with a coordinator
// and 2 worker processes completes; status shows each epoch, metrics give a
// test accuracy well above chance (10%), the model directory is written,
// with its sample predictions (misclassified first); each shard steps on the
// job's batch split over the shards.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster } from './support/cluster.js';

const c = new Cluster('complete');
afterAll(() => c.close());

describe('distributed training end to end', () => {
  it('completes with 2 workers; status shows each epoch; metrics above chance', { timeout: 300_000 }, async () => {
    c.coordinator();
    c.worker('w1');
    c.worker('w2');
    await c.waitForWorkers('w1', 'w2');
    const jobId = c.enqueue();
    const running = await c.waitForState(jobId, ['running', 'completed', 'failed']);
    expect(running.state).not.toBe('failed');
    const done = await c.waitForState(jobId);
    expect(done.state, `${done.error}\n${c.logs()}`).toBe('completed');

    const status = c.cli(['status', jobId, '--json']);
    expect(status.code).toBe(0);
    const s = JSON.parse(status.stdout);
    expect(s).toMatchObject({ state: 'completed', epoch: 2, epochs: 2, progress: 1 });
    expect(s.epochMetrics.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2]);
    for (const e of s.epochMetrics) {
      expect(e.samples).toBe(512);
      expect(e.shards.map((x: { samples: number }) => x.samples)).toEqual([256, 256]);
    }
    // Epoch 1's test accuracy is a count of the 200 test images.
    expect(s.epochMetrics[0].testAccuracy * 200).toBeCloseTo(Math.round(s.epochMetrics[0].testAccuracy * 200), 6);
    expect(s.epochMetrics[0].valAccuracy).toBeUndefined(); // no validationSplit: no validation metrics (never the test split)
    expect(s.workers.length).toBeGreaterThanOrEqual(1);
    for (const w of s.workers) expect(['w1', 'w2']).toContain(w);
    const human = c.cli(['status', jobId]).stdout;
    expect(human).toMatch(/completed, epoch 2 of 2 done/);
    expect(human).toMatch(/epoch 1: loss/);
    // The job's batch (16) is the global one: each of the 2 shards steps on 8, 256 / 8 = 32 steps per epoch.
    expect(s).toMatchObject({ batchSize: 16, shardBatchSize: 8 });
    expect(human).toMatch(/batch 16 = 2 shards x 8 per step/);
    expect(c.logs()).toMatch(/training steps 0\.\.32 of 32 \(batch 8\) of 256 samples/);

    const m = c.cli(['metrics', jobId, '--json']);
    expect(m.code).toBe(0);
    const metrics = JSON.parse(m.stdout);
    expect(metrics.testSamples).toBe(200);
    expect(metrics.testAccuracy).toBeGreaterThan(0.3);
    // The last epoch's evaluation is the final test evaluation (reused, not run twice).
    expect(s.epochMetrics[1].testAccuracy).toBeCloseTo(metrics.testAccuracy, 10);
    expect(metrics.confusionMatrix).toHaveLength(10);
    expect(existsSync(join(metrics.modelDir, 'model.json'))).toBe(true);
    expect(existsSync(join(metrics.modelDir, 'model.h5'))).toBe(true); // the coordinator's saveModelDir writes Keras's format too
    // Sample predictions with the model: 32 test images, the misclassified ones (all the confusion matrix counts off its diagonal) first.
    const samples = JSON.parse(readFileSync(join(metrics.modelDir, 'samples.json'), 'utf8')) as { testSamples: number; misclassified: number; samples: { label: number; predicted: number }[] };
    const offDiagonal = (metrics.confusionMatrix as number[][]).flatMap((row, i) => row.filter((_, j) => j !== i)).reduce((a, b) => a + b, 0);
    expect(samples).toMatchObject({ testSamples: 200, misclassified: offDiagonal });
    expect(samples.samples.map((x) => x.label !== x.predicted)).toEqual(Array.from({ length: 32 }, (_, i) => i < Math.min(32, offDiagonal)));
    expect(existsSync(join(metrics.modelDir, 'samples.png'))).toBe(true);

    // Each shard counted once; only the record, epochs and metrics remain of the job.
    expect(await c.client.redis.get(c.client.keys.shardsDone)).toBe('4');
    const left = (await c.client.redis.keys(`${c.prefix}:job:${jobId}*`)).sort();
    expect(left).toEqual([c.client.keys.job(jobId), c.client.keys.epochMetrics(jobId), c.client.keys.metrics(jobId), c.client.keys.jobWorkers(jobId)].sort());
  });
});
