import type { FillMode } from './augment-config.js';

/**
 * Bilinear resampling of one uint8 HWC image through an inverse affine map
 * (see affine.ts), times `gain`, rounded half-up and clamped to 0..255.
 * src[srcAt ..] and dst[dstAt ..] are [h, w, c] and must not overlap.
 * Hot loop: no allocation, one multiply-add per coordinate per pixel.
 */
export function warpAffine(
  src: Uint8Array, srcAt: number, dst: Uint8Array, dstAt: number,
  h: number, w: number, c: number,
  m: Float64Array, gain: number, fill: FillMode, fillValue: number,
): void {
  const m00 = m[0], m01 = m[1], m02 = m[2], m10 = m[3], m11 = m[4], m12 = m[5];
  const constant = fill === 'constant';
  const rowStride = w * c;
  const wMax = w - 1;
  const hMax = h - 1;
  let o = dstAt;
  for (let y = 0; y < h; y++) {
    const rx = m01 * y + m02;
    const ry = m11 * y + m12;
    for (let x = 0; x < w; x++) {
      const sx = m00 * x + rx;
      const sy = m10 * x + ry;
      let x0 = Math.floor(sx);
      let y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      let w00 = (1 - fx) * (1 - fy);
      let w01 = fx * (1 - fy);
      let w10 = (1 - fx) * fy;
      let w11 = fx * fy;
      let x1 = x0 + 1;
      let y1 = y0 + 1;
      let bias = 0;
      if (x0 < 0 || y0 < 0 || x1 > wMax || y1 > hMax) {
        if (constant) {
          // Neighbours outside the image read fillValue: move their weight into a bias.
          let outside = 0;
          const in0x = x0 >= 0 && x0 <= wMax, in1x = x1 >= 0 && x1 <= wMax;
          const in0y = y0 >= 0 && y0 <= hMax, in1y = y1 >= 0 && y1 <= hMax;
          if (!(in0x && in0y)) { outside += w00; w00 = 0; }
          if (!(in1x && in0y)) { outside += w01; w01 = 0; }
          if (!(in0x && in1y)) { outside += w10; w10 = 0; }
          if (!(in1x && in1y)) { outside += w11; w11 = 0; }
          bias = outside * fillValue;
        }
        // Clamp (edge replication for 'nearest'; zero-weight reads for 'constant').
        x0 = x0 < 0 ? 0 : x0 > wMax ? wMax : x0;
        x1 = x1 < 0 ? 0 : x1 > wMax ? wMax : x1;
        y0 = y0 < 0 ? 0 : y0 > hMax ? hMax : y0;
        y1 = y1 < 0 ? 0 : y1 > hMax ? hMax : y1;
      }
      const a = srcAt + y0 * rowStride;
      const b = srcAt + y1 * rowStride;
      const p00 = a + x0 * c, p01 = a + x1 * c, p10 = b + x0 * c, p11 = b + x1 * c;
      for (let ch = 0; ch < c; ch++) {
        const v = (w00 * src[p00 + ch] + w01 * src[p01 + ch] + w10 * src[p10 + ch] + w11 * src[p11 + ch] + bias) * gain;
        dst[o++] = v <= 0 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0;
      }
    }
  }
}
