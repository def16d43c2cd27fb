/**
 * Deterministic, counter-based random streams. Every random decision in
 * tensorpool (initial weights, dropout masks, augmentation, shuffles, splits)
 * draws from a stream named by integers, e.g. (seed, epoch, sampleIndex, layer),
 * so results never depend on which thread or worker made the draw, or in which
 * order. tfjs's own seeded initializers ignore their seed (tensorflow/tfjs#7104).
 */

/** Mixes a list of 32-bit integers into one 32-bit seed (murmur3 finalizer). */
export function mixSeed(...ids: number[]): number {
  let h = 0x9e3779b9 | 0;
  for (const id of ids) {
    // Split doubles above 2^32 so large sample indices stay distinct.
    const lo = id >>> 0;
    const hi = Math.floor(id / 4294967296) >>> 0;
    for (const part of hi ? [lo, hi] : [lo]) {
      let k = Math.imul(part, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, 0x1b873593);
      h ^= k;
      h = (h << 13) | (h >>> 19);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A small fast PRNG (mulberry32): uniform floats in [0, 1). */
export class Random {
  private state: number;
  constructor(...ids: number[]) {
    this.state = mixSeed(...ids);
  }
  /** Next uint32. */
  nextUint32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  /** In-place Fisher–Yates shuffle. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}
