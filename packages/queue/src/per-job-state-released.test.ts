// The coordinator's evaluator keeps each job's last evaluation only until the
// job ends (forget, called from finish, fail and cancel paths) and at most
// DEFAULTS.limits.evaluations of them anyway; the trainer cache keeps at most
// its idle budget of warm trainers. Real trainer threads, a tiny model.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { limits } from '@tensorpool/core';
import { weightManifest } from '@tensorpool/engine';
import { Evaluator } from './evaluate.js';
import { TrainerCache } from './trainers.js';
import { parseJobPayload } from './schema.js';
import type { JobRecord } from './state.js';
import { tmpDir, writeNpz } from './fixtures.test-util.js';

const { dir, cleanup } = tmpDir('tp-evals-');
writeNpz(join(dir, 'set.npz'), 40);
const spec = { name: 'tiny', inputShape: [4, 4, 1], labels: ['0', '1'], layers: [{ type: 'flatten' }, { type: 'dense', units: 2, activation: 'softmax' }] };
const options = parseJobPayload({ spec, data: 'set.npz', epochs: 1, batchSize: 8 });
const total = weightManifest(options.spec).total;
const evaluator = new Evaluator({ threads: 1, modelsDir: join(dir, 'models'), dataRoot: dir });
const trainers = new TrainerCache({ maxIdle: 2 });
afterAll(async () => {
  await evaluator.close();
  await trainers.close();
  cleanup();
});

const record = (i: number): JobRecord => ({ id: `j${i.toString(16).padStart(16, '0')}`, state: 'running', options, epoch: 0, round: 0, createdAt: 0 });

describe('per-job state in long-lived processes', () => {
  it('the evaluator holds at most `evaluations` jobs and releases a job on forget', async () => {
    const cap = limits().evaluations;
    for (let i = 0; i < cap + 3; i++) await evaluator.validate(record(i), new Float32Array(total).fill(i / 100));
    const held = evaluator.heldJobs();
    expect(held).toHaveLength(cap);
    expect(held).toEqual(Array.from({ length: cap }, (_, i) => record(i + 3).id));
    evaluator.forget(held[0]);
    expect(evaluator.heldJobs()).not.toContain(held[0]);
    expect(evaluator.heldJobs()).toHaveLength(cap - 1);
  });

  it('the trainer cache keeps at most maxIdle idle trainers and closes the rest', async () => {
    const key = { spec: options.spec, batchSize: 8, learningRate: 0.001, threads: 1 };
    const got = await Promise.all([trainers.acquire(key), trainers.acquire(key), trainers.acquire(key)]);
    expect(trainers.liveCount()).toBe(3);
    for (const g of got) g.release();
    got[0].release(); // a second release is a no-op
    expect(trainers.idleCount()).toBe(2);
    expect(trainers.liveCount()).toBe(2);
    // Reused, not created anew.
    const again = await trainers.acquire(key);
    expect(got.map((g) => g.trainer)).toContain(again.trainer);
    again.release();
  });
});
