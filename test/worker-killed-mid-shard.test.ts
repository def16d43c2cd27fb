// kill -9 of a worker in the middle of a shard: the shard's lease expires,
// another worker re-runs it, the job completes with each shard counted once,
// and the final weights equal those of an undisturbed run (which used a
// different number of workers).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster } from './support/cluster.js';

// 15,000 samples per shard: seconds of training, so the kill lands mid-shard.
const LIMIT = process.env.TP_E2E_KILL_LIMIT ?? '30000';
const c = new Cluster('kill');
afterAll(() => c.close());

function finalWeights(modelDir: string): Float32Array {
  const b = readFileSync(join(modelDir, 'weights.bin'));
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}

async function modelDir(jobId: string): Promise<string> {
  return (await c.client.metrics(jobId)).modelDir as string;
}

describe('worker killed mid-shard', () => {
  it('re-runs the shard elsewhere; same final weights as an undisturbed run; each shard counted once', { timeout: 300_000 }, async () => {
    c.coordinator();
    c.worker('w1');
    // Undisturbed reference, one worker.
    const ref = c.enqueue(['--limit', LIMIT, '--epochs', '2']);
    const refDone = await c.waitForState(ref);
    expect(refDone.state, `${refDone.error}\n${c.logs()}`).toBe('completed');
    const doneBefore = Number(await c.client.redis.get(c.client.keys.shardsDone));
    expect(doneBefore).toBe(4);

    const victim = c.worker('w2');
    await c.waitForWorkers('w1', 'w2');
    const job = c.enqueue(['--limit', LIMIT, '--epochs', '2']);
    // Wait until w2 is inside a shard of this job (trained at least one step), then kill -9 it.
    const shard = await c.waitFor('w2 to be mid-shard', async () => {
      const active = await c.client.queues.shards.getActive();
      return active.find((j) => j.data.jobId === job && j.processedBy === 'w2' && Number(j.progress) > 0 && Number(j.progress) < 100);
    }, 120_000);
    victim.child.kill('SIGKILL');
    await victim.exited;
    // A worker joining later also takes work.
    c.worker('w3');

    const done = await c.waitForState(job);
    expect(done.state, `${done.error}\n${c.logs()}`).toBe('completed');
    expect(done.epochMetrics.map((e) => e.samples)).toEqual([Number(LIMIT), Number(LIMIT)]);
    // The killed shard was finished by someone else.
    const rerun = done.epochMetrics[shard.data.epoch].shards[shard.data.shard];
    expect(rerun.worker).not.toBe('w2');
    // Exactly 4 more shard results accepted: nothing counted twice.
    expect(Number(await c.client.redis.get(c.client.keys.shardsDone))).toBe(doneBefore + 4);

    const a = finalWeights(await modelDir(ref));
    const b = finalWeights(await modelDir(job));
    expect(b.length).toBe(a.length);
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
  });
});
