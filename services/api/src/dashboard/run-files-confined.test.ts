// Model downloads stay inside the root: over `tensorpool dashboard --logdir`, a
// run's model.json is served as an attachment with its bytes; a weights file
// that is a symlink to a file outside is neither listed nor served; names
// outside the pattern (dot files, other extensions, encoded ../) are 400; a
// run directory outside the root (as a job record's `out` could claim) gives
// nothing, even through a symlink inside the root.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { makeRunEvent } from '@tensorpool/core';
import { buildLogdirServer } from './logdir-server.js';
import { listRunFiles, runFilePath } from './run-files.js';

const dir = mkdtempSync(join(tmpdir(), 'tp-run-files-'));
const root = join(dir, 'runs');
const run = join(root, 'r1');
const outside = join(dir, 'outside');
let app: FastifyInstance;

beforeAll(async () => {
  mkdirSync(run, { recursive: true });
  mkdirSync(outside);
  const started = makeRunEvent({ type: 'run-started', name: 'm', mode: 'local', epochs: 1, batchSize: 1, dataset: 'd', trainSamples: 1, testSamples: 1, labels: [], options: {} });
  writeFileSync(join(run, 'events.jsonl'), `${JSON.stringify(started)}\n`);
  writeFileSync(join(run, 'model.json'), '{"format":"layers-model"}');
  writeFileSync(join(run, '.secret.bin'), 'dot');
  writeFileSync(join(run, 'notes.txt'), 'txt');
  writeFileSync(join(outside, 'model.json'), 'outside');
  writeFileSync(join(outside, 'secret.bin'), 'outside');
  symlinkSync(join(outside, 'secret.bin'), join(run, 'weights.bin'));
  symlinkSync(outside, join(root, 'escape'));
  app = await buildLogdirServer(root);
});
afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('run file downloads', () => {
  it('serves the run dir files, refuses symlinks, odd names and dirs outside the root', async () => {
    const list = await app.inject({ url: '/api/runs/r1/files' });
    expect(list.json()).toEqual({ files: [{ name: 'events.jsonl', bytes: expect.any(Number) }, { name: 'model.json', bytes: 25 }] });

    const ok = await app.inject({ url: '/runs/r1/files/model.json' });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('{"format":"layers-model"}');
    expect(ok.headers['content-disposition']).toBe('attachment; filename="model.json"');

    expect((await app.inject({ url: '/runs/r1/files/weights.bin' })).statusCode).toBe(404); // symlink out
    for (const name of ['.secret.bin', 'notes.txt', '..%2F..%2Foutside%2Fmodel.json']) {
      expect((await app.inject({ url: `/runs/r1/files/${name}` })).statusCode, name).toBe(400);
    }
    expect((await app.inject({ url: '/runs/r1/files/%2E%2E' })).statusCode).toBe(404); // '..' is a path segment: no route
    expect((await app.inject({ url: '/runs/nope/files/model.json' })).statusCode).toBe(404);

    // A run directory outside the root, named directly or through a symlink inside it.
    expect(await listRunFiles(outside, root)).toEqual([]);
    expect(await runFilePath(outside, root, 'model.json')).toBeNull();
    expect(await runFilePath(join(root, 'escape'), root, 'model.json')).toBeNull();
    expect(await runFilePath(run, root, 'model.json')).toBe(join(run, 'model.json'));
  });
});
