import { Random } from '@tensorpool/core';
import { expect, it } from 'vitest';
import type { AugmentParams, FillMode } from './augment-config.js';
import { augmentOne } from './augment.js';

/**
 * Straightforward float64 reference, written from the definition rather than
 * the inverse matrix: output pixel (x, y) undoes the shift, the counter-
 * clockwise rotation about the centre, the zoom and the flip, then samples the
 * source bilinearly with the fill rule, times brightness.
 */
function reference(src: Uint8Array, h: number, w: number, c: number, p: AugmentParams, fill: FillMode, fillValue: number): number[] {
  const cx = (w - 1) / 2, cy = (h - 1) / 2;
  const th = (p.rotation * Math.PI) / 180;
  const px = (x: number, y: number, ch: number) => {
    if (x < 0 || y < 0 || x >= w || y >= h) {
      if (fill === 'constant') return fillValue;
      x = Math.min(w - 1, Math.max(0, x));
      y = Math.min(h - 1, Math.max(0, y));
    }
    return src[(y * w + x) * c + ch];
  };
  const out: number[] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const u = (x - cx - p.shiftX) / p.zoom, v = (y - cy - p.shiftY) / p.zoom;
    let a = u * Math.cos(th) - v * Math.sin(th);
    const b = u * Math.sin(th) + v * Math.cos(th);
    if (p.flip) a = -a;
    const sx = cx + a, sy = cy + b;
    const x0 = Math.floor(sx), y0 = Math.floor(sy), fx = sx - x0, fy = sy - y0;
    for (let ch = 0; ch < c; ch++) {
      const val = (1 - fx) * (1 - fy) * px(x0, y0, ch) + fx * (1 - fy) * px(x0 + 1, y0, ch)
        + (1 - fx) * fy * px(x0, y0 + 1, ch) + fx * fy * px(x0 + 1, y0 + 1, ch);
      out.push(Math.min(255, Math.max(0, val * p.brightness)));
    }
  }
  return out;
}

const r = new Random(11);
for (const c of [3, 1]) {
  for (const fill of ['nearest', 'constant'] as const) {
    it(`matches a float64 bilinear reference within rounding (c=${c}, fill ${fill})`, () => {
      const h = 9, w = 11;
      const src = Uint8Array.from({ length: h * w * c }, () => r.int(256));
      for (let trial = 0; trial < 6; trial++) {
        const p: AugmentParams = {
          rotation: r.uniform(-40, 40), flip: trial % 2 === 1, shiftX: r.uniform(-2, 2), shiftY: r.uniform(-2, 2),
          zoom: r.uniform(0.8, 1.2), brightness: r.uniform(0.7, 1.3),
        };
        const dst = new Uint8Array(h * w * c);
        augmentOne(src, dst, [h, w, c], p, { fill, fillValue: 40 });
        const ref = reference(src, h, w, c, p, fill, 40);
        // Our result is the reference rounded half-up; float64 operation order may move a tie: allow 0.5 + 1e-6.
        let worst = 0;
        for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(dst[i] - ref[i]));
        expect(worst).toBeLessThanOrEqual(0.5 + 1e-6);
      }
    });
  }
}
