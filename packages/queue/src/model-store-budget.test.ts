/**
 * The model store holds at most its byte budget of live models
 * (TENSORPOOL_MODEL_STORE_BYTES): a new model that would go over it is
 * refused with a StoreFullError naming the budget, writing nothing; a model
 * already stored is accepted again; a model whose keys expired frees its
 * share. (Real Redis, own prefix; expiry is simulated by moving the model's
 * expiry score into the past and deleting its keys, as Redis would.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { formatBytes, StoreFullError } from '@tensorpool/datasets';
import { FIXTURE_SPEC, fixtureWeights } from '@tensorpool/engine/keras-fixture.test-util';
import { createKeys } from './keys.js';
import { connectRedis } from './redis.js';
import { getModelWeights, modelStoreBudget, putModel } from './model-store.js';
import { dropPrefix, testPrefix } from './fixtures.test-util.js';

const prefix = testPrefix('model-budget');
const keys = createKeys(prefix);
const redis = connectRedis();
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
});

const model = (bump: number) => {
  const weights = fixtureWeights();
  weights[0] += bump; // another set of weights: another id
  return { spec: FIXTURE_SPEC, weights };
};

describe('model store budget', () => {
  it('refuses a new model beyond the budget, naming it, and writes nothing', async () => {
    const first = await putModel(redis, keys, model(0), { budgetBytes: 1 << 30 });
    const size = Number(await redis.hget(keys.modelBytes, first.slice(7)));
    expect(size).toBeGreaterThan(fixtureWeights().length * 4);
    const budget = size + Math.floor(size / 2);

    const err = await putModel(redis, keys, model(1), { budgetBytes: budget }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreFullError);
    const text = `needs ${formatBytes(size)}, ${formatBytes(budget - size)} of the ${formatBytes(budget)} budget is free (TENSORPOOL_MODEL_STORE_BYTES; `;
    expect((err as Error).message).toMatch(/^model store is full: model sha256:[0-9a-f]{64} /);
    expect((err as Error).message).toContain(text);
    expect(await redis.zcard(keys.models)).toBe(1);
    expect(await redis.keys(`${prefix}:model:*`)).toHaveLength(1 + (await redis.keys(`${prefix}:model:*:chunk:*`)).length);

    // Already stored: accepted again (its TTL renewed), whatever the budget.
    expect(await putModel(redis, keys, model(0), { budgetBytes: budget })).toBe(first);
    expect((await getModelWeights(redis, keys, first)).weights[0]).toBe(fixtureWeights()[0]);
  });

  it('counts only live models: an expired one frees its share', async () => {
    const [hex] = await redis.zrange(keys.models, 0, 0);
    const size = Number(await redis.hget(keys.modelBytes, hex));
    const budget = size + Math.floor(size / 2);
    // What Redis does when the TTL passes: the keys go; the index entry's expiry is in the past.
    const gone = await redis.keys(`${prefix}:model:${hex}*`);
    await redis.del(...gone);
    await redis.zadd(keys.models, 1, hex);
    const second = await putModel(redis, keys, model(2), { budgetBytes: budget });
    expect(await redis.zrange(keys.models, 0, -1)).toEqual([second.slice(7)]);
    expect(await redis.hkeys(keys.modelBytes)).toEqual([second.slice(7)]);
  });

  it('reads the budget from TENSORPOOL_MODEL_STORE_BYTES, refusing a malformed one', () => {
    expect(modelStoreBudget(undefined, '1MiB')).toBe(1024 ** 2);
    expect(modelStoreBudget(undefined, undefined)).toBe(512 * 1024 ** 2);
    expect(modelStoreBudget(5, '1MiB')).toBe(5);
    expect(() => modelStoreBudget(undefined, 'lots')).toThrow(/^TENSORPOOL_MODEL_STORE_BYTES must be a byte count like 512MiB or 4GiB, got 'lots'/);
    expect(() => modelStoreBudget(-1)).toThrow(/must be a non-negative integer of bytes/);
  });
});
