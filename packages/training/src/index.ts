export * from './types.js';
export { Trainer, defaultThreads, type TrainerOptions } from './trainer.js';
export { trainEpoch, evaluate } from './train-epoch.js';
