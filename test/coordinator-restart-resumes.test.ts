// The coordinator is killed (-9) mid-job and restarted later: the job resumes
// from its last completed epoch and completes (policy 'average', so the
// averaged Adam state is resumed too); shards finished while no
// coordinator ran are not lost, and no epoch is averaged twice.
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster } from './support/cluster.js';

const c = new Cluster('restart');
afterAll(() => c.close());

describe('coordinator restart', () => {
  it('resumes a running job from its last completed epoch', { timeout: 300_000 }, async () => {
    const first = c.coordinator();
    c.worker('w1');
    c.worker('w2');
    await c.waitForWorkers('w1', 'w2');
    // 15,000 samples per shard: seconds per epoch, so the kill lands while epoch 2's shards run.
    const job = c.enqueue(['--epochs', '3', '--optimizer', 'average', '--limit', '30000']);
    // Kill once epoch 1 is averaged AND epoch 2's flow is queued (the two are
    // separate Redis writes; a kill between them is covered by the restart's own
    // re-queue, but then there are no shards to finish meanwhile).
    await c.waitFor('epoch 2 to be queued', async () => Boolean(await c.client.queues.epochs.getJob(c.client.keys.epochJobId(job, 1))));
    first.child.kill('SIGKILL');
    await first.exited;
    const atKill = await c.client.status(job);
    expect(atKill.state).toBe('running');
    // Let the workers finish the current epoch's shards while no coordinator runs.
    const epoch = atKill.epoch;
    expect(epoch).toBe(1);
    await c.waitFor('the running epoch\'s shards to finish without a coordinator', async () => {
      const parent = await c.client.queues.epochs.getJob(c.client.keys.epochJobId(job, epoch));
      return parent && (await parent.getState()) === 'waiting';
    }, 120_000);
    expect((await c.client.status(job)).epoch).toBe(epoch);

    c.coordinator();
    const done = await c.waitForState(job);
    expect(done.state, `${done.error}\n${c.logs()}`).toBe('completed');
    expect(done.epochMetrics.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(Number(await c.client.redis.get(c.client.keys.shardsDone))).toBe(6);
    const m = c.cli(['metrics', job, '--json']);
    expect(JSON.parse(m.stdout).testAccuracy).toBeGreaterThan(0.1);
  });
});
