import { DEFAULTS, ModelError } from '@tensorpool/core';
import type { Activation, LayerSpec, ModelSpec, Padding } from './spec.js';
import { layerInfos, pair, type LayerInfo } from './manifest.js';
import { validateSpec } from './validate.js';

/**
 * Spec <-> Keras model configs (Python-style keys), as Keras writes them:
 *   Keras 2 / tf-keras (model.h5 `model_config`): {class_name: 'Sequential', config: {name, layers: [...]}},
 *     layers[0] an InputLayer with batch_input_shape [null, h, w, c] as tf-keras 2.x writes it (Keras 3's
 *     legacy loader turns that into batch_shape); `model.layers` and `layer_names` do not count it.
 *   Keras 3 (.keras `config.json`): {module, class_name, config: {layers: [InputLayer{batch_shape}, ...]}, build_config}.
 * The reader accepts both (and Keras 3's legacy h5, whose layers carry `module` and dtype policies).
 */
type Json = Record<string, unknown>;

const glorot = (v3: boolean): Json => (v3 ? { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null } : { class_name: 'GlorotUniform', config: { seed: null } });
const zeros = (v3: boolean): Json => (v3 ? { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null } : { class_name: 'Zeros', config: {} });
const noExtras = { kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null };

function layerConfig(l: LayerSpec, info: LayerInfo, v3: boolean): Json {
  const base = { name: info.name, trainable: true, dtype: 'float32' };
  const weights = { use_bias: true, kernel_initializer: glorot(v3), bias_initializer: zeros(v3), ...noExtras };
  switch (l.type) {
    case 'conv2d':
      return {
        ...base, filters: l.filters, kernel_size: pair(l.kernelSize, [1, 1]), strides: pair(l.strides, [1, 1]), padding: l.padding ?? 'valid',
        data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation: l.activation ?? 'linear', ...weights,
      };
    case 'maxPooling2d': {
      const size = pair(l.poolSize, [2, 2]);
      return { ...base, pool_size: size, padding: l.padding ?? 'valid', strides: pair(l.strides, size), data_format: 'channels_last' };
    }
    case 'dropout':
      return { ...base, rate: l.rate, noise_shape: null, seed: null };
    case 'flatten':
      return { ...base, data_format: 'channels_last' };
    case 'dense':
      return { ...base, units: l.units, activation: l.activation ?? 'linear', ...weights };
    case 'activation':
      return { ...base, activation: l.activation };
  }
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

const SUPPORTED = 'Conv2D, MaxPooling2D, Dropout, Flatten, Dense, Activation';
const ACTIVATIONS: Activation[] = ['relu', 'softmax', 'linear'];

function num(v: unknown, what: string): number {
  const n = typeof v === 'number' ? v : NaN;
  if (!Number.isInteger(n) || n < 1) throw new ModelError(`${what} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

function pairOf(v: unknown, what: string): number | [number, number] {
  const a = Array.isArray(v) ? v : [v, v];
  if (a.length !== 2) throw new ModelError(`${what} must be a pair, got ${JSON.stringify(v)}`);
  const p: [number, number] = [num(a[0], what), num(a[1], what)];
  return p[0] === p[1] ? p[0] : p;
}

/** One Keras layer config -> our layer (null for InputLayer); anything else refused naming class and index. */
function specLayer(cls: string, cfg: Json, index: number): LayerSpec | null {
  const where = `${cls} at index ${index} ('${String(cfg.name ?? '')}')`;
  const activation = (): Activation => {
    const a = typeof cfg.activation === 'string' ? cfg.activation : (cfg.activation as Json | undefined)?.class_name ?? 'linear';
    if (!ACTIVATIONS.includes(a as Activation)) throw new ModelError(`${where}: activation '${String(a)}' is not supported (${ACTIVATIONS.join(', ')})`);
    return a as Activation;
  };
  const channelsLast = () => {
    if (cfg.data_format != null && cfg.data_format !== 'channels_last') throw new ModelError(`${where}: only channels_last data is supported`);
  };
  const padding = (): Padding => {
    const p = String(cfg.padding ?? 'valid').toLowerCase();
    if (p !== 'same' && p !== 'valid') throw new ModelError(`${where}: padding '${p}' is not supported`);
    return p;
  };
  switch (cls) {
    case 'InputLayer':
      return null;
    case 'Conv2D': {
      channelsLast();
      if (cfg.use_bias === false) throw new ModelError(`${where}: Conv2D without bias is not supported`);
      if (pairOf(cfg.dilation_rate ?? 1, `${where} dilation_rate`) !== 1 || (cfg.groups ?? 1) !== 1) throw new ModelError(`${where}: dilated or grouped Conv2D is not supported`);
      const strides = pairOf(cfg.strides ?? 1, `${where} strides`);
      const act = activation();
      const pad = padding();
      return {
        type: 'conv2d', filters: num(cfg.filters, `${where} filters`), kernelSize: pairOf(cfg.kernel_size, `${where} kernel_size`),
        ...(strides !== 1 ? { strides } : {}), ...(pad === 'same' ? { padding: pad } : {}), ...(act !== 'linear' ? { activation: act } : {}),
      };
    }
    case 'MaxPooling2D': {
      channelsLast();
      const poolSize = pairOf(cfg.pool_size ?? 2, `${where} pool_size`);
      const strides = cfg.strides == null ? poolSize : pairOf(cfg.strides, `${where} strides`);
      const pad = padding();
      return { type: 'maxPooling2d', poolSize, ...(String(strides) !== String(poolSize) ? { strides } : {}), ...(pad === 'same' ? { padding: pad } : {}) };
    }
    case 'Dropout':
      return { type: 'dropout', rate: Number(cfg.rate) };
    case 'Flatten':
      channelsLast();
      return { type: 'flatten' };
    case 'Dense': {
      if (cfg.use_bias === false) throw new ModelError(`${where}: Dense without bias is not supported`);
      const act = activation();
      return { type: 'dense', units: num(cfg.units, `${where} units`), ...(act !== 'linear' ? { activation: act } : {}) };
    }
    case 'Activation':
      return { type: 'activation', activation: activation() };
    default:
      throw new ModelError(`${cls} at index ${index} ('${String(cfg.name ?? '')}') is not supported (supported layers: ${SUPPORTED})`);
  }
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
    refs.push({ name: String(lc.name ?? `layer_${index}`), className: c, weighted: l.type === 'conv2d' || l.type === 'dense' });
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
