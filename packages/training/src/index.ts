// @tensorpool/training: synchronous data-parallel training over a Piscina pool of tfjs replicas.
export * from './types.js';
export { Trainer, defaultThreads, type TrainerOptions } from './trainer.js';
export { trainEpoch, evaluate } from './train-epoch.js';
export { runTraining, type RunTrainingOptions, type RunTrainingResult } from './run-training.js';
export { saveCheckpoint, loadCheckpoint, resolveCheckpointDir, CHECKPOINT_DIR, type Checkpoint, type CheckpointState } from './checkpoint.js';
export { saveModelDir, loadTrainedModel, METRICS_JSON, MODEL_H5, type TrainedModel, type ModelFallbacks } from './model-dir.js';
export { classMetrics, testMetrics, epochMeans, addSums, NO_SUMS, type ClassMetrics, type EpochRecord, type EpochSums } from './metrics.js';
export { EpochProgress, formatDuration } from './progress.js';
export { benchTraining, type BenchOptions, type BenchResult } from './bench.js';
export { RunEventLog, EVENTS_FILE } from './event-log.js';
export { saveSamples, loadSamples, pickSamples, SAMPLES_JSON, SAMPLES_PNG, type Predict } from './samples.js';
export { poolWindows, type PoolWindows } from './pool-windows.js';
export { explain, decodeForModel, type Explanation, type PoolView } from './explain.js';
export { writeExplanationPngs } from './explain-png.js';
