/**
 * `initFrom` is untrusted (HTTP callers): a path outside the data root (also
 * through a symlink), a file that is not a Keras .h5/.keras, a file that is
 * not HDF5, an unsupported layer, a model over TENSORPOOL_MAX_PARAMS, an
 * unknown id, initFrom with a preset: each refused with one line naming
 * initFrom, no job queued, nothing stored. A stored model whose chunk or
 * manifest was altered in Redis is refused when read. (Real Redis, own prefix.)
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeKerasFixture } from '@tensorpool/engine/keras-fixture.test-util';
import { QueueClient } from './client.js';
import { getModelWeights } from './model-store.js';
import { dropPrefix, testPrefix, tmpDir } from './fixtures.test-util.js';

const prefix = testPrefix('init-from-refused');
const { dir, cleanup } = tmpDir('tp-init-refused-');
const root = join(dir, 'root');
const client = new QueueClient({ prefix, dataRoot: root });
afterAll(async () => {
  await dropPrefix(client.redis, prefix);
  await client.close();
  cleanup();
});

beforeAll(async () => {
  mkdirSync(root);
  await writeKerasFixture(join(dir, 'outside.h5'));
  symlinkSync(join(dir, 'outside.h5'), join(root, 'link.h5'));
  await writeKerasFixture(join(root, 'ok.h5'));
  await writeKerasFixture(join(root, 'unsupported.h5'), 'unsupported');
  writeFileSync(join(root, 'text.h5'), 'this is not HDF5\n'.repeat(100));
  writeFileSync(join(root, 'model.npz'), 'x');
});

async function refusal(payload: Record<string, unknown>): Promise<string> {
  try {
    await client.enqueue({ data: 'fashion-mnist', epochs: 1, ...payload });
  } catch (e) {
    expect((e as { code: string }).code).toBe('E_JOB');
    expect((e as Error).message).not.toContain('\n');
    return (e as Error).message;
  }
  throw new Error('accepted');
}

const REFUSED = 'invalid job: initFrom: not a model id (sha256:<64 hex>) or a readable Keras .h5/.keras file inside the data root';

describe('initFrom refusals', () => {
  it('refuses paths outside the root, symlinks out, other files, broken and unsupported models', async () => {
    expect(await refusal({ initFrom: '../outside.h5' })).toBe(REFUSED);
    expect(await refusal({ initFrom: join(dir, 'outside.h5') })).toBe(REFUSED);
    expect(await refusal({ initFrom: 'link.h5' })).toBe(REFUSED);
    expect(await refusal({ initFrom: 'missing.h5' })).toBe(REFUSED);
    expect(await refusal({ initFrom: 'model.npz' })).toBe(REFUSED);
    expect(await refusal({ initFrom: 'text.h5' })).toBe('invalid job: initFrom: text.h5 is not an HDF5 file');
    expect(await refusal({ initFrom: 'unsupported.h5' })).toMatch(/^invalid job: initFrom: unsupported\.h5: .*LayerNormalization at index 1 \('layer_normalization'\) is not supported/);
    expect(await refusal({ initFrom: 'ok.h5', preset: 'fashion-mnist' })).toBe("invalid job: give either 'initFrom' or 'preset'/'spec': the model file gives the architecture");
    expect(await refusal({ initFrom: `sha256:${'0'.repeat(64)}` })).toMatch(/^invalid job: initFrom: model sha256:0{64} is not in the model store/);
    expect(await refusal({ initFrom: 'sha256:xyz' })).toMatch(/^invalid job: initFrom: a model id must be sha256:/);
    expect(await refusal({ initFrom: 5 })).toBe('invalid job: initFrom: must be a string, got number');
    process.env.TENSORPOOL_MAX_PARAMS = '100';
    try {
      expect(await refusal({ initFrom: 'ok.h5' })).toMatch(/^invalid job: initFrom: ok\.h5: model has 2\d\d parameters, more than the 100 allowed$/);
    } finally {
      delete process.env.TENSORPOOL_MAX_PARAMS;
    }
    expect(await client.redis.scard(client.keys.active)).toBe(0);
    expect(await client.redis.keys(`${prefix}:model:*`)).toEqual([]);
  });

  it('refuses a stored model whose chunk or manifest was altered', async () => {
    const { id } = await client.putModelFile(join(root, 'ok.h5'));
    expect((await getModelWeights(client.redis, client.keys, id)).weights.length).toBeGreaterThan(200);
    const hex = id.slice(7);
    const chunk = (await client.redis.getBuffer(client.keys.modelChunk(hex, 0)))!;
    chunk[chunk.length - 1] ^= 1;
    await client.redis.set(client.keys.modelChunk(hex, 0), chunk);
    await expect(getModelWeights(client.redis, client.keys, id)).rejects.toThrow(`initFrom: chunk 0 of model ${id} does not match its hash`);
    const manifest = JSON.parse((await client.redis.get(client.keys.model(hex)))!);
    await client.redis.set(client.keys.model(hex), JSON.stringify({ ...manifest, bytes: manifest.bytes + 4 }));
    await expect(getModelWeights(client.redis, client.keys, id)).rejects.toThrow(/^initFrom: stored model sha256:[0-9a-f]{64} is invalid: \d+ bytes for \d+ parameters$/);
    expect(await refusal({ initFrom: id })).toMatch(/is invalid: \d+ bytes for \d+ parameters$/);
  });
});
