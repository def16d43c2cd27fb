/**
 * Manifests and headers read back from a store are untrusted: a tampered
 * manifest in Redis is refused with the bad field named, and a serialized
 * dataset with a bad header is refused before any array is read.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '@tensorpool/core';
import { decodeHeader, encodeHeader } from './format.js';
import { pushDataset } from './push.js';
import { parseDataset } from './read.js';
import { redisStore, testRedis } from './fixtures.test-util.js';
import { syntheticSplits } from './synthetic.test-util.js';

const t = testRedis('manifest');
afterAll(() => t.cleanup());

describe('untrusted manifests and headers', () => {
  it('refuses a tampered manifest in Redis, naming the field', async () => {
    const store = redisStore(t);
    const r = await pushDataset(store, syntheticSplits(20, 3), { chunkSize: 1024, name: 'm' });
    const key = store.keys.manifest(r.dataset.slice(7));
    const m = JSON.parse((await t.redis.get(key))!);
    const cases: [object, RegExp][] = [
      [{ ...m, chunkSize: 2 ** 40 }, /chunkSize/],
      [{ ...m, shape: [8, 8, 4] }, /shape\.2/],
      [{ ...m, chunks: m.chunks.slice(1) }, /chunks for \d+ bytes/],
      [{ ...m, id: 'sha256:../../x' }, /invalid: id/],
      [{ ...m, extra: 1 }, /extra|Unrecognized/],
      [{ ...m, id: `sha256:${'0'.repeat(64)}` }, /names sha256:0000/],
    ];
    for (const [bad, re] of cases) {
      await t.redis.set(key, JSON.stringify(bad));
      await expect(store.getManifest(r.dataset)).rejects.toThrow(re);
    }
    await t.redis.set(key, '{not json');
    await expect(store.getManifest('m')).rejects.toThrow(/is not JSON/);
    await t.redis.hset(store.keys.names, 'm', 'x'.repeat(500));
    await expect(store.getManifest('m')).rejects.toThrow(/maps to 'x{80}', which is not a dataset id/);
  });

  it('round-trips a header and refuses bad magic, version, lengths and labels', () => {
    const h = { shape: [4, 5, 1] as [number, number, number], classes: ['zéro', 'one'], train: 2, test: 1 };
    const bytes = encodeHeader(h);
    expect(decodeHeader(bytes).header).toEqual(h);
    const bad = (f: (b: Buffer) => void) => {
      const b = Buffer.from(bytes);
      f(b);
      return () => decodeHeader(b);
    };
    expect(bad((b) => b.write('NOPE', 0, 'latin1'))).toThrow(/no TPDS magic/);
    expect(bad((b) => b.writeUInt16LE(2, 4))).toThrow(/format version 2/);
    expect(bad((b) => b.writeUInt32LE(1 << 30, 8))).toThrow(/header length/);
    expect(bad((b) => b.writeUInt32LE(2, 20))).toThrow(/channels must be 1 or 3/);
    expect(bad((b) => b.writeUInt16LE(3, 32))).toThrow(/class name 2 runs past the header/);
    expect(() => encodeHeader({ ...h, classes: [] })).toThrow(DataError);

    const whole = Buffer.concat([bytes, Buffer.alloc(2 * 20 + 2 + 20 + 1)]);
    expect(parseDataset(whole, 'ok').train.n).toBe(2);
    whole[bytes.length + 40] = 7; // first train label: class 7 of 2
    expect(() => parseDataset(whole, 'bad labels')).toThrow(/label 7 is not one of the 2 classes/);
    expect(() => parseDataset(whole.subarray(0, whole.length - 1), 'short')).toThrow(/header describes/);
  });
});
