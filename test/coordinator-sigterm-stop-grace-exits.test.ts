// The grace bound of a coordinator's stop (packages/queue/src/bounded-stop.ts):
// a step still in progress when it runs out. The coordinator pauses at a test
// hook inside its epoch step (averaged, metrics written, job not yet
// finished) and gets SIGTERM there with a grace of 0 ms, so the step cannot
// finish in time whatever the machine's speed: it exits 1 with one line. The
// step's lock lapses, BullMQ re-delivers it to a second coordinator, which
// finishes the job (idempotent: the epoch is not averaged twice).
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster, hooks } from './support/cluster.js';

const c = new Cluster('coord-grace');
afterAll(() => c.close());

describe('coordinator stop grace', () => {
  it('exits 1 with one line when the step in progress outlives it; the next coordinator re-runs the step', { timeout: 120_000 }, async () => {
    const first = c.coordinator({ ...hooks({ at: 'epoch-averaged', epoch: 0, pause: true }), TENSORPOOL_COORDINATOR_STOP_GRACE_MS: '0' });
    c.worker('w1');
    const job = c.enqueue(['--epochs', '1']);
    await first.waitForLine(/^tensorpool-test-hook: epoch-averaged epoch=0 .*paused$/);
    first.child.kill('SIGTERM');
    expect(await first.exited, c.logs()).toBe(1);
    const mine = first.output().split('\n').filter((l) => l.startsWith('tensorpool: '));
    expect(mine).toEqual(['tensorpool: coordinator: steps still in progress 0 ms after the signal (stop grace); exiting without them, BullMQ re-delivers them to the next coordinator']);
    expect((await c.client.status(job)).state).toBe('running');
    c.coordinator({}, 'coordinator-2');
    const done = await c.waitForState(job);
    expect(done.state, `${done.error}\n${c.logs()}`).toBe('completed');
    expect(done.epochMetrics.map((e) => e.epoch)).toEqual([1]);
    expect(Number(await c.client.redis.get(c.client.keys.shardsDone))).toBe(2);
  });
});
