import type { FillMode } from './augment-config.js';
import { AugmentPool } from './augment-pool.js';
import { expandOffline } from './offline.js';
import { sampleSize, type ImageSet } from './shape.js';

/**
 * expandOffline on a temporary AugmentPool of `threads` threads (default: all
 * cores); same images, labels and order as the single-thread expandOffline.
 */
export async function expandOfflineParallel(
  set: ImageSet, opts: { threads?: number; fill?: FillMode; fillValue?: number } = {},
): Promise<ImageSet> {
  const size = sampleSize(set.shape, 'expandOfflineParallel set.shape');
  if (set.n === 0) return expandOffline(set, opts);
  const pool = new AugmentPool({
    images: set.images.subarray(0, set.n * size), shape: set.shape, threads: opts.threads,
    config: { fill: opts.fill ?? 'nearest', fillValue: opts.fillValue ?? 0 },
  });
  try {
    return await pool.expandOffline(set.labels, set.classes);
  } finally {
    await pool.close();
  }
}
