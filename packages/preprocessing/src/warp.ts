import type { FillMode } from './augment-config.js';

/**
 * Bilinear resampling of one uint8 HWC image through an inverse affine map
 * (see affine.ts), times `gain`, rounded half-up and clamped to 0..255.
 * src[srcAt ..] is [h, w, c]; the result goes to dst[dstAt ..] as uint8, or,
 * when `table` (a normalizationTable [c, 256]) and `fdst` are given, to
 * fdst[dstAt ..] as normalized float32 (fused, so a batch is written once).
 * src and the destination must not overlap.
 *
 * Interpolation is three lerps, a + (b - a) * f, so a zero fraction returns a
 * source value exactly (0° rotation, flips and 90° turns move pixels unchanged).
 * Hot loop: no allocation, 3 channels unrolled; pixels whose 2x2 neighbourhood
 * leaves the image take the slower `edgeSample` path.
 */
export function warpAffine(
  src: Uint8Array, srcAt: number, dst: Uint8Array | null, dstAt: number,
  h: number, w: number, c: number,
  m: Float64Array, gain: number, fill: FillMode, fillValue: number,
  table: Float32Array | null = null, fdst: Float32Array | null = null,
): void {
  const m00 = m[0], m01 = m[1], m02 = m[2], m10 = m[3], m11 = m[4], m12 = m[5];
  const constant = fill === 'constant';
  const toFloat = table !== null && fdst !== null;
  const u8 = toFloat ? null : dst!;
  const f32 = toFloat ? fdst! : null;
  const lut = toFloat ? table! : null;
  const rowStride = w * c;
  const wLast = w - 1;
  const hLast = h - 1;
  let o = dstAt;
  for (let y = 0; y < h; y++) {
    const rx = m01 * y + m02;
    const ry = m11 * y + m12;
    for (let x = 0; x < w; x++) {
      const sx = m00 * x + rx;
      const sy = m10 * x + ry;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      if (x0 < 0 || y0 < 0 || x0 >= wLast || y0 >= hLast) {
        for (let ch = 0; ch < c; ch++) {
          const q = round255(edgeSample(src, srcAt, w, h, c, ch, x0, y0, fx, fy, constant, fillValue) * gain);
          if (toFloat) f32![o] = lut![ch * 256 + q];
          else u8![o] = q;
          o++;
        }
        continue;
      }
      const p = srcAt + y0 * rowStride + x0 * c; // top-left neighbour; +c right, +rowStride down
      if (c === 3) {
        let a = src[p], b = src[p + rowStride];
        let t = a + (src[p + 3] - a) * fx;
        const v0 = round255((t + (b + (src[p + rowStride + 3] - b) * fx - t) * fy) * gain);
        a = src[p + 1]; b = src[p + rowStride + 1];
        t = a + (src[p + 4] - a) * fx;
        const v1 = round255((t + (b + (src[p + rowStride + 4] - b) * fx - t) * fy) * gain);
        a = src[p + 2]; b = src[p + rowStride + 2];
        t = a + (src[p + 5] - a) * fx;
        const v2 = round255((t + (b + (src[p + rowStride + 5] - b) * fx - t) * fy) * gain);
        if (toFloat) {
          f32![o] = lut![v0];
          f32![o + 1] = lut![256 + v1];
          f32![o + 2] = lut![512 + v2];
        } else {
          u8![o] = v0;
          u8![o + 1] = v1;
          u8![o + 2] = v2;
        }
        o += 3;
      } else {
        for (let ch = 0; ch < c; ch++) {
          const a = src[p + ch], b = src[p + rowStride + ch];
          const t = a + (src[p + c + ch] - a) * fx;
          const q = round255((t + (b + (src[p + rowStride + c + ch] - b) * fx - t) * fy) * gain);
          if (toFloat) f32![o] = lut![ch * 256 + q];
          else u8![o] = q;
          o++;
        }
      }
    }
  }
}

/** Half-up rounding into 0..255. */
function round255(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0;
}

/**
 * Bilinear value of channel ch at a point whose 2x2 neighbourhood (x0..x0+1,
 * y0..y0+1) is not all inside the image: 'nearest' clamps each neighbour to the
 * edge, 'constant' reads fillValue for neighbours outside.
 */
function edgeSample(
  src: Uint8Array, srcAt: number, w: number, h: number, c: number, ch: number,
  x0: number, y0: number, fx: number, fy: number, constant: boolean, fillValue: number,
): number {
  const x1 = x0 + 1;
  const y1 = y0 + 1;
  const read = (x: number, y: number): number => {
    if (x < 0 || y < 0 || x >= w || y >= h) {
      if (constant) return fillValue;
      x = x < 0 ? 0 : x >= w ? w - 1 : x;
      y = y < 0 ? 0 : y >= h ? h - 1 : y;
    }
    return src[srcAt + (y * w + x) * c + ch];
  };
  const a = read(x0, y0), b = read(x0, y1);
  const t = a + (read(x1, y0) - a) * fx;
  return t + (b + (read(x1, y1) - b) * fx - t) * fy;
}
