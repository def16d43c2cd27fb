import { describe, expect, it } from 'vitest';
import { BLOB_HEADER_BYTES, decodeWeights, encodeWeights } from './shard.js';

describe('weight blob format', () => {
  it('round-trips exactly: 16-byte header + little-endian float32', () => {
    const w = Float32Array.from([0, -1.5, 3.25e-8, 65504, Math.fround(Math.PI)]);
    const buf = encodeWeights(w);
    expect(buf.length).toBe(BLOB_HEADER_BYTES + 4 * w.length);
    expect(buf.toString('latin1', 0, 4)).toBe('TPW1');
    expect(buf.readUInt32LE(8)).toBe(w.length);
    expect(buf.readFloatLE(BLOB_HEADER_BYTES + 4)).toBe(-1.5);
    expect(Array.from(decodeWeights(buf, { expected: 5 }))).toEqual(Array.from(w));
    // From an unaligned view, as Redis hands buffers back.
    const unaligned = Buffer.concat([Buffer.alloc(1), buf]).subarray(1);
    expect(Array.from(decodeWeights(unaligned))).toEqual(Array.from(w));
  });

  it('refuses bad headers, truncation, wrong counts and NaN/Inf with a clear message', () => {
    const buf = encodeWeights(Float32Array.from([1, 2, 3]));
    expect(() => decodeWeights(Buffer.from('nope'))).toThrow(/bad header/);
    expect(() => decodeWeights(buf.subarray(0, buf.length - 2), { what: 'shard 1' })).toThrow(/shard 1 is truncated/);
    expect(() => decodeWeights(buf, { expected: 4 })).toThrow(/has 3 values, expected 4/);
    expect(() => decodeWeights(encodeWeights(Float32Array.from([1, NaN])))).toThrow(/NaN at index 1/);
    expect(() => decodeWeights(encodeWeights(Float32Array.from([Infinity])))).toThrow(/Infinity at index 0/);
    expect(decodeWeights(encodeWeights(Float32Array.from([NaN])), { finite: false })[0]).toBeNaN();
    expect(() => decodeWeights(null, { what: 'weights of epoch 2' })).toThrow(/weights of epoch 2 is missing/);
  });
});
