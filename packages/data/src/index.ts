export * from './types.js';
export { loadDataset } from './load-dataset.js';
export { shardIndices, epochOrder } from './shard.js';
export { subset, head, sampleBytes } from './subset.js';
export { limitSamples, limitIndices, classQuotas } from './limit.js';
export { splitIndices, validationIndices, type SplitIndices } from './split.js';
export { sharedBytes, toShared } from './shared.js';
export { readIdx, type IdxArray } from './idx.js';
export {
  loadFashionMnist, locateFashionMnist, defaultCacheDir,
  FASHION_MNIST_CLASSES, FASHION_MNIST_MD5, FASHION_MNIST_URL, FASHION_MNIST_INSTALL_HINT,
} from './fashion-mnist.js';
export { loadImageFolder, readImageFolder, IMAGE_EXTENSIONS } from './image-folder.js';
export { decodeImage } from './decode-image.js';
export { loadNpz, loadNpy } from './npz.js';
export { parseNpyHeader, type NpyHeader } from './npy.js';
