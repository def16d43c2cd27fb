/**
 * A least-recently-used map with a budget in caller-defined units (bytes for
 * datasets, 1 per entry for counts). Long-lived processes (coordinator,
 * workers) keep per-job data in these, so their memory is bounded by the
 * budget, not by how many jobs they have seen. An entry larger than the whole
 * budget is returned to its caller but not kept.
 */
export class LruCache<K, V> {
  private readonly map = new Map<K, { value: V; size: number }>();
  private used = 0;

  constructor(
    private readonly budget: number,
    private readonly onEvict: (key: K, value: V) => void = () => undefined,
  ) {}

  get(key: K): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    // Re-insert: Map iteration order is insertion order, so the first entry is the least recent.
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V, size = 1): void {
    this.delete(key);
    if (size > this.budget) return;
    this.map.set(key, { value, size });
    this.used += size;
    for (const [k, e] of this.map) {
      if (this.used <= this.budget) break;
      this.map.delete(k);
      this.used -= e.size;
      this.onEvict(k, e.value);
    }
  }

  /** Resizes an entry (e.g. once a pending load knows its bytes) and evicts what no longer fits. */
  resize(key: K, size: number): void {
    const e = this.map.get(key);
    if (!e) return;
    this.map.delete(key);
    this.used -= e.size;
    this.set(key, e.value, size);
  }

  delete(key: K): boolean {
    const e = this.map.get(key);
    if (!e) return false;
    this.map.delete(key);
    this.used -= e.size;
    return true;
  }

  get size(): number {
    return this.map.size;
  }

  /** Units in use. */
  get usedUnits(): number {
    return this.used;
  }

  keys(): K[] {
    return [...this.map.keys()];
  }

  clear(): void {
    this.map.clear();
    this.used = 0;
  }
}
