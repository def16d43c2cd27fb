// Where a job's model goes: remote (HTTP) callers cannot choose (`out` is
// refused); local CLI callers may name a directory inside the models dir,
// checked at enqueue and again by the coordinator right before writing
// (symlinks inside the models dir that lead out are refused).
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { QueueClient } from './client.js';
import { confinedModelDir, normalizeOut } from './out-dir.js';
import { getJobRecord } from './state.js';
import { dropPrefix, testPrefix, tmpDir } from './fixtures.test-util.js';

const { dir, cleanup } = tmpDir('tp-models-');
const models = join(dir, 'models');
mkdirSync(models);
mkdirSync(join(dir, 'elsewhere'));
symlinkSync(join(dir, 'elsewhere'), join(models, 'link-out'));
const prefix = testPrefix('out');
const client = new QueueClient({ prefix, modelsDir: models });
afterAll(async () => {
  await dropPrefix(client.redis, prefix);
  await client.close();
  cleanup();
});

const job = { preset: 'fashion-mnist', data: 'fashion-mnist', epochs: 1 };

describe('model output directory', () => {
  it('is refused from remote callers, naming the field, and nothing is queued', async () => {
    await expect(client.enqueue({ ...job, out: 'mine' })).rejects.toThrow(/^invalid job: out: not accepted from remote callers/);
    await expect(client.enqueue({ ...job, out: '/etc' }, { origin: 'remote' })).rejects.toThrow(/out: not accepted from remote callers/);
    expect(await client.redis.zcard(client.keys.jobs)).toBe(0);
  });

  it('is accepted from local callers inside the models dir and stored relative to it', async () => {
    const { jobId } = await client.enqueue({ ...job, out: join(models, 'runs', 'a') }, { origin: 'local' });
    expect((await getJobRecord(client.redis, client.keys, jobId))!.options.out).toBe(join('runs', 'a'));
    const rel = await client.enqueue({ ...job, out: 'runs/b' }, { origin: 'local' });
    expect((await getJobRecord(client.redis, client.keys, rel.jobId))!.options.out).toBe(join('runs', 'b'));
  });

  it('is refused from local callers outside the models dir', async () => {
    for (const out of ['../x', '/etc', '/tmp/x', join(models, '..', 'y'), '.', models]) {
      await expect(client.enqueue({ ...job, out }, { origin: 'local' }), out).rejects.toThrow(/out: must be a directory inside the models dir/);
    }
  });

  it('is checked again before writing: default <models>/<jobId>, symlinks out refused', async () => {
    expect(await confinedModelDir('j0123456789abcdef', undefined, models)).toBe(join(models, 'j0123456789abcdef'));
    expect(await confinedModelDir('j0123456789abcdef', 'runs/c', models)).toBe(join(models, 'runs', 'c'));
    await expect(confinedModelDir('j0123456789abcdef', 'link-out', models)).rejects.toThrow(/out: must be a directory inside the models dir/);
    await expect(confinedModelDir('j0123456789abcdef', 'link-out/deeper/x', models)).rejects.toThrow(/out: must be a directory inside the models dir/);
    expect(() => normalizeOut('../../etc', models)).toThrow(/out: must be a directory inside/);
  });
});
