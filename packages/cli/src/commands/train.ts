import { basename, dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULTS, DataError, UsageError } from '@tensorpool/core';
import { initBackend, loadSpec, type ModelSpec } from '@tensorpool/engine';
import { loadDataset, subset, validationIndices, type ImageSet } from '@tensorpool/data';
import { channelStats, expandOfflineParallel, type Normalization } from '@tensorpool/preprocessing';
import { parseFraction, parseNonNegativeInt, parsePositiveInt, BACKEND_HELP, threadBackend } from '../parse.js';
import { EpochProgress, RunEventLog, defaultThreads, loadCheckpoint, loadTrainedModel, resolveCheckpointDir, runTraining, type Checkpoint, type TrainedModel } from '@tensorpool/training';

/**
 * `tensorpool train`: data-parallel training on this machine's cores.
 * Human output (per-epoch lines, `Test Loss`, `Test Accuracy`) on stdout and
 * the progress bar on stderr; with --json exactly one JSON object on stdout.
 */

interface TrainFlags {
  preset: string;
  data?: string;
  dataDir?: string;
  epochs: number;
  batchSize: number;
  threads: number;
  augment: string;
  seed: number;
  limit?: number;
  validationSplit: number;
  out?: string;
  resume?: string;
  initFrom?: string;
  h5: boolean;
  json?: boolean;
  backend?: string;
  normalization: string;
  strict?: boolean;
  testFraction: number;
}

/** Options that a checkpoint restores when --resume is given and the flag is not. */
const RESTORED: (keyof TrainFlags)[] = ['h5', 'initFrom', 'preset', 'data', 'dataDir', 'epochs', 'batchSize', 'augment', 'seed', 'limit', 'validationSplit', 'normalization', 'strict', 'testFraction'];

/** The dataset for a model: loaded, checked against the spec, labels taken from the data when they differ only in names. */
export async function loadDataFor(spec: ModelSpec, ref: string, opts: { dataDir?: string; limit?: number; seed?: number; strict?: boolean; testFraction?: number }) {
  const d = await loadDataset(ref, {
    dataDir: opts.dataDir, limit: opts.limit, shape: [...spec.inputShape], seed: opts.seed, strict: opts.strict, testFraction: opts.testFraction,
  });
  const [h, w, c] = spec.inputShape;
  const [dh, dw, dc] = d.train.shape;
  if (dh !== h || dw !== w || dc !== c) {
    throw new UsageError(`data '${ref}' has ${dh}x${dw}x${dc} images but model '${spec.name}' expects ${h}x${w}x${c}; pick the matching --preset`);
  }
  if (d.train.classes.length !== spec.labels.length) {
    throw new UsageError(`data '${ref}' has ${d.train.classes.length} classes but model '${spec.name}' has ${spec.labels.length}; use a spec file with ${d.train.classes.length} output units`);
  }
  if (d.train.n === 0) throw new DataError(`data '${ref}' has no training images`);
  return { ...d, spec: { ...spec, labels: [...d.train.classes] } };
}

/**
 * The normalization flag: the seed script's /256, /255, or per-channel
 * mean/std measured on the training samples (stored in the model's metadata,
 * so evaluate/predict apply the same numbers).
 */
function normalizationFor(flag: string, train: ImageSet): Normalization {
  checkNormalizationFlag(flag);
  return flag === 'mean-std' ? channelStats(train.images, train.n, train.shape) : (flag as 'div256' | 'div255');
}

function checkNormalizationFlag(flag: string): void {
  if (!['div256', 'div255', 'mean-std'].includes(flag)) throw new UsageError(`--normalization must be div256, div255 or mean-std, got '${flag}'`);
}

/**
 * The validation hold-out: `fraction` of the training samples, drawn per
 * class by seed (validationIndices; the same rule as a distributed job's
 * `validationSplit`), never from the test set. (Keras takes the last
 * fraction instead, which on a class-sorted folder is one class.)
 */
function splitValidation(train: ImageSet, fraction: number, seed: number): { train: ImageSet; validation?: ImageSet } {
  if (!(fraction >= 0 && fraction < 1)) throw new UsageError(`--validation-split must be in [0, 1), got ${fraction}`);
  const r = validationIndices(train.labels, train.classes.length, fraction, seed, train);
  if (r.validation.length === 0) return { train };
  if (r.train.length === 0) throw new UsageError(`--validation-split ${fraction} leaves no training samples`);
  return { train: subset(train, r.train), validation: subset(train, r.validation) };
}

/**
 * `--init-from`: a model directory, Keras .h5 or .keras file whose architecture and weights training starts from.
 * A resumed fine-tuning run reads it again (restored from the checkpoint's options) for its normalization only.
 */
async function initialModel(flags: TrainFlags, cmd: Command): Promise<TrainedModel | undefined> {
  if (!flags.initFrom) return undefined;
  if (flags.resume && cmd.getOptionValueSource('initFrom') === 'cli') throw new UsageError('--init-from and --resume cannot be combined: --resume continues a run, --init-from starts a new one');
  if (cmd.getOptionValueSource('preset') === 'cli') throw new UsageError('--init-from and --preset cannot be combined: the model file gives the architecture');
  await initBackend('cpu'); // reading a tfjs/Keras model builds tensors on this thread
  return loadTrainedModel(flags.initFrom);
}

async function train(flags: TrainFlags, cmd: Command): Promise<void> {
  let resume: Checkpoint | undefined;
  if (flags.resume) {
    resume = await loadCheckpoint(flags.resume);
    const saved = resume.state.options as Partial<TrainFlags>;
    for (const k of RESTORED) {
      if (cmd.getOptionValueSource(k) !== 'cli' && saved[k] !== undefined) (flags as unknown as Record<string, unknown>)[k] = saved[k];
    }
    // The model goes where the checkpoint is (its model dir), even if that dir was moved.
    flags.out ??= dirname(resolveCheckpointDir(resolve(flags.resume)));
  }
  checkNormalizationFlag(flags.normalization); // before loading any data
  const backend = threadBackend(flags.backend);
  if (!['none', 'online', 'offline'].includes(flags.augment)) throw new UsageError(`--augment must be none, online or offline, got '${flags.augment}'`);
  const init = await initialModel(flags, cmd);
  const spec0 = resume ? resume.state.spec : init ? init.spec : loadSpec(flags.preset);
  const dataRef = flags.data ?? (spec0.name === 'fashion-mnist' ? 'fashion-mnist' : undefined);
  if (!dataRef) throw new UsageError(`--data is required for preset '${spec0.name}' (an image folder root/<label>/*.jpg or a .npz file)`);
  const data = await loadDataFor(spec0, dataRef, { dataDir: flags.dataDir, limit: flags.limit, seed: flags.seed, strict: flags.strict, testFraction: flags.testFraction });
  const spec = resume ? spec0 : data.spec;
  for (const s of data.skipped ?? []) process.stderr.write(`skipped ${s.file}: ${s.reason}\n`);
  let { train: trainSet, validation } = splitValidation(data.train, flags.validationSplit, flags.seed);
  // Fine-tuning keeps the normalization the model was trained with unless --normalization says otherwise.
  const normalization = init?.fromMetadata && cmd.getOptionValueSource('normalization') !== 'cli' ? init.normalization : normalizationFor(flags.normalization, trainSet);
  if (flags.augment === 'offline') trainSet = await expandOfflineParallel(trainSet, { threads: flags.threads });
  const out = flags.out ?? `models/${spec.name}`;

  const progress = new EpochProgress(process.stderr);
  progress.start(flags.epochs, flags.batchSize);
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130); // second Ctrl-C: give up at once
    process.stderr.write('\ninterrupted: finishing the current step and saving a checkpoint (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  if (!flags.json) process.stderr.write(`training '${spec.name}' on ${data.source}: ${trainSet.n} train, ${validation?.n ?? 0} validation, ${data.test.n} test samples, ${flags.threads} threads\n`);
  const options = Object.fromEntries([...RESTORED, 'out' as const].map((k) => [k, flags[k] ?? null])) as Record<string, string | number | boolean | null>;
  const events = new RunEventLog(out, flags.epochs);
  events.emit({
    type: 'run-started', name: spec.name, mode: 'local', epochs: flags.epochs, batchSize: flags.batchSize, dataset: data.source,
    trainSamples: trainSet.n, testSamples: data.test.n, labels: [...spec.labels], options: { ...options, threads: flags.threads },
  });
  const eventHooks = events.hooks();
  if (!flags.json) process.stderr.write(`watch it live: ${dashboardHint(out)}\n`);
  try {
    const r = await runTraining({
      spec, train: trainSet, validation, test: data.test, epochs: flags.epochs, batchSize: flags.batchSize,
      threads: flags.threads, seed: flags.seed, augment: flags.augment === 'online' ? 'online' : 'none',
      normalization, backend, outDir: out, resume, signal: controller.signal, h5: flags.h5, initialWeights: resume ? undefined : init?.weights, initialAdam: resume ? undefined : init?.adam,
      options: Object.fromEntries([...RESTORED, 'out' as const].map((k) => [k, flags[k]])),
      onProgress: (epoch, p) => (progress.update(epoch, p), eventHooks.onProgress(epoch, p)),
      onEpochEnd: (rec) => (progress.end(rec), eventHooks.onEpochEnd(rec)),
    }).catch((e: unknown) => {
      events.emit({ type: 'run-failed', message: String((e as Error)?.message ?? e).split('\n')[0].slice(0, 2000) });
      throw e;
    });
    if (r.interrupted) events.emit({ type: 'run-cancelled' });
    else if (r.modelDir) events.finished(r.modelDir);
    if (r.interrupted) {
      process.stderr.write(`checkpoint saved in ${r.checkpointDir}; continue with: tensorpool train --resume ${out}\n`);
      process.exitCode = 130;
      return;
    }
    if (flags.json) {
      const { testLoss, testAccuracy, epochs, modelDir, backend, threads, seed } = r;
      process.stdout.write(`${JSON.stringify({ testLoss, testAccuracy, epochs, modelDir, backend, threads, seed })}\n`);
    } else {
      process.stdout.write(`Test Loss ${r.testLoss}\nTest Accuracy ${r.testAccuracy}\n`);
      process.stdout.write(`model saved in ${r.modelDir} (metrics.json, checkpoint/)\n`);
      process.stdout.write(`dashboard of this run: ${dashboardHint(out)}\n`);
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/**
 * The one command that opens the dashboard on this run, and its URL: `pnpm dashboard`
 * (root package.json: --logdir models) when the run is under ./models, as `pnpm start`'s is.
 */
function dashboardHint(out: string): string {
  const logdir = dirname(resolve(out));
  const cmd = logdir === resolve('models') ? 'pnpm dashboard' : `tensorpool dashboard --logdir ${logdir}`;
  return `${cmd}, then open http://127.0.0.1:6006/runs/${encodeURIComponent(basename(resolve(out)))}`;
}

export function register(program: Command): void {
  program
    .command('train')
    .description('train a model on all cores (synchronous data-parallel SGD over worker threads)')
    .option('--preset <name|file>', 'model: seed, fashion-mnist, seed-bn, or a spec JSON file', 'fashion-mnist')
    .option('--data <ref>', "dataset: 'fashion-mnist', an image folder root/<label>/*.jpg, or a .npz file (default: fashion-mnist for that preset)")
    .option('--data-dir <dir>', 'where the Fashion-MNIST files are')
    .option('--epochs <n>', 'epochs', parsePositiveInt('--epochs'), DEFAULTS.epochs)
    .option('--batch-size <n>', 'global batch size', parsePositiveInt('--batch-size'), DEFAULTS.batchSize)
    .option('--threads <n>', 'worker threads, one per core by default', parsePositiveInt('--threads'), defaultThreads())
    .option('--augment <mode>', 'none, online (per step, seeded) or offline (18x expansion first)', DEFAULTS.augment)
    .option('--seed <n>', 'seed of initialization, shuffles, dropout and augmentation', parseNonNegativeInt('--seed'), DEFAULTS.seed)
    .option('--limit <n>', 'train on N training samples (per class in proportion, chosen by content; the same images in a distributed job with --limit N)', parsePositiveInt('--limit'))
    .option('--normalization <mode>', 'div256 (the seed script), div255, or mean-std (per channel, from the training set)', DEFAULTS.normalization)
    .option('--test-fraction <f>', 'image folders: fraction held out as the test set (seeded, stratified)', parseFraction('--test-fraction'), DEFAULTS.testFraction)
    .option('--strict', 'image folders: fail on the first file that does not decode instead of skipping it')
    .option('--validation-split <f>', 'fraction of the training samples held out for validation', Number, DEFAULTS.validationSplit)
    .option('--out <dir>', 'model directory (default models/<preset>)')
    .option('--resume <dir>', 'continue from the checkpoint in a model directory')
    .option('--init-from <model>', 'fine-tune: start from this model (directory, Keras .h5 or .keras) instead of --preset')
    .option('--no-h5', 'do not write the Keras model.h5 next to model.json')
    .option('--json', 'print one JSON object with the results on stdout')
    .option('--backend <name>', BACKEND_HELP)
    .action((flags: TrainFlags, cmd: Command) => train(flags, cmd));
}
