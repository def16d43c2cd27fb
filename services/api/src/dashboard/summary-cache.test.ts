// The runs list's summary cache: a second listing reads only the events after
// the cursor the first one reached, a run whose file was replaced is folded
// again from the start, and at most `max` runs are kept (least recently listed
// dropped first). Events come from real events.jsonl files read by the
// logdir source's own reader, through LogdirSource.read.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRunEvent, type RunEventInput } from '@tensorpool/core';
import { LogdirSource } from './logdir-source.js';
import { SummaryCache } from './summary-cache.js';

const dir = mkdtempSync(join(tmpdir(), 'tp-summary-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const line = (e: RunEventInput) => `${JSON.stringify(makeRunEvent(e))}\n`;
const started = (name: string) => line({ type: 'run-started', name, mode: 'local', epochs: 3, batchSize: 32, dataset: 'd', trainSamples: 1, testSamples: 1, labels: [], options: {} });
const epoch = (n: number, valAccuracy: number) => line({ type: 'epoch-end', epoch: n, epochs: 3, loss: 1, accuracy: 0.5, valLoss: 1, valAccuracy, seconds: 1, imagesPerSecond: 10 });

describe('SummaryCache', () => {
  it('folds only new events, restarts a replaced run, keeps at most max runs', async () => {
    for (const r of ['a', 'b', 'c']) {
      mkdirSync(join(dir, r));
      writeFileSync(join(dir, r, 'events.jsonl'), started(r) + epoch(1, 0.5));
    }
    const source = new LogdirSource(dir, 100);
    const cursors: string[] = [];
    const reader = (id: string) => async (cursor: string) => {
      cursors.push(`${id}@${cursor}`);
      return source.read(id, cursor);
    };
    const cache = new SummaryCache(2);

    const a1 = await cache.summary('a', 'local', reader('a'));
    expect(a1).toMatchObject({ name: 'a', epoch: 1, bestValAccuracy: 0.5 });
    expect(cursors).toEqual(['a@0']);
    const afterFirst = String(statSync(join(dir, 'a', 'events.jsonl')).size); // the cursor: the byte after the last line

    appendFileSync(join(dir, 'a', 'events.jsonl'), epoch(2, 0.7));
    cursors.length = 0;
    const a2 = await cache.summary('a', 'local', reader('a'));
    expect(a2).toMatchObject({ epoch: 2, bestValAccuracy: 0.7 });
    expect(cursors[0]).toBe(`a@${afterFirst}`); // not from '0'

    // A reader that says the run was replaced: folded again from the start.
    writeFileSync(join(dir, 'a', 'events.jsonl'), started('a2'));
    let replaced = true;
    const a3 = await cache.summary('a', 'local', async (cursor) => {
      if (!replaced) return source.read('a', cursor);
      replaced = false;
      return null;
    });
    expect(a3).toMatchObject({ name: 'a2', epoch: 0, bestValAccuracy: null });

    await cache.summary('b', 'local', reader('b'));
    await cache.summary('c', 'local', reader('c')); // evicts a (least recently listed)
    expect(cache.size).toBe(2);
    cursors.length = 0;
    await cache.summary('a', 'local', reader('a'));
    expect(cursors[0]).toBe('a@0');
  });
});
