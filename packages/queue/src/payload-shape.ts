/**
 * Structural limits of a job payload, checked before the schema sees it:
 * nesting depth, number of values, and key names that could reach an
 * object's prototype (`__proto__`, `constructor`, `prototype`: JSON.parse
 * makes them own keys, and code that copies them would pollute). Also the
 * spec's size (layers, labels, name lengths), before the spec is validated.
 * The walk is iterative and stops at the first violation, so a payload nested
 * a million levels deep costs no more than one nested `payloadDepth` levels.
 */
import { JobError, type Limits } from '@tensorpool/core';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f\u2028\u2029]/g;

/** A one-line, bounded rendering of user text inside an error message. */
export function printable(s: string, max = 60): string {
  const t = s.replace(UNPRINTABLE, '?');
  return t.length > max ? `${t.slice(0, max)}...` : t;
}

function fieldOf(path: (string | number)[]): string {
  return path.length ? path.map((p) => (typeof p === 'number' ? p : printable(p, 40))).join('.') : 'payload';
}

/** Throws JobError naming the field where the payload is too deep, too large or uses a forbidden key. */
export function checkPayloadShape(input: unknown, l: Pick<Limits, 'payloadDepth' | 'payloadNodes'>): void {
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: input, path: [] }];
  let nodes = 0;
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (++nodes > l.payloadNodes) throw new JobError(`invalid job: payload: has more than ${l.payloadNodes} values`);
    if (v === null || typeof v !== 'object') continue;
    if (path.length >= l.payloadDepth) throw new JobError(`invalid job: ${fieldOf(path)}: nested deeper than ${l.payloadDepth} levels`);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: [...path, i] });
      continue;
    }
    for (const k of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(k)) throw new JobError(`invalid job: ${fieldOf([...path, k])}: field name '${k}' is not allowed`);
      stack.push({ v: (v as Record<string, unknown>)[k], path: [...path, k] });
    }
  }
}

/** Size limits of a raw spec; messages start with the field ("spec.layers: ..."). */
export function checkSpecSize(raw: unknown, l: Pick<Limits, 'layers' | 'labels' | 'nameLength'>): void {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return; // the spec schema names the type error
  const { layers, labels, name } = raw as { layers?: unknown; labels?: unknown; name?: unknown };
  if (Array.isArray(layers) && layers.length > l.layers) throw new JobError(`spec.layers: must have at most ${l.layers} entries, got ${layers.length}`);
  if (Array.isArray(labels)) {
    if (labels.length > l.labels) throw new JobError(`spec.labels: must have at most ${l.labels} entries, got ${labels.length}`);
    const long = labels.findIndex((s) => typeof s === 'string' && s.length > l.nameLength);
    if (long >= 0) throw new JobError(`spec.labels.${long}: must be at most ${l.nameLength} characters`);
  }
  if (typeof name === 'string' && name.length > l.nameLength) throw new JobError(`spec.name: must be at most ${l.nameLength} characters`);
}
