// The explorer behind `serve`'s token: its page, model list, samples and
// forward pass are 401 without the token, also for an oversized upload (the
// credential is checked before the body is read). With the token: the model
// under --models-dir is listed and explained, an upload over
// DEFAULTS.explorer.uploadBytes is a 413, and bytes that are no image a 422.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '@tensorpool/core';
import { initBackend } from '@tensorpool/engine';
import { buildServer, type ApiServer } from '../server.js';
import { knownImagePng, saveKnownModel } from '../testing/explorer-model.js';
import { saveKnownSamples } from '../testing/explorer-model-samples.js';

const prefix = `tp-test-explorer-auth-${process.pid}`;
const token = 'explorer-tok-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'tp-explorer-auth-'));
let app: ApiServer;
let base: string;
const auth = { authorization: `Bearer ${token}` };

beforeAll(async () => {
  await initBackend('cpu');
  const model = join(dir, 'models', 'job-1');
  await saveKnownSamples(model, await saveKnownModel(model));
  app = await buildServer({ prefix, token, modelsDir: join(dir, 'models'), rateLimitMax: 1_000_000 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  const ks = await app.queueClient.redis.keys(`${prefix}:*`);
  if (ks.length) await app.queueClient.redis.del(...ks);
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('explorer behind the API token', () => {
  it('answers 401 without the token, even to an oversized upload', async () => {
    const big = Buffer.alloc(DEFAULTS.explorer.uploadBytes + 1);
    for (const [method, path, body] of [['GET', '/explorer'], ['GET', '/api/models'], ['GET', '/api/models/job-1/samples'], ['GET', '/api/models/job-1/samples.png'],
      ['POST', '/api/models/job-1/explain?sample=0'], ['POST', '/api/models/job-1/explain', big], ['GET', '/api/runs/job-1/samples']] as const) {
      const r = await fetch(`${base}${path}`, { method, body, headers: body ? { 'content-type': 'image/png' } : {} });
      expect(r.status, `${method} ${path}`).toBe(401);
      expect(await r.text(), path).not.toContain('Trouser');
    }
  });

  it('explains with the token, refuses an upload too large (413) and bytes that are no image (422)', async () => {
    const list = await fetch(`${base}/api/models`, { headers: auth });
    expect(await list.json()).toEqual({ models: [{ id: 'job-1', samples: true }] });
    const ok = await fetch(`${base}/api/models/job-1/explain`, { method: 'POST', body: await knownImagePng(), headers: { ...auth, 'content-type': 'image/png' } });
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer()).subarray(0, 4).toString()).toBe('TPX1');
    const sample = await fetch(`${base}/api/models/job-1/explain?sample=11`, { method: 'POST', headers: auth });
    expect(sample.status).toBe(200);
    const none = await fetch(`${base}/api/models/job-1/explain?sample=12`, { method: 'POST', headers: auth });
    expect(none.status).toBe(404);

    const big = await fetch(`${base}/api/models/job-1/explain`, { method: 'POST', body: Buffer.alloc(DEFAULTS.explorer.uploadBytes + 1), headers: { ...auth, 'content-type': 'image/png' } });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ error: 'payload_too_large', message: `the image is larger than ${DEFAULTS.explorer.uploadBytes} bytes` });
    const junk = await fetch(`${base}/api/models/job-1/explain`, { method: 'POST', body: Buffer.from('not an image'), headers: { ...auth, 'content-type': 'application/octet-stream' } });
    expect(junk.status).toBe(422);
    expect(((await junk.json()) as { message: string }).message).toMatch(/^cannot decode the image: /);
  });
});
