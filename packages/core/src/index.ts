export * from './errors.js';
export * from './random.js';
export * from './defaults.js';
export * from './limits.js';
export * from './worker-url.js';
export * from './image-set.js';
export * from './protocol/index.js';
export * from './events.js';
