/**
 * Every Redis script is a file `name-NUMKEYS.lua` whose header lists its
 * KEYS and ARGV, defined on a connection once (ioredis defineCommand), so
 * calls send EVALSHA with the script's SHA1 instead of its text.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createKeys } from './keys.js';
import { createJobRecord, transition } from './state.js';
import { dropPrefix, testPrefix } from './fixtures.test-util.js';
import { parseJobPayload } from './schema.js';

const dirs = ['../lua/', '../../datasets/lua/'].map((d) => new URL(d, import.meta.url));
const prefix = testPrefix('lua');
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
});

describe('Lua scripts', () => {
  it('are files name-NUMKEYS.lua whose header lists exactly KEYS[1..NUMKEYS] and ARGV', () => {
    for (const dir of dirs) {
      for (const f of readdirSync(dir)) {
        const n = Number(/^[a-z][a-z0-9-]*-(\d+)\.lua$/.exec(f)?.[1]);
        expect(n, f).toBeGreaterThan(0);
        const header = readFileSync(new URL(f, dir), 'utf8').split('\n').filter((l) => l.startsWith('--')).join('\n');
        const listed = [...header.matchAll(/^-- KEYS\[(\d+)\]/gm)].map((m) => Number(m[1]));
        expect(listed, f).toEqual(Array.from({ length: n }, (_, i) => i + 1));
        expect(header, f).toMatch(/^-- (ARGV|Returns)/m);
      }
    }
  });

  it('run by EVALSHA: the server holds each script used by its SHA1', async () => {
    const keys = createKeys(prefix);
    const job = await createJobRecord(redis, keys, parseJobPayload({ preset: 'fashion-mnist', data: 'fashion-mnist', epochs: 1, shards: 1 }));
    expect(await transition(redis, keys, job.id, 'cancelled')).toBe(true);
    const sha = (f: string) => createHash('sha1').update(readFileSync(new URL(f, dirs[0]), 'utf8')).digest('hex');
    expect(await redis.script('EXISTS', sha('create-job-3.lua'), sha('transition-2.lua'))).toEqual([1, 1]);
    // Defined on this connection as commands (ioredis sends EVALSHA for them, EVAL only on NOSCRIPT).
    const commands = redis as unknown as Record<string, unknown>;
    expect([typeof commands.tp_create_job, typeof commands.tp_transition]).toEqual(['function', 'function']);
  });
});
