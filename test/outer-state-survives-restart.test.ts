// Rounds with an outer Nesterov optimizer: the coordinator is killed (kill -9
// while paused at its 'round-state' test hook) right after writing round 1's successor state
// (weights + outer momentum) and before its record moves on. A new
// coordinator re-runs that round's finish from the same inputs: the momentum
// is applied once, and the final model is bit-identical to the same job run
// without interruption. That second run has one worker instead of two: the
// rounds' chunks do not depend on how many workers train them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster, hooks } from './support/cluster.js';

const c = new Cluster('outer-restart');
afterAll(() => c.close());

const job = ['--epochs', '1', '--limit', '384', '--sync-every', '3', '--outer', 'nesterov', '--outer-lr', '0.7', '--outer-momentum', '0.9'];
const weightsOf = (dir: string) => readFileSync(join(dir, 'weights.bin'));

describe('outer optimizer state across a coordinator restart', () => {
  it('re-finishing a round applies the momentum once: same model as an uninterrupted run', { timeout: 300_000 }, async () => {
    const first = c.coordinator(hooks({ at: 'round-state', epoch: 0, pause: true }));
    c.worker('w1');
    const w2 = c.worker('w2');
    await c.waitForWorkers('w1', 'w2');
    const a = c.enqueue(job);
    await first.waitForLine(/^tensorpool-test-hook: round-state epoch=0 .*paused$/);
    first.child.kill('SIGKILL');
    await first.exited;
    // The successor state of round 1 is written, the record still says round 0.
    const mid = await c.client.status(a);
    expect(mid).toMatchObject({ state: 'running', epoch: 0, round: 0, syncEvery: 3 });
    expect(await c.client.redis.exists(c.client.keys.weights(a, 0, 1), c.client.keys.outer(a, 0, 1), c.client.keys.outer(a, 0, 0))).toBe(2);

    c.coordinator();
    const done = await c.waitForState(a);
    expect(done.state, `${done.error}\n${c.logs()}`).toBe('completed');
    expect(done.outer).toEqual({ kind: 'nesterov', lr: 0.7, momentum: 0.9 });
    const rounds = done.epochMetrics[0].rounds!;
    expect(rounds.map((r) => r.round)).toEqual([1, 2, 3]);
    for (const r of rounds) {
      expect(r.shards).toHaveLength(2);
      expect(r.spread).toBeGreaterThan(0);
    }
    expect(done.epochMetrics[0].samples).toBe(384);
    expect(Number(await c.client.redis.get(c.client.keys.shardsDone))).toBe(6);

    // The reference: the same job, no interruption, one worker.
    w2.child.kill('SIGTERM');
    expect(await w2.exited).toBe(0);
    const b = c.enqueue(job);
    const ref = await c.waitForState(b);
    expect(ref.state, `${ref.error}\n${c.logs()}`).toBe('completed');
    expect(ref.workers).toEqual(['w1']);
    const ma = JSON.parse(c.cli(['metrics', a, '--json']).stdout);
    const mb = JSON.parse(c.cli(['metrics', b, '--json']).stdout);
    expect(weightsOf(ma.modelDir).equals(weightsOf(mb.modelDir))).toBe(true);
    expect(ma.testAccuracy).toBe(mb.testAccuracy);

    const human = c.cli(['status', a]).stdout;
    expect(human).toMatch(/sync 3x per epoch.*outer nesterov lr 0.7 momentum 0.9/);
    expect(human).toMatch(/round 3: spread \d/);
  });
});
