// A dashboard event stream (/runs/:id/events) never ends by itself while its
// run goes on, so a stop that waited for it would always use up the grace.
// On SIGTERM serve cuts the open streams at once (the browser reconnects with
// Last-Event-ID) and closes cleanly: exit 0, although the grace here is
// longer than the test may take. Events, not timing: the stream's headers
// have arrived (it is open and counted) before the signal.
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster } from './support/cluster.js';

const c = new Cluster('serve-sse-stop');
afterAll(() => c.close());

describe('serve stop with an open event stream', () => {
  it('cuts the stream and exits 0 without waiting for the grace', { timeout: 60_000 }, async () => {
    const job = c.enqueue(); // no coordinator: the run stays queued and its stream open
    const api = c.start('api', ['serve', '--port', '0', '--host', '127.0.0.1'], { TENSORPOOL_API_STOP_GRACE_MS: '600000' });
    const url = (await api.waitForLine(/api listening on /)).match(/on (http:\S+)/)![1];
    const res = await fetch(`${url}/runs/${job}/events`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const body = res.text().then(() => 'ended', () => 'cut');
    api.child.kill('SIGTERM');
    expect(await api.exited, c.logs()).toBe(0);
    expect(api.output()).not.toMatch(/^tensorpool: /m);
    expect(await body).toBe('cut');
  });
});
