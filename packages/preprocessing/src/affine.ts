import { UsageError } from '@tensorpool/core';
import type { AugmentParams } from './augment-config.js';

/**
 * Inverse affine map of one image's transform, as six numbers
 * [m00, m01, m02, m10, m11, m12]: output pixel (x, y) samples the source at
 *   sx = m00 x + m01 y + m02,  sy = m10 x + m11 y + m12
 * (pixel centres at integer coordinates, rotation/zoom about ((w-1)/2, (h-1)/2)).
 * The forward transform is flip, zoom, rotate counter-clockwise, shift, so the
 * inverse undoes shift, rotation, zoom, flip in that order.
 */
export function inverseAffine(p: AugmentParams, h: number, w: number): Float64Array {
  if (![p.rotation, p.shiftX, p.shiftY, p.zoom, p.brightness].every(Number.isFinite) || !(p.zoom > 0) || !(p.brightness >= 0)) {
    throw new UsageError(`augment params must be finite with zoom > 0 and brightness >= 0, got ${JSON.stringify(p)}`);
  }
  const [cos, sin] = cosSinDegrees(p.rotation);
  const k = 1 / p.zoom;
  const f = p.flip ? -1 : 1;
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  // Output offsets from the centre, after undoing the shift.
  const ox = cx + p.shiftX;
  const oy = cy + p.shiftY;
  return Float64Array.of(
    f * k * cos, -f * k * sin, cx - f * k * (cos * ox - sin * oy),
    k * sin, k * cos, cy - k * (sin * ox + cos * oy),
  );
}

/**
 * cos and sin of an angle in degrees, exact at multiples of 90° so that 0°,
 * 90°, 180° rotations move pixels without interpolation.
 */
export function cosSinDegrees(deg: number): [number, number] {
  const r = ((deg % 360) + 360) % 360;
  if (r === 0) return [1, 0];
  if (r === 90) return [0, 1];
  if (r === 180) return [-1, 0];
  if (r === 270) return [0, -1];
  const rad = (deg * Math.PI) / 180;
  return [Math.cos(rad), Math.sin(rad)];
}
