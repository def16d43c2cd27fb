// POST /jobs with `initFrom`: a Keras .h5 inside the service's data root is
// read by the service and the job names the stored model (201); a path out of
// the root and a file with an unsupported layer are 400 with one line naming
// initFrom, and no job is queued. (Real Redis, own prefix.)
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJobRecord } from '@tensorpool/queue';
import { writeKerasFixture } from '../../../packages/engine/src/keras-fixture.test-util.js';
import { tmpDir } from '../../../packages/queue/src/fixtures.test-util.js';
import { buildServer } from './server.js';

const prefix = `tp-test-api-init-from-${process.pid}`;
const token = 's3cret-token-0123456789';
const auth = { authorization: `Bearer ${token}` };
const { dir, cleanup } = tmpDir('tp-api-init-from-');
const root = join(dir, 'root');
let app: Awaited<ReturnType<typeof buildServer>>;

beforeAll(async () => {
  mkdirSync(root);
  await writeKerasFixture(join(root, 'ok.h5'));
  await writeKerasFixture(join(root, 'unsupported.h5'), 'unsupported');
  await writeKerasFixture(join(dir, 'outside.h5'));
  app = await buildServer({ prefix, token, dataRoot: root });
});
afterAll(async () => {
  const r = app.queueClient.redis;
  const ks = await r.keys(`${prefix}:*`);
  if (ks.length) await r.del(...ks);
  await app.close();
  cleanup();
});

const post = (payload: object) => app.inject({ method: 'POST', url: '/jobs', headers: auth, payload: { data: 'fashion-mnist', epochs: 1, ...payload } });

describe('POST /jobs with initFrom', () => {
  it('refuses a path out of the data root and an unsupported layer with 400', async () => {
    const out = await post({ initFrom: '../outside.h5' });
    expect(out.statusCode).toBe(400);
    expect(out.json().message).toBe('invalid job: initFrom: not a model id (sha256:<64 hex>) or a readable Keras .h5/.keras file inside the data root');
    const bad = await post({ initFrom: 'unsupported.h5' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/^invalid job: initFrom: unsupported\.h5: .*LayerNormalization at index 1 \('layer_normalization'\) is not supported[^\n]*$/);
    expect(await app.queueClient.redis.scard(app.queueClient.keys.active)).toBe(0);
  });

  it('queues a job from a Keras .h5 inside the data root', async () => {
    const r = await post({ initFrom: 'ok.h5' });
    expect(r.statusCode).toBe(201);
    const rec = await getJobRecord(app.queueClient.redis, app.queueClient.keys, r.json().jobId);
    expect(rec?.options.initFrom).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(rec?.options.spec.inputShape).toEqual([6, 6, 2]);
  });
});
