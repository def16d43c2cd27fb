// The coordinator is killed (-9) mid-job and restarted later: the job resumes
// from its last completed epoch and completes (policy 'average', so the
// averaged Adam state is resumed too); shards finished while no coordinator
// ran are not lost, and no epoch is averaged twice. The first coordinator
// pauses at a test hook right after it queued epoch 2's flow, and is killed there.
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster, hooks } from './support/cluster.js';

const c = new Cluster('restart');
afterAll(() => c.close());

describe('coordinator restart', () => {
  it('resumes a running job from its last completed epoch', { timeout: 180_000 }, async () => {
    const first = c.coordinator(hooks({ at: 'epoch-queued', epoch: 1, pause: true }));
    c.worker('w1');
    c.worker('w2');
    await c.waitForWorkers('w1', 'w2');
    const job = c.enqueue(['--epochs', '3', '--optimizer', 'average']);
    await first.waitForLine(/^tensorpool-test-hook: epoch-queued epoch=1 .*paused$/);
    first.child.kill('SIGKILL');
    await first.exited;
    const atKill = await c.client.status(job);
    expect(atKill.state).toBe('running');
    expect(atKill.epoch).toBe(1);
    // The workers finish epoch 2's shards while no coordinator runs.
    await c.waitFor('epoch 2\'s shards to finish without a coordinator', async () => {
      const parent = await c.client.queues.epochs.getJob(c.client.keys.epochJobId(job, 1));
      return parent && (await parent.getState()) === 'waiting';
    }, 120_000);
    expect((await c.client.status(job)).epoch).toBe(1);

    c.coordinator({}, 'coordinator-2');
    const done = await c.waitForState(job);
    expect(done.state, `${done.error}\n${c.logs()}`).toBe('completed');
    expect(done.epochMetrics.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(Number(await c.client.redis.get(c.client.keys.shardsDone))).toBe(6);
    const m = c.cli(['metrics', job, '--json']);
    expect(JSON.parse(m.stdout).testAccuracy).toBeGreaterThan(0.1);
  });
});
