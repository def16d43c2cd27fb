// A job's run events in its Redis stream: trimmed to about MAXLEN, read back
// validated (entries that are not a valid event are skipped, not trusted),
// continued after a cursor, and an emit that fails never throws into the job.
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '@tensorpool/core';
import { connectRedis } from './redis.js';
import { createKeys } from './keys.js';
import { emitRunEvent, readRunEvents } from './run-events.js';

const keys = createKeys(`tp-test-run-events-${process.pid}`);
const redis = connectRedis();
const job = 'j0123456789abcdef';
afterAll(async () => {
  const ks = await redis.keys(`${keys.prefix}:*`);
  if (ks.length) await redis.del(...ks);
  redis.disconnect();
});

describe('run event stream', () => {
  it('skips corrupt entries and continues after a cursor', async () => {
    await emitRunEvent(redis, keys, job, { type: 'shard-started', epoch: 1, shard: 0, worker: 'w1' });
    await redis.xadd(keys.runEvents(job), '*', 'e', '{"t":1,"type":"shard-started","epoch":0,"shard":0,"worker":"w"}');
    await redis.xadd(keys.runEvents(job), '*', 'e', 'not json');
    await redis.xadd(keys.runEvents(job), '*', 'x', '{}');
    await emitRunEvent(redis, keys, job, { type: 'run-cancelled' });
    const all = await readRunEvents(redis, keys, job);
    expect(all.events.map((e) => e.event.type)).toEqual(['shard-started', 'run-cancelled']);
    expect(all.invalid).toBe(3);
    const after = await readRunEvents(redis, keys, job, all.events[0].id);
    expect(after.events.map((e) => e.event.type)).toEqual(['run-cancelled']);
  });

  it('does not throw when the event is invalid (the job goes on) and writes nothing', async () => {
    const before = await redis.xlen(keys.runEvents(job));
    await expect(emitRunEvent(redis, keys, job, { type: 'shard-started', epoch: -1, shard: 0, worker: 'w' })).resolves.toBeUndefined();
    expect(await redis.xlen(keys.runEvents(job))).toBe(before);
  });

  it('keeps the stream bounded', async () => {
    const other = 'jfedcba9876543210';
    const n = DEFAULTS.events.streamMaxLen + 500;
    for (let i = 0; i < n; i += 500) {
      await Promise.all(Array.from({ length: 500 }, () => emitRunEvent(redis, keys, other, { type: 'run-cancelled' })));
    }
    const len = await redis.xlen(keys.runEvents(other));
    expect(len).toBeLessThan(n);
    expect(len).toBeGreaterThanOrEqual(DEFAULTS.events.streamMaxLen);
  });
});
