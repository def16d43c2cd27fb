/**
 * A distributed job enqueued from a Keras .h5 (payload `initFrom`, a path
 * inside the data root) starts from exactly the file's weights: the job
 * records only the model's id (no weights in the payload), its spec is the
 * file's, normalization and labels come from the file's tensorpool metadata,
 * and the epoch-0 global weights the shards start from are bit-identical to
 * the file's. A Keras-written file without our metadata takes normalization
 * from the payload. (Real Redis, own prefix; coordinator without workers.)
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initialWeights, saveKerasH5, weightManifest, type ModelSpec } from '@tensorpool/engine';
import { FIXTURE_SPEC, fixtureWeights, writeKerasFixture } from '@tensorpool/engine/keras-fixture.test-util';
import { QueueClient } from './client.js';
import { Coordinator } from './coordinator.js';
import { getGlobalWeights } from './blobs.js';
import { getJobRecord } from './state.js';
import { MODEL_ID_RE } from './model-store.js';
import { dropPrefix, testPrefix, tmpDir, until } from './fixtures.test-util.js';

const prefix = testPrefix('init-from-h5');
const { dir, cleanup } = tmpDir('tp-init-from-');
const client = new QueueClient({ prefix, dataRoot: dir });
const coordinator = new Coordinator({ prefix, modelsDir: join(dir, 'models'), dataRoot: dir, threads: 1 });
afterAll(async () => {
  await coordinator.close();
  await dropPrefix(client.redis, prefix);
  await client.close();
  cleanup();
});

const spec: ModelSpec = {
  name: 'pets', inputShape: [4, 4, 1], labels: ['cat', 'dog'],
  layers: [{ type: 'conv2d', filters: 2, kernelSize: 3, activation: 'relu' }, { type: 'flatten' }, { type: 'dense', units: 128, activation: 'relu' }, { type: 'dense', units: 2, activation: 'softmax' }],
};

describe('enqueue with initFrom: a Keras .h5', () => {
  it('starts the first epoch from exactly the file weights, with its labels and normalization', async () => {
    const weights = initialWeights(spec, 7).map((x, i) => x + (i % 5) * 1e-3); // not what any seed would draw
    const normalization = { mean: [0.25], std: [0.5] };
    await saveKerasH5(join(dir, 'pets.h5'), spec, weights, { labels: spec.labels, inputShape: spec.inputShape, normalization });
    await coordinator.start();

    const { jobId } = await client.enqueue({ initFrom: 'pets.h5', data: 'fashion-mnist', epochs: 1, normalization: 'div255', seed: 3 });
    const rec = await getJobRecord(client.redis, client.keys, jobId);
    expect(rec?.options.initFrom).toMatch(MODEL_ID_RE);
    expect(rec?.options.spec).toEqual(spec);
    expect(rec?.options.normalization).toEqual(normalization);
    // The payload holds a reference: its JSON has fewer characters than the model has weights (1,430).
    expect((await client.redis.hget(client.keys.job(jobId), 'options'))!.length).toBeLessThan(weights.length);

    await until(async () => (await client.status(jobId)).state === 'running');
    const w0 = await getGlobalWeights(client.redis, client.keys, jobId, 0, weights.length);
    expect(Buffer.from(w0.buffer, w0.byteOffset, w0.byteLength).equals(Buffer.from(weights.buffer))).toBe(true);
    await client.cancel(jobId);
  });

  it('a Keras file without our metadata: normalization from the payload, the same stored id for the same file', async () => {
    await writeKerasFixture(join(dir, 'keras.h5'));
    const a = await client.enqueue({ initFrom: 'keras.h5', data: 'fashion-mnist', epochs: 1, normalization: 'div255' });
    const b = await client.enqueue({ initFrom: 'keras.h5', data: 'fashion-mnist', epochs: 1 });
    const ra = await getJobRecord(client.redis, client.keys, a.jobId);
    const rb = await getJobRecord(client.redis, client.keys, b.jobId);
    expect(ra?.options.normalization).toBe('div255');
    expect(rb?.options.normalization).toBe('div256');
    expect(ra?.options.spec.layers).toEqual(FIXTURE_SPEC.layers);
    expect(ra?.options.initFrom).toBe(rb?.options.initFrom);
    // Enqueue by the stored id (what `tensorpool enqueue --init-from` sends).
    const c = await client.enqueue({ initFrom: ra!.options.initFrom, data: 'fashion-mnist', epochs: 1 });
    await until(async () => (await client.status(c.jobId)).state === 'running');
    const expected = fixtureWeights();
    expect(weightManifest(ra!.options.spec).total).toBe(expected.length);
    const w0 = await getGlobalWeights(client.redis, client.keys, c.jobId, 0, expected.length);
    expect(Array.from(w0)).toEqual(Array.from(expected));
    for (const id of [a.jobId, b.jobId, c.jobId]) await client.cancel(id);
  });
});
