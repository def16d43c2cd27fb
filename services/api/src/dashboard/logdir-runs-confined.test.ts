// `tensorpool dashboard --logdir DIR` lists only run directories under DIR
// (symlinks not followed), answers ids that are not in its own listing with
// 404 whatever they spell (dot segments, encoded slashes, absolute paths),
// skips invalid lines and leaves a partial last line for later.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildLogdirServer } from './logdir-server.js';

const dir = mkdtempSync(join(tmpdir(), 'tp-logdir-'));
const logdir = join(dir, 'runs');
const outside = join(dir, 'secret');
const line = (e: object) => `${JSON.stringify(e)}\n`;
const started = { t: 1, type: 'run-started', name: 'm', mode: 'local', epochs: 2, batchSize: 32, dataset: 'd', trainSamples: 1, testSamples: 1, labels: [], options: {} };
const epoch = (n: number) => ({ t: 2, type: 'epoch-end', epoch: n, epochs: 2, loss: 1, accuracy: 0.5, valLoss: null, valAccuracy: null, seconds: 1, imagesPerSecond: 1 });
let app: FastifyInstance;

beforeAll(async () => {
  mkdirSync(join(logdir, 'group', 'run 1'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'events.jsonl'), line({ ...started, name: 'outside' }));
  symlinkSync(outside, join(logdir, 'link'));
  writeFileSync(join(logdir, 'group', 'run 1', 'events.jsonl'), line(started) + 'not json\n' + line({ ...epoch(1), epoch: -1 }) + line(epoch(1)) + JSON.stringify(epoch(2)).slice(0, 20));
  app = await buildLogdirServer(logdir);
});
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('logdir runs', () => {
  it('lists the run under DIR by its relative path, not the symlinked one', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/runs' });
    const runs = (r.json() as { runs: { id: string; name: string; epoch: number }[] }).runs;
    expect(runs.map((x) => x.id)).toEqual(['group~run_1']);
    expect(runs[0]).toMatchObject({ name: 'm', epoch: 1 });
  });

  it('skips invalid lines and waits for a partial last line to be completed', async () => {
    const get = async () => (await app.inject({ method: 'GET', url: '/api/runs/group~run_1' })).json() as { events: { type: string; epoch?: number }[] };
    expect((await get()).events.map((e) => `${e.type}${e.epoch ?? ''}`)).toEqual(['run-started', 'epoch-end1']);
    appendFileSync(join(logdir, 'group', 'run 1', 'events.jsonl'), `${JSON.stringify(epoch(2)).slice(20)}\n`);
    expect((await get()).events.map((e) => `${e.type}${e.epoch ?? ''}`)).toEqual(['run-started', 'epoch-end1', 'epoch-end2']);
  });

  it('answers 404 to ids not in its listing, however spelled', async () => {
    for (const id of ['link', 'secret', '..', '..~secret', '%2e%2e', '..%2Fsecret', '%2Ftmp', 'group', 'group~run 1', 'group~run_1~..~..~secret']) {
      for (const path of [`/api/runs/${id}`, `/runs/${id}/events`]) {
        const r = await app.inject({ method: 'GET', url: path });
        expect([400, 404], `${path} -> ${r.statusCode}`).toContain(r.statusCode);
        expect(r.body).not.toContain('outside');
      }
    }
  });
});
