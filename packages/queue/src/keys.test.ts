import { describe, expect, it } from 'vitest';
import { createKeys } from './keys.js';

describe('keys', () => {
  it('builds every key under the prefix and job ids BullMQ accepts', () => {
    const k = createKeys('tp-test:a');
    const all = [k.job('j1'), k.jobs, k.active, k.weights('j1', 0), k.adam('j1', 1), k.result('j1', 2, 3), k.shardAdam('j1', 0),
      k.epochMetrics('j1'), k.metrics('j1'), k.progress('j1'), k.jobWorkers('j1'), k.worker('w'), k.workers, k.shardsDone, k.shardsRejected, k.bullPrefix, k.session('s1'), k.rateLimit, k.model('ab'), k.modelChunk('ab', 0), k.models, k.modelBytes];
    for (const key of all) expect(key.startsWith('tp-test:a:')).toBe(true);
    expect(new Set(all).size).toBe(all.length);
    expect(k.shardJobId('j1', 2, 3)).not.toContain(':');
    expect(k.epochJobId('j1', 2)).not.toContain(':');
    expect(k.result('j1', 2, 3)).not.toBe(k.result('j1', 3, 2));
  });

  it('reads the prefix from TENSORPOOL_PREFIX and rejects bad prefixes', () => {
    process.env.TENSORPOOL_PREFIX = 'from-env';
    try {
      expect(createKeys().prefix).toBe('from-env');
    } finally {
      delete process.env.TENSORPOOL_PREFIX;
    }
    expect(createKeys().prefix).toBe('tensorpool');
    expect(() => createKeys('has space')).toThrow(/prefix/);
  });
});
