/**
 * `tensorpool visualize` as PNG files (sharp), for one Explanation:
 *   input.png            the image as the model sees it, scaled up (nearest)
 *   <k>-<name>.png       a conv step: its feature maps as a grid, channel 0
 *                        top-left, row by row; each map scaled to its own min..max
 *   <k>-<name>.png       a MaxPooling2D step: per channel (up to POOL_CHANNELS),
 *                        its input with the windows outlined (blue) and the
 *                        maximum each window took outlined (red), next to its
 *                        output drawn at the same size
 * k is the step's position in the forward pass. Returns the files written.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Explanation, PoolView } from './explain.js';
import { writeFileAtomic } from './atomic.js';

export const GAP = 2;
export const POOL_GAP = 16;
export const POOL_CHANNELS = 8;

/** An RGB canvas [height, width, 3]. */
class Canvas {
  readonly data: Buffer;
  constructor(readonly width: number, readonly height: number) {
    this.data = Buffer.alloc(width * height * 3, 255);
  }
  fill(x: number, y: number, w: number, h: number, rgb: [number, number, number]): void {
    for (let yy = Math.max(0, y); yy < Math.min(this.height, y + h); yy++) {
      for (let xx = Math.max(0, x); xx < Math.min(this.width, x + w); xx++) this.data.set(rgb, (yy * this.width + xx) * 3);
    }
  }
  outline(x: number, y: number, w: number, h: number, rgb: [number, number, number]): void {
    this.fill(x, y, w, 1, rgb);
    this.fill(x, y + h - 1, w, 1, rgb);
    this.fill(x, y, 1, h, rgb);
    this.fill(x + w - 1, y, 1, h, rgb);
  }
  png(): Promise<Buffer> {
    return sharp(this.data, { raw: { width: this.width, height: this.height, channels: 3 } }).png().toBuffer();
  }
}

/** Draws channel `ch` of values [h, w, c] at (x0, y0), each value an s x s block, gray over [lo, hi]. */
function drawMap(cv: Canvas, values: Float32Array, [h, w, c]: number[], ch: number, x0: number, y0: number, s: number, lo: number, hi: number): void {
  const span = hi > lo ? hi - lo : 1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const g = Math.round((255 * (values[(y * w + x) * c + ch] - lo)) / span);
      cv.fill(x0 + x * s, y0 + y * s, s, s, [g, g, g]);
    }
  }
}

function range(values: Float32Array, c: number, ch: number, more?: Float32Array, moreC?: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = ch; i < values.length; i += c) { lo = Math.min(lo, values[i]); hi = Math.max(hi, values[i]); }
  if (more && moreC) for (let i = ch; i < more.length; i += moreC) { lo = Math.min(lo, more[i]); hi = Math.max(hi, more[i]); }
  return [lo, hi];
}

export const inputScale = (h: number, w: number) => Math.max(1, Math.round(224 / Math.max(h, w)));
export const tileScale = (h: number, w: number) => Math.max(1, Math.floor(112 / Math.max(h, w)));
export const poolScale = (h: number, w: number) => Math.max(4, Math.floor(256 / Math.max(h, w)));

function inputPng(e: Explanation, [h, w, c]: number[]): Promise<Buffer> {
  const s = inputScale(h, w);
  const cv = new Canvas(w * s, h * s);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = (y * w + x) * c;
      cv.fill(x * s, y * s, s, s, c === 3 ? [e.pixels[p], e.pixels[p + 1], e.pixels[p + 2]] : [e.pixels[p], e.pixels[p], e.pixels[p]]);
    }
  }
  return cv.png();
}

function gridPng(values: Float32Array, shape: number[]): Promise<Buffer> {
  const [h, w, c] = shape;
  const s = tileScale(h, w);
  const cols = Math.ceil(Math.sqrt(c));
  const rows = Math.ceil(c / cols);
  const cv = new Canvas(cols * w * s + (cols - 1) * GAP, rows * h * s + (rows - 1) * GAP);
  for (let ch = 0; ch < c; ch++) {
    const [lo, hi] = range(values, c, ch);
    drawMap(cv, values, shape, ch, (ch % cols) * (w * s + GAP), Math.floor(ch / cols) * (h * s + GAP), s, lo, hi);
  }
  return cv.png();
}

function poolPng(e: Explanation, p: PoolView): Promise<Buffer> {
  const inValues = p.inputStep < 0 ? e.input : e.layers[p.inputStep].values;
  const outValues = e.layers[p.step].values;
  const [h, w, c] = p.inShape;
  const [oh, ow] = p.outShape;
  const s = poolScale(h, w);
  const [sy, sx] = [s * p.strides[0], s * p.strides[1]];
  const n = Math.min(c, POOL_CHANNELS);
  const rowH = Math.max(h * s, oh * sy);
  const cv = new Canvas(w * s + POOL_GAP + ow * sx, n * rowH + (n - 1) * POOL_GAP);
  for (let ch = 0; ch < n; ch++) {
    const y0 = ch * (rowH + POOL_GAP);
    const x1 = w * s + POOL_GAP;
    const [lo, hi] = range(inValues, c, ch, outValues, c);
    drawMap(cv, inValues, p.inShape, ch, 0, y0, s, lo, hi);
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const v = outValues[(oy * ow + ox) * c + ch];
        const g = Math.round((255 * (v - lo)) / (hi > lo ? hi - lo : 1));
        cv.fill(x1 + ox * sx, y0 + oy * sy, sx, sy, [g, g, g]);
        cv.outline(x1 + ox * sx, y0 + oy * sy, sx, sy, [40, 90, 220]);
        cv.outline((ox * p.strides[1] - p.pad[1]) * s, y0 + (oy * p.strides[0] - p.pad[0]) * s, p.window[1] * s, p.window[0] * s, [40, 90, 220]);
      }
    }
    // The chosen maxima last, so no window outline covers them.
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const i = p.argmax[(oy * ow + ox) * c + ch];
        const px = Math.floor(i / c) % w;
        const py = Math.floor(i / c / w);
        cv.outline(px * s, y0 + py * s, s, s, [230, 30, 30]);
      }
    }
  }
  return cv.png();
}

/** Writes the PNGs of `e` into `dir` (created); returns their names in order. */
export async function writeExplanationPngs(dir: string, e: Explanation, inputShape: number[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const name = (i: number) => `${String(i + 1).padStart(2, '0')}-${e.layers[i].name}.png`;
  // In forward order: the input, then each conv or pooling step.
  const files: [string, () => Promise<Buffer>][] = [['input.png', () => inputPng(e, inputShape)]];
  e.layers.forEach((l, i) => {
    const pool = e.pools.find((p) => p.step === i);
    if (l.type === 'conv2d') files.push([name(i), () => gridPng(l.values, l.shape)]);
    else if (pool) files.push([name(i), () => poolPng(e, pool)]);
  });
  for (const [file, png] of files) await writeFileAtomic(join(dir, file), await png());
  return files.map(([file]) => file);
}
