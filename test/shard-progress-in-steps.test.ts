// A shard's progress is reported in whole steps, end to end: after the first
// step of a 500-step shard (2,000 samples, 4 per step; the worker pauses there
// on a test hook) the BullMQ shard job, `status` (JSON and text), GET /jobs/:id
// and the dashboard's runs list all show 1 of 500 steps, where a percent
// rounded to a whole number showed 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type ApiServer } from '@tensorpool/api';
import { parseShardJobProgress } from '@tensorpool/queue';
import { Cluster, hooks, TINY_SPEC } from './support/cluster.js';

const token = 'progress-tok-0123456789';
const c = new Cluster('progress');
let app: ApiServer;
let base: string;

beforeAll(async () => {
  app = await buildServer({ prefix: c.prefix, token });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app?.close();
  await c.close();
});

describe('shard progress in steps', () => {
  it('shows step 1 of 500 after the first step, in status, the API and the dashboard', { timeout: 300_000 }, async () => {
    let paused = false;
    c.onHook((h) => void (h.paused && (paused = true)));
    c.coordinator();
    c.worker('w1', hooks({ at: 'shard-step', epoch: 0, step: 1, pause: true }));
    await c.waitForWorkers('w1');
    const { jobId } = await c.client.enqueue({ spec: TINY_SPEC, data: 'fashion-mnist', epochs: 2, shards: 1, limit: 2000, testLimit: 100, batchSize: 4, seed: 7 });
    await c.waitFor('the shard to pause after its first step', async () => paused);
    const want = [{ shard: 0, step: 1, steps: 500 }];
    // The worker's writes are not awaited before the hook: wait until they land (no time window).
    const st = await c.waitFor('step 1 in the progress hash', async () => {
      const s = await c.client.status(jobId);
      return s.shardProgress.length ? s : undefined;
    });
    expect(st.shardProgress).toEqual(want);
    expect(st.progress).toBe(1 / 500 / 2);

    const job = await c.waitFor('the shard job progress', async () => {
      const active = await c.client.queues.shards.getActive();
      return active.find((j) => j.data.jobId === jobId && parseShardJobProgress(j.progress));
    });
    expect(parseShardJobProgress(job.progress)).toEqual({ step: 1, steps: 500 });

    const text = c.cli(['status', jobId]);
    expect(text.stdout).toContain('epoch 0 of 2 done, 0.100%');
    expect(text.stdout).toContain('epoch 1 steps per shard: 0: 1/500');

    const bearer = { authorization: `Bearer ${token}` };
    const api = (await (await fetch(`${base}/jobs/${jobId}`, { headers: bearer })).json()) as { shardProgress: unknown; progress: number };
    expect(api.shardProgress).toEqual(want);
    expect(api.progress).toBe(1 / 1000);
    const { runs } = (await (await fetch(`${base}/api/runs`, { headers: bearer })).json()) as { runs: { id: string; step: number; steps: number }[] };
    const row = runs.find((r) => r.id === jobId);
    expect(row).toMatchObject({ step: 1, steps: 500 });
    await c.client.cancel(jobId);
  });
});
