import { ModelError } from '@tensorpool/core';
import type { Activation, Padding } from '../spec.js';
import type { Json } from './layer-type.js';

/**
 * Reads one Keras layer config (Python-style keys, Keras 2 or 3, or
 * tfjs-layers' toJSON) for a layer module's fromKeras. Every refusal names the
 * layer: `Conv2D at index 2 ('conv2d_3'): ...`.
 */
const ACTIVATIONS: Activation[] = ['relu', 'softmax', 'linear'];

export class KerasReader {
  readonly where: string;

  constructor(readonly className: string, readonly cfg: Json, readonly index: number) {
    this.where = `${className} at index ${index} ('${String(cfg.name ?? '')}')`;
  }

  refuse(what: string): never {
    throw new ModelError(`${this.where}: ${what}`);
  }

  num(key: string, v: unknown = this.cfg[key]): number {
    const n = typeof v === 'number' ? v : NaN;
    if (!Number.isInteger(n) || n < 1) throw new ModelError(`${this.where} ${key} must be a positive integer, got ${JSON.stringify(v)}`);
    return n;
  }

  /** A window/stride pair, collapsed to one number when both sides agree (as specs write it). */
  pair(key: string, dflt?: number | [number, number]): number | [number, number] {
    const v = this.cfg[key] ?? dflt;
    const a = Array.isArray(v) ? v : [v, v];
    if (a.length !== 2) throw new ModelError(`${this.where} ${key} must be a pair, got ${JSON.stringify(v)}`);
    const p: [number, number] = [this.num(key, a[0]), this.num(key, a[1])];
    return p[0] === p[1] ? p[0] : p;
  }

  activation(): Activation {
    const cfg = this.cfg;
    const a = typeof cfg.activation === 'string' ? cfg.activation : (cfg.activation as Json | undefined)?.class_name ?? 'linear';
    if (!ACTIVATIONS.includes(a as Activation)) this.refuse(`activation '${String(a)}' is not supported (${ACTIVATIONS.join(', ')})`);
    return a as Activation;
  }

  channelsLast(): void {
    if (this.cfg.data_format != null && this.cfg.data_format !== 'channels_last') this.refuse('only channels_last data is supported');
  }

  padding(): Padding {
    const p = String(this.cfg.padding ?? 'valid').toLowerCase();
    if (p !== 'same' && p !== 'valid') this.refuse(`padding '${p}' is not supported`);
    return p;
  }

  requireBias(): void {
    if (this.cfg.use_bias === false) this.refuse(`${this.className} without bias is not supported`);
  }
}

/** Spec fields left out when they hold their default, so a spec round-trips to the same JSON. */
export function unlessDefault<K extends string, V>(key: K, v: V, dflt: V): { [P in K]?: V } {
  return (JSON.stringify(v) === JSON.stringify(dflt) ? {} : { [key]: v }) as { [P in K]?: V };
}
