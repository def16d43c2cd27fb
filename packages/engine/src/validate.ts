import { z } from 'zod';
import { ModelError } from '@tensorpool/core';
import type { LayerSpec, ModelSpec } from './spec.js';
import { inferShapes } from './manifest.js';
import { LAYER_TYPES } from './layers/registry.js';
import { posInt } from './layers/window.js';

/**
 * Runtime validation of a ModelSpec (from a JSON file, a job payload or a saved
 * model). Errors name the bad field, e.g. `layers[3].filters must be a positive integer`.
 * Each layer entry's schema is its module's (layers/<type>.ts).
 */
const layer = z.discriminatedUnion('type', LAYER_TYPES.map((t) => t.schema) as unknown as [z.ZodObject, ...z.ZodObject[]]);
const TYPE_NAMES = LAYER_TYPES.map((t) => t.type).join(', ');

const specSchema = z.strictObject({
  name: z.string().min(1),
  inputShape: z.tuple([posInt, posInt, posInt]),
  labels: z.array(z.string().min(1)).min(2),
  layers: z.array(layer).min(1),
});

function fieldPath(path: PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s || 'spec';
}

function valueAt(x: unknown, path: PropertyKey[]): unknown {
  let v = x;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

function describe(issue: z.core.$ZodIssue, input: unknown): string {
  const field = fieldPath(issue.path);
  const isRate = field.endsWith('.rate');
  if (issue.path[0] === 'inputShape' && issue.path.length <= 2 && issue.code !== 'invalid_type') return 'inputShape must be [height, width, channels] with positive integers';
  if (field.endsWith('.l2') && valueAt(input, issue.path) !== undefined) return `${field} must be a number in [0, 1e6]`;
  switch (issue.code) {
    case 'invalid_type':
      if (valueAt(input, issue.path) === undefined) return `${field} is missing`;
      if (issue.path[0] === 'inputShape') return 'inputShape must be [height, width, channels] with positive integers';
      if (isRate) return `${field} must be a number in [0, 1)`;
      if (issue.expected === 'int' || issue.expected === 'number') return `${field} must be a positive integer`;
      return `${field} must be ${issue.expected === 'array' ? 'an array' : `a ${issue.expected}`}`;
    case 'too_small':
      if (issue.origin === 'array') return `${field} must have at least ${issue.minimum} entries`;
      if (issue.origin === 'string') return `${field} must not be empty`;
      if (isRate) return `${field} must be a number in [0, 1)`;
      return `${field} must be a positive integer`;
    case 'too_big':
      if (isRate) return `${field} must be a number in [0, 1)`;
      return `${field} is too big`;
    case 'invalid_union':
      if (issue.path[issue.path.length - 1] === 'type') return `${field} must be one of ${TYPE_NAMES}`;
      // kernelSize/strides/poolSize: neither form matched.
      return `${field} must be a positive integer or a pair of positive integers`;
    case 'invalid_value':
      return `${field} must be one of ${issue.values.map(String).join(', ')}`;
    case 'unrecognized_keys':
      return `${field} has unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
    default:
      return `${field}: ${issue.message}`;
  }
}

/** Checks structure, then the network itself: shapes stay positive, dense layers see flat input, softmax output matches labels. */
export function validateSpec(x: unknown): ModelSpec {
  const r = specSchema.safeParse(x);
  if (!r.success) {
    throw new ModelError(`invalid model spec: ${describe(r.error.issues[0], x)}`);
  }
  const spec = r.data as unknown as ModelSpec;
  semanticChecks(spec);
  return spec;
}

function semanticChecks(spec: ModelSpec): void {
  const { layers } = spec;
  // inferShapes throws ModelError naming the layer whose output would be empty
  // or a dense layer without flat input.
  inferShapes(spec);
  const last = layers[layers.length - 1];
  const lastDense = [...layers].reverse().find((l) => l.type === 'dense');
  const endsSoftmax = activationOf(last) === 'softmax';
  if (!endsSoftmax || (last.type !== 'dense' && last.type !== 'activation')) {
    throw new ModelError(`invalid model spec: layers[${layers.length - 1}] must end the network with a softmax activation (categorical cross-entropy needs probabilities)`);
  }
  if (!lastDense || lastDense.type !== 'dense') {
    throw new ModelError('invalid model spec: layers must contain a dense output layer');
  }
  // Only flatten-free shape-preserving layers (activation) may follow the output dense layer.
  const di = layers.lastIndexOf(lastDense);
  for (let i = di + 1; i < layers.length; i++) {
    if (layers[i].type !== 'activation') throw new ModelError(`invalid model spec: layers[${i}] (${layers[i].type}) cannot follow the output dense layer`);
  }
  if (lastDense.units !== spec.labels.length) {
    throw new ModelError(`invalid model spec: layers[${di}].units is ${lastDense.units} but labels has ${spec.labels.length} entries; they must match`);
  }
  layers.forEach((l, i) => {
    if (activationOf(l) === 'softmax' && i !== layers.length - 1) {
      throw new ModelError(`invalid model spec: layers[${i}].activation softmax is only supported on the last layer`);
    }
  });
  if (new Set(spec.labels).size !== spec.labels.length) throw new ModelError('invalid model spec: labels must be distinct');
}

function activationOf(l: LayerSpec): string | undefined {
  return 'activation' in l ? l.activation : undefined;
}
