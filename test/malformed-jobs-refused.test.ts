// Malformed jobs are refused at the boundary by `tensorpool enqueue` with a
// message naming the field, and nothing is queued.
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster } from './support/cluster.js';

const c = new Cluster('malformed');
afterAll(() => c.close());

describe('malformed jobs', () => {
  it('are refused by the CLI with a clear message and leave no job behind', async () => {
    const cases: [string[], RegExp][] = [
      [['--epochs', '-1'], /invalid job: epochs: must be >= 1, got -1/],
      [['--epochs', 'two'], /--epochs must be an integer, got 'two'/],
      [['--epochs', '1', '--preset', 'resnet'], /preset: unknown preset 'resnet'/],
      [['--epochs', '1', '--shards', '0'], /shards: must be >= 1, got 0/],
      [['--epochs', '1', '--optimizer', 'sgd'], /optimizer: /],
      [['--epochs', '1', '--spec', '/nonexistent/spec.json'], /spec file .* does not exist/],
    ];
    for (const [args, msg] of cases) {
      const r = c.cli(['enqueue', ...args, '--json']);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr, args.join(' ')).toMatch(msg);
      expect(r.stdout).toBe('');
    }
    expect(await c.client.redis.zcard(c.client.keys.jobs)).toBe(0);
  });

  it('are refused by the queue client with every bad field named', async () => {
    await expect(c.client.enqueue({ preset: 'fashion-mnist', epochs: 'x', batchSize: -3 })).rejects.toThrow(
      /invalid job: data: is required.*; epochs: must be a number, got string; batchSize: must be >= 1, got -3/,
    );
    await expect(c.client.enqueue({ spec: { name: 'x', inputShape: [28, 28], labels: [], layers: [] }, data: 'fashion-mnist', epochs: 1 })).rejects.toThrow(/invalid job: spec: /);
    expect(await c.client.redis.zcard(c.client.keys.jobs)).toBe(0);
  });
});
