/**
 * Checkpoints: the full training state after an epoch (or at Ctrl-C, mid-epoch),
 * enough to continue bit-for-bit as if never stopped (same thread count).
 *
 * <dir>/state.json   CheckpointState (spec, position, history, the run's options)
 * <dir>/weights.bin  float32 [total] little-endian, manifest order
 * <dir>/adam-m.bin, adam-v.bin  float32 [total]
 * The directory is replaced atomically (written beside, then renamed).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '@tensorpool/core';
import { validateSpec, weightManifest, type ModelSpec } from '@tensorpool/engine';
import { f32Bytes, writeDirAtomic } from './atomic.js';
import type { EpochRecord, EpochSums } from './metrics.js';
import type { AdamState } from './types.js';

export const CHECKPOINT_DIR = 'checkpoint';

export interface CheckpointState {
  format: 'tensorpool-checkpoint';
  version: 1;
  spec: ModelSpec;
  total: number;
  /** 0-based epoch to run next, and the first step of it still to do (0 after a completed epoch). */
  epoch: number;
  step: number;
  adamStep: number;
  /** Sums over the steps of `epoch` already done (mid-epoch checkpoints). */
  partial: EpochSums;
  history: EpochRecord[];
  /** The options of the run (CLI options, JSON), so --resume needs no flags. */
  options: Record<string, unknown>;
}

export interface Checkpoint {
  state: CheckpointState;
  weights: Float32Array;
  adam: AdamState;
}

export async function saveCheckpoint(dir: string, c: Checkpoint): Promise<void> {
  await writeDirAtomic(dir, {
    'weights.bin': f32Bytes(c.weights),
    'adam-m.bin': f32Bytes(c.adam.m),
    'adam-v.bin': f32Bytes(c.adam.v),
    'state.json': `${JSON.stringify(c.state, null, 2)}\n`,
  });
}

/** The checkpoint dir for a --resume argument: a model dir holding checkpoint/, or the checkpoint dir itself. */
export function resolveCheckpointDir(dir: string): string {
  if (existsSync(join(dir, CHECKPOINT_DIR, 'state.json'))) return join(dir, CHECKPOINT_DIR);
  if (existsSync(join(dir, 'state.json'))) return dir;
  throw new DataError(`no checkpoint in ${dir}: expected ${join(dir, CHECKPOINT_DIR, 'state.json')}; pass the --out directory of an earlier run`);
}

async function readF32(file: string, total: number): Promise<Float32Array> {
  const b = await readFile(file);
  if (b.byteLength !== total * 4) throw new DataError(`checkpoint file ${file} has ${b.byteLength} bytes, expected ${total * 4}; the checkpoint is incomplete or from another model`);
  const out = new Float32Array(total);
  new Uint8Array(out.buffer).set(b);
  return out;
}

export async function loadCheckpoint(dirArg: string): Promise<Checkpoint> {
  const dir = resolveCheckpointDir(dirArg);
  let state: CheckpointState;
  try {
    state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as CheckpointState;
  } catch (e) {
    throw new DataError(`cannot read checkpoint ${join(dir, 'state.json')}: ${(e as Error).message.split('\n')[0]}`, { cause: e });
  }
  if (state?.format !== 'tensorpool-checkpoint') throw new DataError(`${join(dir, 'state.json')} is not a tensorpool checkpoint`);
  const spec = validateSpec(state.spec);
  const total = weightManifest(spec).total;
  if (state.total !== total) throw new DataError(`checkpoint in ${dir} has ${state.total} weights but its spec needs ${total}`);
  try {
    const [weights, m, v] = await Promise.all(['weights.bin', 'adam-m.bin', 'adam-v.bin'].map((f) => readF32(join(dir, f), total)));
    return { state: { ...state, spec }, weights, adam: { m, v, step: state.adamStep } };
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(`cannot read checkpoint in ${dir}: ${(e as Error).message.split('\n')[0]}`, { cause: e });
  }
}
