// @tensorpool/preprocessing: normalization and augmentation of uint8 [n, h, w, c] images.
export { sampleSize, type ImageSet, type ImageShape } from './shape.js';
export {
  type Normalization, validateNormalization, normalizationTable, applyTable,
  normalizeInto, gatherNormalize, channelStats,
} from './normalization.js';
export {
  type FillMode, type AugmentConfig, type AugmentParams, AUGMENT_DEFAULTS, IDENTITY_PARAMS, AUGMENT_SALT,
  resolveAugmentConfig, drawAugmentParams,
} from './augment-config.js';
export { inverseAffine, cosSinDegrees } from './affine.js';
export { warpAffine } from './warp.js';
export { augmentOne, augmentBatch, type AugmentOneOptions } from './augment.js';
export { expandOffline, expandOfflineRange, expandLabels, OFFLINE_ANGLES, OFFLINE_FACTOR } from './offline.js';
export { expandOfflineParallel } from './expand-offline-parallel.js';
export { AugmentPool, type AugmentPoolOptions } from './augment-pool.js';
