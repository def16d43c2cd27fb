import type { Command } from 'commander';
import { withQueueClient } from '../queue-client.js';
import { DEFAULTS, UsageError } from '@tensorpool/core';
import { loadSpec, PRESET_NAMES } from '@tensorpool/engine';
import { OPTIMIZER_POLICIES, OUTER_OPTIMIZERS } from '@tensorpool/queue';

function num(flag: string, integer = true) {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || (integer && !Number.isSafeInteger(n))) throw new UsageError(`${flag} must be ${integer ? 'an integer' : 'a number'}, got '${v}'`);
    return n;
  };
}

interface EnqueueFlags {
  preset?: string; spec?: string; data: string; epochs: number; shards: number; batchSize: number; seed: number;
  lr: number; augment: string; normalization: string; optimizer: string; limit?: number; testLimit?: number;
  syncEvery?: number; outer: string; outerLr?: number; outerMomentum?: number;
  out?: string; name?: string; json?: boolean;
}

/**
 * `tensorpool enqueue`: the `train` options plus --shards; validates and
 * queues a distributed job (REDIS_URL) and prints its id.
 */
export function register(program: Command): void {
  program
    .command('enqueue')
    .description('queue a distributed training job for the coordinator and workers (Redis at REDIS_URL)')
    .option('--preset <name>', `model preset (${PRESET_NAMES.join(', ')}) or a spec JSON file`)
    .option('--spec <file>', 'model spec JSON file (instead of --preset)')
    .option('--data <ref>', 'dataset: fashion-mnist, or a directory/.npz path every worker can read', 'fashion-mnist')
    .option('--epochs <n>', 'epochs', num('--epochs'), DEFAULTS.epochs)
    .option('--shards <n>', 'shards per epoch (S)', num('--shards'), DEFAULTS.shards)
    .option('--batch-size <n>', 'batch size per shard step', num('--batch-size'), DEFAULTS.batchSize)
    .option('--seed <n>', 'seed of initial weights, shuffles, dropout, augmentation', num('--seed'), DEFAULTS.seed)
    .option('--lr <x>', 'Adam learning rate', num('--lr', false), DEFAULTS.learningRate)
    .option('--augment <mode>', 'none | online', DEFAULTS.augment)
    .option('--normalization <n>', 'div256 | div255', DEFAULTS.normalization)
    .option('--optimizer <policy>', `Adam state between epochs: ${OPTIMIZER_POLICIES.join(' | ')}`, DEFAULTS.optimizerPolicy)
    .option('--sync-every <R>', `rounds per epoch: shards average every 1/R of their epoch, 1..64 (default ${DEFAULTS.syncEvery} from ${DEFAULTS.syncFromShards} shards on, else 1)`, num('--sync-every'))
    .option('--outer <kind>', `outer optimizer on the averaged update: ${OUTER_OPTIMIZERS.join(' | ')}`, DEFAULTS.outer)
    .option('--outer-lr <x>', 'outer learning rate, (0, 2] (momentum | nesterov)', num('--outer-lr', false), DEFAULTS.outerLr)
    .option('--outer-momentum <x>', 'outer momentum, [0, 1) (momentum | nesterov)', num('--outer-momentum', false), DEFAULTS.outerMomentum)
    .option('--limit <n>', 'use only the first N training samples', num('--limit'))
    .option('--test-limit <n>', 'use only the first N test samples', num('--test-limit'))
    .option('--out <dir>', 'directory the coordinator saves the final model to (default <models-dir>/<jobId>)')
    .option('--name <text>', 'a label shown in status')
    .option('--json', 'print {"jobId"} as JSON')
    .action(async (o: EnqueueFlags) => {
      if (o.preset && o.spec) throw new UsageError('give --preset or --spec, not both');
      const presetOrFile = o.spec ?? o.preset ?? 'fashion-mnist';
      // A preset name travels by name; a file is read here and travels as a spec.
      const model = PRESET_NAMES.includes(presetOrFile) ? { preset: presetOrFile } : /[\\/]|\.json$/i.test(presetOrFile) ? { spec: loadSpec(presetOrFile) } : { preset: presetOrFile };
      const payload = {
        ...model, data: o.data, epochs: o.epochs, shards: o.shards, batchSize: o.batchSize, seed: o.seed,
        learningRate: o.lr, augment: o.augment, normalization: o.normalization, optimizer: o.optimizer,
        outerLr: o.outerLr, outerMomentum: o.outerMomentum,
        outer: o.outer, ...(o.syncEvery !== undefined ? { syncEvery: o.syncEvery } : {}),
        ...(o.limit !== undefined ? { limit: o.limit } : {}), ...(o.testLimit !== undefined ? { testLimit: o.testLimit } : {}),
        ...(o.out ? { out: o.out } : {}), ...(o.name ? { name: o.name } : {}),
      };
      await withQueueClient(async (client) => {
        const { jobId } = await client.enqueue(payload);
        process.stdout.write(o.json ? `${JSON.stringify({ jobId })}\n` : `queued ${jobId} (${o.epochs} epochs x ${o.shards} shards); follow it with: tensorpool status ${jobId}\n`);
      });
    });
}
