import type { ModelSpec } from './spec.js';
import { layerInfos } from './manifest.js';
import { layerType } from './layers/registry.js';

/**
 * Float64 values the widest cross-part exchange of a training step needs
 * (layer-type.ts BatchAllReduce), or 0 when no layer couples the samples of a
 * batch (then a global batch may be split into parts that run one after the
 * other; otherwise all parts of a step must run at once, one per thread).
 */
export function batchSyncWidth(spec: ModelSpec): number {
  let width = 0;
  let inShape: number[] = [...spec.inputShape];
  for (const info of layerInfos(spec)) {
    const l = spec.layers[info.index];
    width = Math.max(width, layerType(l).syncWidth?.(l, inShape) ?? 0);
    inShape = info.outputShape;
  }
  return width;
}
