import { ModelError } from '@tensorpool/core';
import type { ModelSpec } from './spec.js';
import { layerInfos, weightManifest, type WeightEntry } from './manifest.js';
import { getStringListAttr, makeGroups, setStringListAttr, type H5Dataset, type H5Group } from './h5.js';

/**
 * Adam's state in a Keras 2 .h5 (`optimizer_weights`), as tf-keras >= 2.11
 * (`save_optimizer_weights_to_hdf5_group` over `optimizer.variables`) writes
 * it, so `load_model(..., compile=True)` resumes with it (Keras's loader sets
 * the values by position after `optimizer.build(model.trainable_variables)`):
 *
 *   /optimizer_weights                       attr weight_names, in optimizer.variables order:
 *       iteration:0                          int64 scalar: steps applied (Keras's next step is iteration + 1)
 *       Adam/m/<layer>/kernel:0, Adam/v/<layer>/kernel:0, Adam/m/<layer>/bias:0, Adam/v/<layer>/bias:0, ...
 *                                            float32, the weight's Keras shape ([kh, kw, in, out] | [in, out] | [out])
 *
 * A name with '/' is a path: h5py creates the groups (Adam, Adam/m, Adam/m/<layer>); we create each explicitly.
 * The reader also takes the legacy OptimizerV2 layout (tf.keras <= 2.10): Adam/iter:0, then every
 * <var>/m:0, then every <var>/v:0.
 */
export interface KerasAdamState {
  m: Float32Array;
  v: Float32Array;
  /** Adam steps applied (our Trainer.adamStep, Keras's `iterations`). */
  step: number;
}

const GROUP = 'optimizer_weights';

/** [m name, v name] of each trainable weight, in weightManifest order (Keras keeps no slots for moving statistics). */
function slotNames(spec: ModelSpec): { entry: WeightEntry; m: string; v: string }[] {
  return trainableEntries(spec).map((entry) => ({ entry, m: `Adam/m/${entry.name}:0`, v: `Adam/v/${entry.name}:0` }));
}

function trainableEntries(spec: ModelSpec): WeightEntry[] {
  return layerInfos(spec).flatMap((info) => info.weights.filter((e) => e.movingMomentum === undefined));
}

function dataset(g: H5Group, path: string, data: Float32Array, shape: number[]): void {
  const cut = path.lastIndexOf('/');
  makeGroups(g, path.slice(0, cut)).create_dataset({ name: path.slice(cut + 1), data, shape, dtype: '<f' });
}

export function writeAdamState(f: H5Group, spec: ModelSpec, s: KerasAdamState): void {
  const total = weightManifest(spec).total;
  if (s.m.length !== total || s.v.length !== total) throw new ModelError(`Adam m/v have ${s.m.length}/${s.v.length} values but model '${spec.name}' needs ${total}`);
  if (!Number.isSafeInteger(s.step) || s.step < 0) throw new ModelError(`Adam step must be a non-negative integer, got ${s.step}`);
  const g = makeGroups(f, GROUP);
  const slots = slotNames(spec);
  setStringListAttr(g, 'weight_names', ['iteration:0', ...slots.flatMap((x) => [x.m, x.v])]);
  g.create_dataset({ name: 'iteration:0', data: BigInt64Array.of(BigInt(s.step)), shape: [], dtype: '<q' });
  for (const { entry, m, v } of slots) {
    dataset(g, m, s.m.slice(entry.offset, entry.offset + entry.size), entry.shape);
    dataset(g, v, s.v.slice(entry.offset, entry.offset + entry.size), entry.shape);
  }
}

/** 'm' | 'v' of a slot name: [Adam/]m/<var>:0 (tf-keras >= 2.11) or <...>/<var>/m:0 (legacy). */
function slotKind(n: string): string | undefined {
  return /^(?:[^/]+\/)?([mv])\/.+:0$/.exec(n)?.[1] ?? /\/([mv]):0$/.exec(n)?.[1];
}

function values(g: H5Group, name: string, e: WeightEntry): Float32Array {
  const d = g.get(name) as H5Dataset | null;
  if (!d || d.type !== 'Dataset') throw new ModelError(`optimizer weight ${name} is missing`);
  if ((d.shape ?? []).join() !== e.shape.join()) throw new ModelError(`optimizer weight ${name} has shape [${(d.shape ?? []).join(', ')}], expected [${e.shape.join(', ')}]`);
  const v = d.value as unknown;
  return v instanceof Float32Array ? v : Float32Array.from(v as Float64Array);
}

/**
 * The Adam state of a Keras .h5, or undefined when it has none or holds
 * another optimizer's (Keras too then starts with a fresh optimizer). Slots
 * match our weights by position, as in Keras's loader; a slot of the wrong
 * shape is a ModelError.
 */
export function readAdamState(f: H5Group, spec: ModelSpec): KerasAdamState | undefined {
  const g = f.get(GROUP) as H5Group | null;
  if (!g || (g as { type?: string }).type !== 'Group') return undefined;
  const names = getStringListAttr(g, 'weight_names');
  const entries = trainableEntries(spec);
  const iter = names[0];
  if (!iter || !/(^|\/)iter(ation)?:0$/.test(iter)) return undefined;
  const ms = names.slice(1).filter((n) => slotKind(n) === 'm');
  const vs = names.slice(1).filter((n) => slotKind(n) === 'v');
  if (names.length !== 1 + 2 * entries.length || ms.length !== entries.length || vs.length !== entries.length) return undefined;
  const stepValue = (g.get(iter) as H5Dataset | null)?.value as unknown;
  const step = Number(typeof stepValue === 'bigint' || typeof stepValue === 'number' ? stepValue : (stepValue as ArrayLike<number | bigint>)?.[0]);
  if (!Number.isSafeInteger(step) || step < 0) throw new ModelError(`optimizer weight ${iter} is not a step count`);
  const m = new Float32Array(weightManifest(spec).total);
  const v = new Float32Array(m.length);
  entries.forEach((e, i) => {
    m.set(values(g, ms[i], e), e.offset);
    v.set(values(g, vs[i], e), e.offset);
  });
  return { m, v, step };
}
