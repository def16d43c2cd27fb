import type { ModelSpec } from './spec.js';
import { layerInfos } from './manifest.js';

/**
 * Keras-style `model.summary()` table for a spec:
 *
 *   Layer (type)                     Output Shape               Param #
 *   conv2d_1 (Conv2D)                (None, 100, 100, 32)       896
 *   ...
 *   Total params: 17,403,430
 *   Trainable params: 17,403,430
 *   Non-trainable params: 0
 */
const COLS = [34, 28, 12]; // widths: name (type), output shape, params

const fmt = (n: number) => n.toLocaleString('en-US');

function row(cells: string[]): string {
  return cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(COLS[i] - 1).slice(0, COLS[i] - 1) + ' ' : c)).join('').trimEnd();
}

export function summary(spec: ModelSpec): string {
  const infos = layerInfos(spec);
  const width = COLS.reduce((a, b) => a + b, 0);
  const thin = '_'.repeat(width);
  const thick = '='.repeat(width);
  const lines = [`Model: "${spec.name}"`, thin, row(['Layer (type)', 'Output Shape', 'Param #']), thick];
  let total = 0;
  let frozen = 0;
  infos.forEach((info, i) => {
    total += info.params;
    for (const e of info.weights) if (e.movingMomentum !== undefined) frozen += e.size;
    lines.push(row([`${info.name} (${info.className})`, `(None, ${info.outputShape.join(', ')})`, fmt(info.params)]));
    if (i < infos.length - 1) lines.push(thin);
  });
  lines.push(thick, `Total params: ${fmt(total)}`, `Trainable params: ${fmt(total - frozen)}`, `Non-trainable params: ${fmt(frozen)}`, thin);
  return lines.join('\n');
}
