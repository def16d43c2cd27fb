// POST /jobs with `initFrom` naming a model file when the model store's
// budget (modelStoreBytes / TENSORPOOL_MODEL_STORE_BYTES) has no room: 507
// store_full with one line naming the budget; no job queued, no model kept.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeKerasFixture } from '../../../packages/engine/src/keras-fixture.test-util.js';
import { tmpDir } from '../../../packages/queue/src/fixtures.test-util.js';
import { buildServer, type ApiServer } from './server.js';
import { closeTestServer } from './testing/app.js';

const prefix = `tp-test-api-model-budget-${process.pid}`;
const token = 'budget-tok-0123456789';
const { dir, cleanup } = tmpDir('tp-api-model-budget-');
const root = join(dir, 'root');
let app: ApiServer;

beforeAll(async () => {
  mkdirSync(root);
  await writeKerasFixture(join(root, 'ok.h5'));
  app = await buildServer({ prefix, token, dataRoot: root, modelStoreBytes: 512 });
});
afterAll(async () => {
  await closeTestServer(app, prefix);
  cleanup();
});

describe('POST /jobs initFrom over the model store budget', () => {
  it('answers 507 store_full naming the budget, queues nothing and keeps nothing', async () => {
    const r = await app.inject({ method: 'POST', url: '/jobs', headers: { authorization: `Bearer ${token}` }, payload: { initFrom: 'ok.h5', data: 'fashion-mnist', epochs: 1 } });
    expect(r.statusCode).toBe(507);
    expect(r.json()).toEqual({ error: 'store_full', message: expect.stringMatching(/^model store is full: model sha256:[0-9a-f]{64} needs [\d.]+ KiB, 512 B of the 512 B budget is free \(TENSORPOOL_MODEL_STORE_BYTES; [^\n]*$/) });
    const { redis, keys } = app.queueClient;
    expect(await redis.zcard(keys.jobs)).toBe(0);
    expect(await redis.keys(`${prefix}:model:*`)).toEqual([]);
    expect(await redis.zcard(keys.models)).toBe(0);
  });
});
