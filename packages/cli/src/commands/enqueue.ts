import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { withQueueClient } from '../queue-client.js';
import { DEFAULTS, UsageError } from '@tensorpool/core';
import { initBackend, loadSpec, PRESET_NAMES, type ModelSpec } from '@tensorpool/engine';
import { NAME_RE } from '@tensorpool/datasets';
import { confineDataPath, dataRoot, NAMED_DATASETS, OPTIMIZER_POLICIES, OUTER_OPTIMIZERS, type QueueClient } from '@tensorpool/queue';
import { parseFraction } from '../parse.js';
import { pushLocal } from './dataset-push.js';

function num(flag: string, integer = true) {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || (integer && !Number.isSafeInteger(n))) throw new UsageError(`${flag} must be ${integer ? 'an integer' : 'a number'}, got '${v}'`);
    return n;
  };
}

interface EnqueueFlags {
  preset?: string; spec?: string; data: string; epochs: number; shards: number; batchSize: number; shardBatchSize?: number; seed: number;
  lr: number; augment: string; normalization: string; optimizer?: string; limit?: number; testLimit?: number;
  syncEvery?: number; outer: string; outerLr?: number; outerMomentum?: number;
  initFrom?: string; out?: string; name?: string; json?: boolean; validationSplit: number; testFraction: number; strict?: boolean; datasetName?: string;
}

/**
 * Whether `--data` is a folder or file on THIS machine to push first: not a
 * built-in name or a store id, not a path inside TENSORPOOL_DATA_ROOT (the
 * workers read those from the shared root), and it exists here. Anything
 * else goes to the job as it is (e.g. a dataset name in the store).
 */
async function isLocalData(ref: string): Promise<boolean> {
  if (NAMED_DATASETS.includes(ref) || ref.startsWith('sha256:')) return false;
  const root = dataRoot();
  if (root && (await confineDataPath(ref, root).then(() => true, () => false))) return false;
  const st = await stat(ref).catch(() => null);
  return st !== null && (st.isDirectory() || st.isFile());
}

/** Pushes a local folder/.npz decoded to the model's input shape (progress on stderr); returns the dataset id. */
async function pushForJob(ref: string, spec: ModelSpec, o: EnqueueFlags): Promise<string> {
  const shape = [...spec.inputShape] as [number, number, number];
  // The same split as `train --data ref --seed S --test-fraction F`; the job's --limit applies when it runs.
  const r = await pushLocal(ref, { name: o.datasetName, testFraction: o.testFraction, seed: o.seed, strict: o.strict, shape });
  process.stderr.write(`pushed ${ref} as ${r.dataset}${r.name ? ` (${r.name})` : ''}: ${r.train} train + ${r.test} test images, ${r.chunksUploaded} chunks uploaded, ${r.chunksSkipped} already there${r.skipped.length ? `, ${r.skipped.length} files skipped` : ''}\n`);
  return r.dataset;
}

/**
 * The job's model: a preset by name, a spec file read here, or `--init-from`
 * (a model file read here and put in the model store; the job names its id).
 */
async function jobModel(o: EnqueueFlags, client: QueueClient): Promise<{ model: { preset: string } | { spec: ModelSpec } | { initFrom: string }; spec: () => ModelSpec }> {
  if (o.initFrom) {
    // A tfjs model directory is read through tfjs-layers: it needs a backend on this thread.
    if ((await stat(o.initFrom).catch(() => null))?.isDirectory()) await initBackend('cpu');
    const { id, spec } = await client.putModelFile(o.initFrom);
    return { model: { initFrom: id }, spec: () => spec };
  }
  const presetOrFile = o.spec ?? o.preset ?? 'fashion-mnist';
  // A preset name travels by name (the service checks it); a file is read here and travels as a spec.
  if (PRESET_NAMES.includes(presetOrFile) || !/[\\/]|\.json$/i.test(presetOrFile)) return { model: { preset: presetOrFile }, spec: () => loadSpec(presetOrFile) };
  const spec = loadSpec(presetOrFile);
  return { model: { spec }, spec: () => spec };
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
    .option('--init-from <model>', 'start from this model (Keras .h5, .keras or a model directory on this machine): its architecture, weights and, when it has tensorpool metadata, normalization and labels; uploaded to the model store, the job carries its id')
    .option('--data <ref>', 'dataset: fashion-mnist, a dataset id sha256:<64 hex> or name in the dataset store, a folder/.npz on this machine (pushed to the store first), or a path inside TENSORPOOL_DATA_ROOT', 'fashion-mnist')
    .option('--dataset-name <name>', 'with a local --data: the name the pushed dataset gets in the store', (v) => {
      if (!NAME_RE.test(v)) throw new UsageError(`--dataset-name must be 1..64 letters, digits, '_', '.', '-', got '${v}'`);
      return v;
    })
    .option('--test-fraction <f>', 'with a local image folder: fraction held out as the test set (seeded by --seed, as train)', parseFraction('--test-fraction'), DEFAULTS.testFraction)
    .option('--strict', 'with a local image folder: fail on the first file that does not decode instead of skipping it')
    .option('--validation-split <f>', 'fraction of the training samples held out for validation (seeded, stratified)', num('--validation-split', false), DEFAULTS.validationSplit)
    .option('--epochs <n>', 'epochs', num('--epochs'), DEFAULTS.epochs)
    .option('--shards <n>', 'shards per epoch (S)', num('--shards'), DEFAULTS.shards)
    .option('--batch-size <n>', 'global batch size, as in train: split over the shards (each steps on round(n / shards), at least 1)', num('--batch-size'), DEFAULTS.batchSize)
    .option('--shard-batch-size <n>', 'samples per shard step instead of the split batch (e.g. equal to --batch-size: every shard steps on a whole batch, the behaviour before the split)', num('--shard-batch-size'))
    .option('--seed <n>', 'seed of initial weights, shuffles, dropout, augmentation', num('--seed'), DEFAULTS.seed)
    .option('--lr <x>', 'Adam learning rate', num('--lr', false), DEFAULTS.learningRate)
    .option('--augment <mode>', 'none | online | offline (each sample expanded 18x on the workers, once per job, as train --augment offline)', DEFAULTS.augment)
    .option('--normalization <n>', 'div256 | div255 | mean-std (measured on the training split when the job starts)', DEFAULTS.normalization)
    .option('--optimizer <policy>', `Adam state between rounds: ${OPTIMIZER_POLICIES.join(' | ')} (default ${DEFAULTS.optimizerPolicy}, average from ${DEFAULTS.averageAdamFromShards} shards on)`)
    .option('--sync-every <R>', `rounds per epoch: shards average every 1/R of their epoch, 1..64 (default ${DEFAULTS.syncEvery} from ${DEFAULTS.syncFromShards} shards on, else 1)`, num('--sync-every'))
    .option('--outer <kind>', `outer optimizer on the averaged update: ${OUTER_OPTIMIZERS.join(' | ')}`, DEFAULTS.outer)
    .option('--outer-lr <x>', 'outer learning rate, (0, 2] (momentum | nesterov)', num('--outer-lr', false), DEFAULTS.outerLr)
    .option('--outer-momentum <x>', 'outer momentum, [0, 1) (momentum | nesterov)', num('--outer-momentum', false), DEFAULTS.outerMomentum)
    .option('--limit <n>', 'use only N training samples (per class in proportion, chosen by content: the same as train --limit)', num('--limit'))
    .option('--test-limit <n>', 'use only N test samples (the same rule)', num('--test-limit'))
    .option('--out <dir>', 'directory inside the models dir (TENSORPOOL_MODELS_DIR, the coordinator\'s --models-dir) the final model is saved to (default <models-dir>/<jobId>)')
    .option('--name <text>', 'a label shown in status')
    .option("--json", "print {\"jobId\", \"shardBatchSize\"} (and \"dataset\": the id, when a local --data was pushed) as JSON")
    .action(async (o: EnqueueFlags) => {
      if (o.preset && o.spec) throw new UsageError('give --preset or --spec, not both');
      if (o.initFrom && (o.preset || o.spec)) throw new UsageError('--init-from and --preset/--spec cannot be combined: the model file gives the architecture');
      await withQueueClient(async (client) => {
        const { model, spec } = await jobModel(o, client);
        const data = (await isLocalData(o.data)) ? await pushForJob(o.data, spec(), o) : o.data;
        const payload = {
          ...model, data, validationSplit: o.validationSplit, epochs: o.epochs, shards: o.shards, batchSize: o.batchSize, seed: o.seed,
          learningRate: o.lr, augment: o.augment, normalization: o.normalization, ...(o.optimizer !== undefined ? { optimizer: o.optimizer } : {}),
          outerLr: o.outerLr, outerMomentum: o.outerMomentum,
          outer: o.outer, ...(o.syncEvery !== undefined ? { syncEvery: o.syncEvery } : {}),
          ...(o.shardBatchSize !== undefined ? { shardBatchSize: o.shardBatchSize } : {}),
          ...(o.limit !== undefined ? { limit: o.limit } : {}), ...(o.testLimit !== undefined ? { testLimit: o.testLimit } : {}),
          ...(o.out ? { out: o.out } : {}), ...(o.name ? { name: o.name } : {}),
        };
        // A local caller: may choose `out`, confined to the models dir (TENSORPOOL_MODELS_DIR; the coordinator checks again).
        const { jobId, shardBatchSize, warning } = await client.enqueue(payload, { origin: 'local' });
        if (warning) process.stderr.write(`tensorpool: warning: ${warning}\n`);
        process.stdout.write(o.json ? `${JSON.stringify({ jobId, shardBatchSize, ...(data !== o.data ? { dataset: data } : {}) })}\n` : `queued ${jobId} (${o.epochs} epochs x ${o.shards} shards, ${shardBatchSize} samples per shard step); follow it with: tensorpool status ${jobId}\n`);
      });
    });
}
