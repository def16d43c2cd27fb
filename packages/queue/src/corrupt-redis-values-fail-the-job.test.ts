// Values read back from Redis are validated like input. A corrupt or foreign
// job record, epoch or test metrics, shard metadata, Adam step or heartbeat
// becomes a clear error naming the job and field (status), a 'corrupt' row
// (list), a failed job (coordinator), or is ignored (heartbeat); the process
// stays up and other jobs carry on.
import { afterAll, describe, expect, it } from 'vitest';
import { QueueClient } from './client.js';
import { Coordinator } from './coordinator.js';
import { getAdam, putAdam } from './blobs.js';
import { beat } from './heartbeat.js';
import { loadShardResult, storeShardResult } from './results.js';
import { dropPrefix, testPrefix, tmpDir, until } from './fixtures.test-util.js';

const prefix = testPrefix('corrupt');
const { dir, cleanup } = tmpDir('tp-corrupt-');
const client = new QueueClient({ prefix });
const { redis, keys: k } = client;
let coordinator: Coordinator | undefined;
afterAll(async () => {
  await coordinator?.close();
  await dropPrefix(redis, prefix);
  await client.close();
  cleanup();
});

const job = { preset: 'fashion-mnist', data: 'fashion-mnist', epochs: 2 };
const enqueue = async () => (await client.enqueue(job)).jobId;

describe('corrupt values in Redis', () => {
  it('make status name the job and the field, and list mark the job', async () => {
    const good = await enqueue();
    const cases: [Record<string, string>, RegExp][] = [
      [{ epoch: 'NaN' }, /corrupt record in Redis: epoch: must be a non-negative integer/],
      [{ epoch: '7' }, /corrupt record in Redis: epoch: 7 is more than the job's 2 epochs/],
      [{ state: 'exploded' }, /corrupt record in Redis: state: /],
      [{ round: '-1' }, /corrupt record in Redis: round: must be a non-negative integer/],
      [{ round: '64' }, /corrupt record in Redis: round: 64 is not below the job's \d+ rounds per epoch/],
      [{ options: '{"epochs":' }, /corrupt record in Redis: options: not JSON/],
      [{ options: JSON.stringify({ ...job, epochs: 1e9, spec: {} }) }, /corrupt record in Redis: options\.epochs: must be <= 1000/],
      [{ id: 'j0000000000000000' }, /corrupt record in Redis: id: holds 'j0000000000000000'/],
    ];
    for (const [fields, msg] of cases) {
      const id = await enqueue();
      await redis.hset(k.job(id), fields);
      await expect(client.status(id)).rejects.toThrow(new RegExp(`^job ${id}: ${msg.source}`));
      await expect(client.status(id)).rejects.toMatchObject({ code: 'E_CORRUPT' });
      const row = (await client.list()).find((r) => r.id === id);
      expect(row).toMatchObject({ id, state: 'corrupt', code: 'E_CORRUPT' });
      expect((row as { error: string }).error).toMatch(msg);
    }
    // A round's metrics (shown by status for the running epoch) are validated too.
    const rounds = await enqueue();
    await redis.hset(k.roundMetrics(rounds), '1.1', JSON.stringify({ epoch: 1, round: 1, samples: -3 }));
    await expect(client.status(rounds)).rejects.toThrow(new RegExp(`^job ${rounds}: corrupt metrics of round 1\\.1 in Redis: samples: `));
    expect((await client.list()).find((r) => r.id === good)).toMatchObject({ state: 'queued' });
    // A foreign member of the jobs index is shown, not crashed on.
    await redis.zadd(k.jobs, Date.now() + 1e6, 'not-a-job\nid');
    expect((await client.list())[0]).toMatchObject({ id: 'not-a-job?id', state: 'corrupt', code: 'E_JOB' });
    await redis.zrem(k.jobs, 'not-a-job\nid');
  });

  it('refuse corrupt epoch metrics and test metrics naming the job', async () => {
    const id = await enqueue();
    await redis.hset(k.epochMetrics(id), '1', '{"epoch": 1, "loss": "low"}');
    await expect(client.status(id)).rejects.toThrow(new RegExp(`^job ${id}: corrupt metrics of epoch 1 in Redis: loss: `));
    await redis.hset(k.epochMetrics(id), '1', 'not json');
    await expect(client.status(id)).rejects.toThrow(/corrupt metrics of epoch 1 in Redis: not JSON/);
    await redis.set(k.metrics(id), JSON.stringify({ testLoss: 0.3, testAccuracy: 7, testSamples: 10 }));
    await expect(client.metrics(id)).rejects.toThrow(new RegExp(`^job ${id}: corrupt test metrics in Redis: testAccuracy: `));
  });

  it('refuse corrupt shard metadata and Adam state naming the shard or key', async () => {
    const ref = { jobId: 'j00000000000000aa', epoch: 0, shard: 1, expected: 2 };
    const meta = { samples: 4, loss: 1, accuracy: 0.5, seconds: 1, adamStep: 3, worker: 'w' };
    await storeShardResult(redis, k, ref, { weights: Float32Array.from([1, 2]), meta });
    await redis.hset(k.result(ref.jobId, 0, 1), 'meta', JSON.stringify({ ...meta, samples: -4 }));
    await expect(loadShardResult(redis, k, ref)).rejects.toThrow(/^shard 1 of epoch 1: result metadata is invalid \(samples: .*\): rejected$/);
    await redis.hset(k.result(ref.jobId, 0, 1), 'meta', JSON.stringify({ ...meta, worker: undefined }));
    await expect(loadShardResult(redis, k, ref)).rejects.toThrow(/result metadata is invalid \(worker: /);
    const key = k.shardAdam(ref.jobId, 0);
    await putAdam(redis, key, { m: Float32Array.from([0, 0]), v: Float32Array.from([0, 0]), step: 5 });
    expect((await getAdam(redis, key, 2))!.step).toBe(5);
    await redis.hset(key, 'step', '1e400');
    await expect(getAdam(redis, key, 2)).rejects.toThrow(`${key}: Adam step is not a non-negative integer: rejected`);
    await redis.hdel(key, 'v');
    await expect(getAdam(redis, key, 2)).rejects.toThrow(/Adam state is incomplete/);
  });

  it('ignore and prune a heartbeat that is not one', async () => {
    const good = { id: 'w-good', host: 'h', pid: 1, threads: 1, concurrency: 1, busy: 0, imagesPerSecond: 3, shardsDone: 0, at: Date.now() };
    await beat(redis, k, good);
    await redis.set(k.worker('w-bad'), '{"id": "w-bad", "busy": "yes"}', 'EX', 60);
    await redis.sadd(k.workers, 'w-bad');
    const stats = await client.stats();
    expect(stats.workers.map((w) => w.id)).toEqual(['w-good']);
    expect(await redis.sismember(k.workers, 'w-bad')).toBe(0);
  });

  it('fail that job in the coordinator, which stays up and runs the others', async () => {
    const bad = await enqueue();
    await redis.hset(k.job(bad), { state: 'running', options: '{"epochs": "many"}' });
    const foreign = 'not a job id';
    await redis.sadd(k.active, foreign);
    coordinator = new Coordinator({ prefix, modelsDir: dir, threads: 1 });
    await coordinator.start();
    await until(async () => (await redis.hget(k.job(bad), 'state')) === 'failed');
    expect(await redis.hget(k.job(bad), 'error')).toMatch(new RegExp(`^job ${bad}: corrupt record in Redis: options\\.`));
    expect(await redis.sismember(k.active, bad)).toBe(0);
    expect(await redis.sismember(k.active, foreign)).toBe(0);
    // The same coordinator still starts a good job.
    const good = await enqueue();
    await until(async () => (await client.status(good)).state === 'running');
  });
});
