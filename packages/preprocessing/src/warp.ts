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
 * Hot loop: no allocation, 3 channels unrolled; at the edges 'nearest' clamps
 * the neighbour offsets, 'constant' takes the slower `constantSample` path.
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
      // Offsets of the 2x2 neighbours: top-left, top-right, bottom-left, bottom-right.
      let p00 = srcAt + y0 * rowStride + x0 * c;
      let p01 = p00 + c;
      let p10 = p00 + rowStride;
      let p11 = p10 + c;
      if (x0 < 0 || y0 < 0 || x0 >= wLast || y0 >= hLast) {
        if (constant) {
          for (let ch = 0; ch < c; ch++) {
            const q = round255(constantSample(src, srcAt, w, h, c, ch, x0, y0, fx, fy, fillValue) * gain);
            if (toFloat) f32![o] = lut![ch * 256 + q];
            else u8![o] = q;
            o++;
          }
          continue;
        }
        // 'nearest': clamp each neighbour to the image (edge replication).
        const xa = x0 < 0 ? 0 : x0 > wLast ? wLast : x0;
        const xb = x0 + 1 < 0 ? 0 : x0 + 1 > wLast ? wLast : x0 + 1;
        const ya = y0 < 0 ? 0 : y0 > hLast ? hLast : y0;
        const yb = y0 + 1 < 0 ? 0 : y0 + 1 > hLast ? hLast : y0 + 1;
        p00 = srcAt + ya * rowStride + xa * c;
        p01 = srcAt + ya * rowStride + xb * c;
        p10 = srcAt + yb * rowStride + xa * c;
        p11 = srcAt + yb * rowStride + xb * c;
      }
      if (c === 3) {
        let a = src[p00], b = src[p10];
        let t = a + (src[p01] - a) * fx;
        const v0 = round255((t + (b + (src[p11] - b) * fx - t) * fy) * gain);
        a = src[p00 + 1]; b = src[p10 + 1];
        t = a + (src[p01 + 1] - a) * fx;
        const v1 = round255((t + (b + (src[p11 + 1] - b) * fx - t) * fy) * gain);
        a = src[p00 + 2]; b = src[p10 + 2];
        t = a + (src[p01 + 2] - a) * fx;
        const v2 = round255((t + (b + (src[p11 + 2] - b) * fx - t) * fy) * gain);
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
          const a = src[p00 + ch], b = src[p10 + ch];
          const t = a + (src[p01 + ch] - a) * fx;
          const q = round255((t + (b + (src[p11 + ch] - b) * fx - t) * fy) * gain);
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
 * y0..y0+1) is not all inside the image, for fill 'constant': neighbours
 * outside read fillValue.
 */
function constantSample(
  src: Uint8Array, srcAt: number, w: number, h: number, c: number, ch: number,
  x0: number, y0: number, fx: number, fy: number, fillValue: number,
): number {
  const x1 = x0 + 1;
  const y1 = y0 + 1;
  const a = readOr(src, srcAt, w, h, c, ch, x0, y0, fillValue);
  const b = readOr(src, srcAt, w, h, c, ch, x0, y1, fillValue);
  const t = a + (readOr(src, srcAt, w, h, c, ch, x1, y0, fillValue) - a) * fx;
  return t + (b + (readOr(src, srcAt, w, h, c, ch, x1, y1, fillValue) - b) * fx - t) * fy;
}

/** Source value at (x, y), channel ch, or fillValue outside the image. */
function readOr(
  src: Uint8Array, srcAt: number, w: number, h: number, c: number, ch: number,
  x: number, y: number, fillValue: number,
): number {
  return x < 0 || y < 0 || x >= w || y >= h ? fillValue : src[srcAt + (y * w + x) * c + ch];
}
