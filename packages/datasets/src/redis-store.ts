/**
 * The default dataset store: chunks as binary string values in the same Redis
 * the queue uses, under its key prefix (keys.ts), with a total byte budget
 * enforced atomically per chunk (lua/put-chunk-2.lua).
 */
import type { Redis } from 'ioredis';
import { DataError, DEFAULTS, luaScript } from '@tensorpool/core';
import { datasetKeys, type DatasetKeys } from './keys.js';
import { checkName, ID_RE, idHex, parseManifest, type Manifest } from './manifest.js';
import { StoreFullError, type DatasetStore, type StoreUsage } from './store.js';
import { formatBytes } from './units.js';

// Scripts live in lua/ beside src/ (tsc does not copy them; the image keeps lua/, drops src/): dist/x.js -> ../lua.
const PUT_CHUNK = luaScript(new URL('../lua/put-chunk-2.lua', import.meta.url));
const DEL_CHUNK = luaScript(new URL('../lua/del-chunk-2.lua', import.meta.url));

export interface RedisStoreOptions {
  /** Key prefix (default TENSORPOOL_PREFIX or DEFAULTS.queuePrefix). */
  prefix?: string;
  /** Total chunk bytes allowed (default DEFAULTS.datasetStoreBytes). */
  budgetBytes?: number;
  /** Close the connection in close() (default false: the caller owns it). */
  ownsConnection?: boolean;
}

export class RedisDatasetStore implements DatasetStore {
  readonly keys: DatasetKeys;
  readonly budget: number;
  readonly description: string;
  constructor(private readonly redis: Redis, private readonly opts: RedisStoreOptions = {}) {
    this.keys = datasetKeys(opts.prefix);
    this.budget = opts.budgetBytes ?? DEFAULTS.datasetStoreBytes;
    if (!Number.isSafeInteger(this.budget) || this.budget < 0) throw new DataError(`dataset store budget must be a non-negative integer of bytes, got ${opts.budgetBytes}`);
    this.description = `redis prefix ${this.keys.prefix}`;
  }

  async hasChunk(id: string, index: number): Promise<boolean> {
    return (await this.redis.exists(this.keys.chunk(idHex(id), index))) === 1;
  }

  async putChunk(id: string, index: number, bytes: Uint8Array): Promise<void> {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const [status, used] = (await PUT_CHUNK(this.redis, [this.keys.chunk(idHex(id), index), this.keys.bytes], [buf, String(this.budget)])) as [number, number];
    if (status === -1) {
      throw new StoreFullError(`dataset store is full: chunk ${index} of ${id} needs ${formatBytes(buf.length)}, ${formatBytes(Math.max(0, this.budget - used))} of the ${formatBytes(this.budget)} budget is free (${this.description}; TENSORPOOL_DATASET_STORE_BYTES)`);
    }
  }

  async getChunk(id: string, index: number): Promise<Uint8Array | null> {
    const b = await this.redis.getBuffer(this.keys.chunk(idHex(id), index));
    return b ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : null;
  }

  async putManifest(m: Manifest): Promise<void> {
    const hex = idHex(m.id);
    const tx = this.redis.multi().set(this.keys.manifest(hex), JSON.stringify(m)).zadd(this.keys.index, Date.parse(m.createdAt) || Date.now(), m.id);
    if (m.name) tx.hset(this.keys.names, checkName(m.name), m.id);
    await tx.exec();
  }

  private async resolve(ref: string): Promise<string | null> {
    if (ID_RE.test(ref)) return ref;
    const id = await this.redis.hget(this.keys.names, checkName(ref));
    if (id !== null && !ID_RE.test(id)) throw new DataError(`dataset name '${ref}' maps to '${id.slice(0, 80)}', which is not a dataset id (${this.description})`);
    return id;
  }

  async getManifest(ref: string): Promise<Manifest | null> {
    const id = await this.resolve(ref);
    if (!id) return null;
    const key = this.keys.manifest(idHex(id));
    const text = await this.redis.get(key);
    if (text === null) return null;
    const m = parseManifest(text, key);
    if (m.id !== id) throw new DataError(`dataset manifest at ${key} names ${m.id}`);
    return m;
  }

  async list(): Promise<Manifest[]> {
    const ids = await this.redis.zrange(this.keys.index, 0, -1);
    const out: Manifest[] = [];
    for (const id of ids) {
      const m = ID_RE.test(id) ? await this.getManifest(id) : null;
      if (m) out.push(m);
    }
    return out;
  }

  async delete(id: string): Promise<boolean> {
    const hex = idHex(id);
    let found = (await this.redis.del(this.keys.manifest(hex))) === 1;
    await this.redis.zrem(this.keys.index, id);
    const names = await this.redis.hgetall(this.keys.names);
    for (const [name, target] of Object.entries(names)) if (target === id) await this.redis.hdel(this.keys.names, name);
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', this.keys.chunkPattern(hex), 'COUNT', 1000);
      for (const k of keys) if ((await DEL_CHUNK(this.redis, [k, this.keys.bytes])) as number > 0) found = true;
      cursor = next;
    } while (cursor !== '0');
    return found;
  }

  async usage(): Promise<StoreUsage> {
    return { bytes: Number((await this.redis.get(this.keys.bytes)) ?? 0) || 0, budget: this.budget };
  }

  async close(): Promise<void> {
    if (this.opts.ownsConnection) await this.redis.quit();
  }
}
