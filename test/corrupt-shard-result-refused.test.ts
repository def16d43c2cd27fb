// A worker returning a corrupt shard result (wrong size, NaN) is refused:
// the shard is retried (bounded, TENSORPOOL_SHARD_ATTEMPTS), a retry with a
// good result is accepted, a shard that stays corrupt fails the job with a
// message naming it, and the coordinator keeps serving other jobs.
//
// The rogue worker is a plain BullMQ worker in this process that submits
// through the same storeShardResult a real worker uses.
import { Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { weightManifest, validateSpec } from '@tensorpool/engine';
import type { ShardJobData } from '@tensorpool/core';
import { connectRedis, storeShardResult } from '@tensorpool/queue';
import { Cluster, TINY_SPEC } from './support/cluster.js';

const c = new Cluster('corrupt', { TENSORPOOL_SHARD_ATTEMPTS: '2' });
const conn = connectRedis();
afterAll(async () => {
  await c.close();
  await conn.quit();
});

describe('corrupt shard results', () => {
  it('are rejected and retried, then fail the job naming the shard; other jobs still run', { timeout: 300_000 }, async () => {
    c.coordinator();
    const total = weightManifest(validateSpec(TINY_SPEC)).total;
    const attempts: string[] = [];
    const rogue = new Worker<ShardJobData>(c.client.keys.shardQueue, async (job) => {
      const { jobId, epoch, shard } = job.data;
      attempts.push(`${shard}:${job.attemptsMade}`);
      const meta = { samples: 10, loss: 1, accuracy: 0.5, seconds: 0.1, adamStep: 1, worker: 'rogue' };
      const ref = { jobId, epoch, shard, expected: total };
      if (shard === 0 && job.attemptsMade === 0) return storeShardResult(conn, c.client.keys, ref, { weights: new Float32Array(total - 1), meta });
      if (shard === 0) return storeShardResult(conn, c.client.keys, ref, { weights: new Float32Array(total), meta });
      const w = new Float32Array(total);
      w[5] = NaN;
      return storeShardResult(conn, c.client.keys, ref, { weights: w, meta });
    }, { connection: connectRedis(), prefix: c.client.keys.bullPrefix, name: 'rogue' });

    const job = c.enqueue(['--epochs', '1']);
    const failed = await c.waitForState(job, ['completed', 'failed', 'cancelled'], 60_000);
    await rogue.close();
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/^shard 1 of epoch 1 failed after 2 attempts: shard 1 of epoch 1: weights contains NaN at index 5: rejected$/);
    expect(attempts.sort()).toEqual(['0:0', '0:1', '1:0', '1:1']);
    // 1 wrong size + 2 NaN rejected; shard 0's retry was accepted.
    expect(await c.client.redis.get(c.client.keys.shardsRejected)).toBe('3');
    expect(await c.client.redis.get(c.client.keys.shardsDone)).toBe('1');
    const status = c.cli(['status', job]);
    expect(status.stdout).toMatch(/error: shard 1 of epoch 1 failed after 2 attempts/);
    const metrics = c.cli(['metrics', job, '--json']);
    expect(metrics.code).not.toBe(0);
    expect(metrics.stderr).toMatch(/is failed/);
    // The failed job's blobs are gone.
    expect(await c.client.redis.keys(`${c.client.keys.job(job)}:weights:*`)).toEqual([]);

    // Nothing else broke: a real worker completes the next job on the same coordinator.
    c.worker('w1');
    const next = c.enqueue(['--epochs', '1', '--limit', '128']);
    const ok = await c.waitForState(next);
    expect(ok.state, `${ok.error}\n${c.logs()}`).toBe('completed');
  });
});
