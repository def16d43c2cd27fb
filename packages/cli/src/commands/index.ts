import type { Command } from 'commander';
import { register as summary } from './summary.js';
import { register as coordinatorCmd } from './coordinator.js';
import { register as workerCmd } from './worker.js';
import { register as serveCmd } from './serve.js';
import { register as enqueueCmd } from './enqueue.js';
import { register as statusCmd } from './status.js';
import { register as metricsCmd } from './metrics.js';
import { register as cancelCmd } from './cancel.js';
import { register as trainCmd } from './train.js';
import { register as evaluateCmd } from './evaluate.js';
import { register as predictCmd } from './predict.js';
import { register as benchCmd } from './bench.js';
import { register as datasetCmd } from './dataset.js';
import { register as healthCmd } from './health.js';
import { register as exportCmd } from './export.js';
import { register as dashboardCmd } from './dashboard.js';
import { register as visualizeCmd } from './visualize.js';

/**
 * Each command lives in its own file and exports `register(program)`.
 * Add one import and one line below per command.
 */
type Register = (program: Command) => void;

const registers: Register[] = [summary, coordinatorCmd, workerCmd, serveCmd, enqueueCmd, statusCmd, metricsCmd, cancelCmd, trainCmd, evaluateCmd, predictCmd, benchCmd, datasetCmd, healthCmd, exportCmd, dashboardCmd, visualizeCmd];

export function registerCommands(program: Command): void {
  for (const register of registers) register(program);
}
