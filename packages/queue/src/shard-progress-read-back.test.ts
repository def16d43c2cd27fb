/**
 * Progress values read back from Redis are validated: "step/steps" with
 * 0 <= step <= steps, a fraction in [0, 1] as older workers wrote it, and
 * nothing else; shards outside the job are ignored, never counted.
 */
import { describe, expect, it } from 'vitest';
import { epochFraction, parseProgressHash, parseShardJobProgress, parseStoredShardProgress } from './shard-progress.js';

describe('shard progress read back', () => {
  it('takes step counts and old fractions, refuses anything else', () => {
    expect(parseStoredShardProgress('1/500')).toEqual({ step: 1, steps: 500 });
    expect(parseStoredShardProgress('0.0020')).toEqual({ step: 20, steps: 10_000 });
    expect(parseStoredShardProgress('1')).toEqual({ step: 10_000, steps: 10_000 });
    for (const bad of ['501/500', '1/0', '-1/5', '1.5/5', '1/5/6', '1.5', '2', 'NaN', '', ' 1/5', '1/99999999999']) {
      expect(parseStoredShardProgress(bad), bad).toBeUndefined();
    }
    expect(parseShardJobProgress({ step: 3, steps: 4 })).toEqual({ step: 3, steps: 4 });
    for (const bad of [37, '3/4', { step: 5, steps: 4 }, { step: 1, steps: 4, x: 1 }, { step: 1.5, steps: 4 }, null]) {
      expect(parseShardJobProgress(bad)).toBeUndefined();
    }
  });

  it('sums the valid shards of the job only', () => {
    const ps = parseProgressHash({ 0: '1/500', 1: '250/500', 2: 'junk', 7: '500/500', x: '1/2' }, 4);
    expect(ps).toEqual([{ shard: 0, step: 1, steps: 500 }, { shard: 1, step: 250, steps: 500 }]);
    expect(epochFraction(ps, 4)).toBeCloseTo((1 / 500 + 0.5) / 4, 12);
  });
});
