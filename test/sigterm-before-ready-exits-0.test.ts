// A SIGTERM between a long-running command's start and its "ready" line is a
// stop like any other (packages/queue/src/bounded-stop.ts): the handler is
// installed first, the start finishes, then the graceful close: exit 0, no
// error line. Before, a signal there killed the process (exit by signal, no
// close). Events, not timing: each process pauses at the `starting` test hook
// (handler installed, start next), gets SIGTERM there, says it will stop
// once started, and only then is released.
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster, hooks } from './support/cluster.js';

const c = new Cluster('before-ready');
afterAll(() => c.close());

const ROLES: Array<[string, string[]]> = [
  ['coordinator', ['coordinator', '--threads', '1', '--models-dir', `${c.dir}/models`]],
  ['api', ['serve', '--port', '0', '--host', '127.0.0.1']],
  ['worker w-early', ['worker', '--threads', '1', '--id', 'w-early']],
];

describe('SIGTERM before ready', () => {
  it('coordinator, serve and worker finish starting, then stop cleanly: exit 0', { timeout: 60_000 }, async () => {
    await Promise.all(ROLES.map(async ([who, args]) => {
      const p = c.start(who, args, hooks({ at: 'starting', pause: true }));
      await p.waitForLine(/^tensorpool-test-hook: starting pid=\d+ paused$/);
      p.child.kill('SIGTERM');
      await p.waitForLine(new RegExp(`${who}: SIGTERM before it was ready, stopping once started`));
      p.release();
      expect(await p.exited, c.logs()).toBe(0);
      expect(p.child.signalCode, who).toBeNull();
      expect(p.output(), who).not.toMatch(/^tensorpool: /m);
    }));
  });
});
