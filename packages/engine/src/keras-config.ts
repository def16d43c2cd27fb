import { DEFAULTS, ModelError } from '@tensorpool/core';
import type { LayerSpec, ModelSpec } from './spec.js';
import { layerInfos, type LayerInfo } from './manifest.js';
import { validateSpec } from './validate.js';
import { isWeighted, LAYER_TYPES, layerType, layerTypeOfClass } from './layers/registry.js';
import { KerasReader } from './layers/keras-reader.js';

/**
 * Spec <-> Keras model configs (Python-style keys), as Keras writes them:
 *   Keras 2 / tf-keras (model.h5 `model_config`): {class_name: 'Sequential', config: {name, layers: [...]}},
 *     layers[0] an InputLayer with batch_input_shape [null, h, w, c] as tf-keras 2.x writes it (Keras 3's
 *     legacy loader turns that into batch_shape); `model.layers` and `layer_names` do not count it.
 *   Keras 3 (.keras `config.json`): {module, class_name, config: {layers: [InputLayer{batch_shape}, ...]}, build_config}.
 * The reader accepts both (and Keras 3's legacy h5, whose layers carry `module` and dtype policies).
 * Each layer's fields are its module's (layers/<type>.ts toKeras / fromKeras).
 */
type Json = Record<string, unknown>;

function layerConfig(l: LayerSpec, info: LayerInfo, v3: boolean): Json {
  return { name: info.name, trainable: true, dtype: 'float32', ...layerType(l).toKeras(l, v3) };
}

const kerasName = (spec: ModelSpec) => spec.name.replace(/[^A-Za-z0-9_.-]/g, '_');

/** Keras 2 `model_config` of the spec. */
export function kerasModelConfig(spec: ModelSpec): Json {
  const infos = layerInfos(spec);
  const input = { class_name: 'InputLayer', config: { batch_input_shape: [null, ...spec.inputShape], dtype: 'float32', sparse: false, ragged: false, name: 'input_1' } };
  const layers = spec.layers.map((l, i) => ({ class_name: infos[i].className, config: layerConfig(l, infos[i], false) }));
  return { class_name: 'Sequential', config: { name: kerasName(spec), layers: [input, ...layers] } };
}

/** Keras 3 `config.json` of the spec. */
export function keras3Config(spec: ModelSpec): Json {
  const infos = layerInfos(spec);
  const batchShape = [null, ...spec.inputShape];
  let shape: (number | null)[] = batchShape;
  const layers: Json[] = [{ module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: batchShape, dtype: 'float32', sparse: false, name: 'input_layer' }, registered_name: null }];
  spec.layers.forEach((l, i) => {
    layers.push({ module: 'keras.layers', class_name: infos[i].className, config: layerConfig(l, infos[i], true), registered_name: null, build_config: { input_shape: shape } });
    shape = [null, ...infos[i].outputShape];
  });
  return {
    module: 'keras', class_name: 'Sequential', config: { name: kerasName(spec), trainable: true, dtype: 'float32', layers },
    registered_name: null, build_config: { input_shape: batchShape },
  };
}

/** Keras 2 `training_config`: what tensorpool trains with (Adam, categorical cross-entropy, accuracy). */
export function kerasTrainingConfig(): Json {
  return {
    loss: 'categorical_crossentropy', metrics: ['accuracy'], weighted_metrics: null, loss_weights: null,
    // No `decay` key: tf-keras >= 2.11 refuses it in a new-style optimizer config.
    optimizer_config: { class_name: 'Adam', config: { name: 'Adam', learning_rate: DEFAULTS.learningRate, beta_1: DEFAULTS.beta1, beta_2: DEFAULTS.beta2, epsilon: DEFAULTS.epsilon, amsgrad: false } },
  };
}

const SUPPORTED = LAYER_TYPES.map((t) => t.className).join(', ');

/** One Keras layer config -> our layer (null for InputLayer) by its module's fromKeras; anything else refused naming class and index. */
function specLayer(cls: string, cfg: Json, index: number): LayerSpec | null {
  if (cls === 'InputLayer') return null;
  const t = layerTypeOfClass(cls);
  if (!t) throw new ModelError(`${cls} at index ${index} ('${String(cfg.name ?? '')}') is not supported (supported layers: ${SUPPORTED})`);
  return t.fromKeras(new KerasReader(cls, cfg, index));
}

function num(v: unknown, what: string): number {
  const n = typeof v === 'number' ? v : NaN;
  if (!Number.isInteger(n) || n < 1) throw new ModelError(`${what} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

function shapeOf(cfg: Json | undefined): number[] | undefined {
  const s = cfg?.batch_input_shape ?? cfg?.batch_shape;
  return Array.isArray(s) ? s.slice(1).map((d, i) => num(d, `input shape dimension ${i + 1}`)) : undefined;
}

export interface KerasLayerRef { name: string; className: string; weighted: boolean }

/**
 * A Keras Sequential config (Keras 2 or 3) as our spec with generic labels
 * (class_0..), plus each kept layer's Keras name. Index in messages = index in
 * Keras's `model.layers` (InputLayer not counted).
 */
export function specFromKerasConfig(modelConfig: unknown, labels?: string[]): { spec: ModelSpec; layers: KerasLayerRef[] } {
  const mc = modelConfig as Json;
  const cls = typeof mc?.class_name === 'string' ? mc.class_name : undefined;
  if (cls !== 'Sequential') throw new ModelError(`only Sequential models are supported, this is a ${cls ?? 'model without class_name'} (functional models cannot be imported)`);
  const cfg = (Array.isArray(mc.config) ? { layers: mc.config } : mc.config) as Json; // Keras 2.0 stored the layer list itself
  const entries = (Array.isArray(cfg?.layers) ? cfg.layers : []) as Json[];
  if (entries.length === 0) throw new ModelError('the Sequential model_config has no layers');
  const layers: LayerSpec[] = [];
  const refs: KerasLayerRef[] = [];
  let inputShape: number[] | undefined = shapeOf(cfg.build_input_shape ? { batch_shape: cfg.build_input_shape } : undefined);
  let index = 0;
  for (const e of entries) {
    const c = String(e?.class_name ?? '?');
    const lc = (e?.config ?? {}) as Json;
    inputShape ??= shapeOf(lc);
    const l = specLayer(c, lc, index);
    if (!l) continue;
    layers.push(l);
    refs.push({ name: String(lc.name ?? `layer_${index}`), className: c, weighted: isWeighted(l) });
    index++;
  }
  if (!inputShape) inputShape = shapeOf((mc.build_config as Json | undefined)?.input_shape ? { batch_shape: (mc.build_config as Json).input_shape } : undefined);
  if (!inputShape || inputShape.length !== 3) throw new ModelError(`the model's input must be [height, width, channels], got ${inputShape ? `[${inputShape.join(', ')}]` : 'no input shape'}`);
  const last = [...layers].reverse().find((l) => l.type === 'dense');
  const units = last?.type === 'dense' ? last.units : 0;
  const names = labels && labels.length === units ? labels : Array.from({ length: units }, (_, k) => `class_${k}`);
  const spec = validateSpec({ name: String(cfg.name ?? 'sequential'), inputShape, labels: names, layers });
  return { spec, layers: refs };
}
