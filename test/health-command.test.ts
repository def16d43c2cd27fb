// `tensorpool health --role R`: exit 0 while the role runs and is connected
// (worker heartbeat fresh, coordinator registered on the epoch queue, API
// answering /healthz), exit 1 once it is gone; the image's HEALTHCHECK and
// the Kubernetes probes run exactly this.
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster } from './support/cluster.js';

const c = new Cluster('health');
afterAll(() => c.close());

describe('tensorpool health', () => {
  it('passes for running roles and fails once they stop', { timeout: 180_000 }, async () => {
    const w = c.worker('hw1');
    const coord = c.coordinator();
    const api = c.start('api', ['serve', '--host', '127.0.0.1', '--port', '0']);
    await c.waitForWorkers('hw1');
    const port = await c.waitFor('the API to listen', async () => api.output().match(/listening on http:\/\/127\.0\.0\.1:(\d+)/)?.[1]);
    await c.waitFor('the coordinator to be ready', async () => /coordinator ready/.test(coord.output()));

    const worker = c.cli(['health', '--role', 'worker', '--id', 'hw1']);
    expect(worker.code, worker.stderr).toBe(0);
    expect(worker.stdout).toMatch(/^healthy: worker hw1 beat \d+ ms ago\n$/);
    expect(c.cli(['health', '--role', 'worker', '--id', 'nobody']).code).toBe(1);
    const coordinator = c.cli(['health', '--role', 'coordinator']);
    expect(coordinator.code, coordinator.stderr).toBe(0);
    const served = c.cli(['health', '--role', 'api', '--port', port]);
    expect(served.code, served.stderr).toBe(0);
    expect(c.cli(['health', '--role', 'nonsense']).code).toBe(2);

    for (const p of [w, coord, api]) p.child.kill('SIGTERM');
    expect(await Promise.all([w.exited, coord.exited, api.exited])).toEqual([0, 0, 0]);
    const gone = c.cli(['health', '--role', 'worker', '--id', 'hw1']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^tensorpool: unhealthy worker: no fresh heartbeat of worker hw1/);
    expect(c.cli(['health', '--role', 'coordinator']).code).toBe(1);
    expect(c.cli(['health', '--role', 'api', '--port', port, '--timeout', '2000']).code).toBe(1);
  });
});
