// The explorer reads models only under its root (here `dashboard --logdir`'s
// directory): a model outside it, behind a symlink, or named with dot
// segments or encoded slashes is not listed and answers 404/400, never its
// data; a run whose run-finished event points at a model outside the root
// shows no samples (model null); a tampered samples.json is refused, saying why.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { initBackend } from '@tensorpool/engine';
import { buildLogdirServer } from './logdir-server.js';
import { saveKnownModel } from '../testing/explorer-model.js';
import { saveKnownSamples } from '../testing/explorer-model-samples.js';

const dir = mkdtempSync(join(tmpdir(), 'tp-explorer-confined-'));
const root = join(dir, 'logdir');
const outside = join(dir, 'secret-model');
let app: FastifyInstance;
let base: string;
const finished = (modelDir: string) => `${JSON.stringify({ t: 2, type: 'run-finished', testLoss: 1, testAccuracy: 0.5, testSamples: 12, labels: [], confusionMatrix: [], modelDir })}\n`;

beforeAll(async () => {
  await initBackend('cpu');
  for (const d of [join(root, 'a'), outside, join(root, 'tampered')]) await saveKnownSamples(d, await saveKnownModel(d));
  const bad = JSON.parse(readFileSync(join(root, 'tampered', 'samples.json'), 'utf8'));
  bad.samples[0].probabilities.pop();
  writeFileSync(join(root, 'tampered', 'samples.json'), JSON.stringify(bad));
  symlinkSync(outside, join(root, 'link'));
  writeFileSync(join(root, 'a', 'events.jsonl'), finished(join(root, 'a')));
  mkdirSync(join(root, 'run-out'));
  writeFileSync(join(root, 'run-out', 'events.jsonl'), finished(outside));
  mkdirSync(join(root, 'run-dots'));
  writeFileSync(join(root, 'run-dots', 'events.jsonl'), finished(join(root, 'a', '..', '..', 'secret-model')));
  app = await buildLogdirServer(root);
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('explorer models confined to the root', () => {
  it('lists only the models under the root, symlinks not followed', async () => {
    const r = await (await fetch(`${base}/api/models`)).json();
    expect(r).toEqual({ models: [{ id: 'a', samples: true }, { id: 'tampered', samples: true }] });
  });

  it('answers no data for a model outside the root, whatever the id spells', async () => {
    for (const id of ['link', 'secret-model', '..', '.', '..~secret-model', '%2E%2E', '..%2Fsecret-model', '%2Ftmp', `${encodeURIComponent(outside)}`]) {
      for (const [method, path] of [['GET', 'samples'], ['GET', 'samples.png'], ['POST', 'explain?sample=0']]) {
        const r = await fetch(`${base}/api/models/${id}/${path}`, { method });
        expect([400, 404], `${method} ${id}/${path}`).toContain(r.status);
        expect(r.headers.get('content-type'), `${method} ${id}/${path}`).toContain('application/json');
      }
    }
    const ok = await fetch(`${base}/api/models/a/samples`);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { samples: unknown[] }).samples).toHaveLength(12);
  });

  it("shows a run's samples only when its model is inside the root", async () => {
    const inside = await fetch(`${base}/api/runs/a/samples`);
    expect(inside.status).toBe(200);
    expect(((await inside.json()) as { model: string }).model).toBe('a');
    for (const run of ['run-out', 'run-dots']) {
      const r = await fetch(`${base}/api/runs/${run}/samples`);
      expect(r.status, run).toBe(200);
      const text = await r.text();
      expect(JSON.parse(text), run).toEqual({ model: null, message: `run ${run} has no saved samples inside the models directory` });
      expect(text, run).not.toContain('Trouser');
    }
  });

  it('refuses a tampered samples.json, naming the bad field', async () => {
    const r = await fetch(`${base}/api/models/tampered/samples`);
    expect(r.status).toBe(422);
    expect(((await r.json()) as { message: string }).message).toBe('bad samples.json: samples.0.probabilities: has 9 values for 10 labels');
  });
});
