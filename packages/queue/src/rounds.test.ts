// Chunking of an epoch into rounds: R consecutive, disjoint chunks that cover
// every step once, a function of (steps, round, R) only; and round-scoped keys
// whose round 0 is exactly the pre-rounds epoch key.
import { describe, expect, it } from 'vitest';
import { chunkSteps, nextRound, roundIndex } from './rounds.js';
import { createKeys } from './keys.js';

describe('rounds', () => {
  it('cut an epoch into R consecutive chunks covering each step once', () => {
    for (const steps of [0, 1, 5, 64, 65, 257]) {
      for (const R of [1, 2, 3, 4, 8, 64]) {
        const chunks = Array.from({ length: R }, (_, r) => chunkSteps(steps, r, R));
        expect(chunks[0].startStep).toBe(0);
        expect(chunks[R - 1].endStep).toBe(steps);
        for (let r = 1; r < R; r++) expect(chunks[r].startStep).toBe(chunks[r - 1].endStep);
        const sizes = chunks.map((c) => c.endStep - c.startStep);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
    }
    expect(chunkSteps(64, 0, 1)).toEqual({ startStep: 0, endStep: 64 });
    expect(chunkSteps(10, 1, 4)).toEqual({ startStep: 2, endStep: 5 });
  });

  it('advance within an epoch, then to the next, in index order', () => {
    expect(nextRound({ epoch: 0, round: 0 }, 1)).toEqual({ epoch: 1, round: 0 });
    expect(nextRound({ epoch: 2, round: 1 }, 4)).toEqual({ epoch: 2, round: 2 });
    expect(nextRound({ epoch: 2, round: 3 }, 4)).toEqual({ epoch: 3, round: 0 });
    expect(roundIndex({ epoch: 3, round: 0 }, 4)).toBe(roundIndex({ epoch: 2, round: 3 }, 4) + 1);
  });

  it('have keys and BullMQ ids per round; round 0 keeps the epoch names', () => {
    const k = createKeys('p');
    expect(k.weights('j', 2, 0)).toBe('p:job:j:weights:2');
    expect(k.result('j', 2, 1, 0)).toBe('p:job:j:result:2:1');
    expect(k.shardJobId('j', 2, 1, 0)).toBe('j-e2-s1');
    const all = [k.weights('j', 1, 0), k.weights('j', 1, 1), k.weights('j', 11, 0), k.result('j', 1, 1, 1), k.result('j', 1, 1, 11), k.result('j', 11, 1, 1),
      k.outer('j', 1, 1), k.adam('j', 1, 1), k.epochJobId('j', 1, 1), k.epochJobId('j', 11, 0), k.shardJobId('j', 1, 1, 1), k.shardJobId('j', 11, 1, 0)];
    expect(new Set(all).size).toBe(all.length);
    for (const id of [k.epochJobId('j', 1, 3), k.shardJobId('j', 1, 2, 3)]) expect(id).not.toContain(':');
  });
});
