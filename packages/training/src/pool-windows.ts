import { pair, type ModelSpec } from '@tensorpool/engine';

/**
 * The windows of one MaxPooling2D layer, as the explorer and `visualize`
 * draw them: for every output value [oh, ow, c], the input value [h, w, c]
 * it took (the maximum of its window; the first one in row-major order on a
 * tie). Computed from the layer's own input and output, so the drawing shows
 * what the engine did.
 */
export interface PoolWindows {
  /** Window and stride [rows, cols]. */
  window: [number, number];
  strides: [number, number];
  /** Rows/cols of padding before the first window ('same' padding), else 0. */
  pad: [number, number];
  /** Input [h, w, c] and output [oh, ow, c] shapes. */
  inShape: [number, number, number];
  outShape: [number, number, number];
  /** [oh * ow * c]: flat index into the input [h, w, c] of the chosen maximum. */
  argmax: Int32Array;
}

export function poolWindows(layer: Extract<ModelSpec['layers'][number], { type: 'maxPooling2d' }>, input: Float32Array, inShape: number[], outShape: number[]): PoolWindows {
  const [h, w, c] = inShape;
  const [oh, ow] = outShape;
  const win = pair(layer.poolSize, [2, 2]);
  const st = pair(layer.strides, win);
  // TF's 'same' padding: half the excess before (rounded down), the rest after.
  const pad: [number, number] = layer.padding === 'same'
    ? [Math.floor(Math.max((oh - 1) * st[0] + win[0] - h, 0) / 2), Math.floor(Math.max((ow - 1) * st[1] + win[1] - w, 0) / 2)]
    : [0, 0];
  const argmax = new Int32Array(oh * ow * c);
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      for (let ch = 0; ch < c; ch++) {
        let best = -1;
        for (let dy = 0; dy < win[0]; dy++) {
          const y = oy * st[0] - pad[0] + dy;
          if (y < 0 || y >= h) continue;
          for (let dx = 0; dx < win[1]; dx++) {
            const x = ox * st[1] - pad[1] + dx;
            if (x < 0 || x >= w) continue;
            const i = (y * w + x) * c + ch;
            if (best < 0 || input[i] > input[best]) best = i;
          }
        }
        argmax[(oy * ow + ox) * c + ch] = best;
      }
    }
  }
  return { window: win, strides: st, pad, inShape: [h, w, c], outShape: [oh, ow, c], argmax };
}
