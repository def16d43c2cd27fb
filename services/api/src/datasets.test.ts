/**
 * The dataset routes as the server registers them (buildServer: its auth hook,
 * upload limit, rate limit), against the real Redis (own prefix): upload of a
 * .npz and of a tar of an image folder, with and without the token; uploads
 * over the size limit (declared or streamed) get 413 and leave nothing behind;
 * a tar entry leaving the upload is refused; DELETE is refused while a queued
 * job uses the dataset. The decoded-size and store-budget refusals are the
 * plugin's own logic, tested on the plugin alone with small limits.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import Fastify from 'fastify';
import { zipSync } from 'fflate';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisDatasetStore } from '@tensorpool/datasets';
import { connectRedis } from '@tensorpool/queue';
import { datasetRoutes } from './datasets.js';
import { buildServer, type ApiServer } from './server.js';

const prefix = `tp-test-api-datasets-${process.pid}-${Date.now().toString(36)}`;
const token = 'data-token-0123456789';
const auth = { authorization: `Bearer ${token}` };
const redis = connectRedis();
const work = mkdtempSync(join(tmpdir(), 'tp-api-datasets-'));
const uploads = join(work, 'tmp');
let app: ApiServer;

function npy(shape: number[], data: Uint8Array): Uint8Array {
  let dict = `{'descr': '|u1', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - 11, ' ') + '\n';
  const out = new Uint8Array(total + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, dict.length, true);
  out.set(Buffer.from(dict, 'latin1'), 10);
  out.set(data, total);
  return out;
}

/** A ustar header block for a regular file `name` of `size` bytes. */
function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h[156] = 48;
  h.write('ustar\0' + '00', 257);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

/** A tar archive (as `tar cf` writes one) of these files. */
function tarOf(files: [string, Buffer][]): Buffer {
  const parts = files.flatMap(([name, body]) => [tarHeader(name, body.length), body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
  return Buffer.concat([...parts, Buffer.alloc(1024)]);
}

/** The test's keys, without the rate limiter's counters (its own bookkeeping, which every PUT moves). */
const keys = async () => (await redis.keys(`${prefix}:*`)).filter((k) => !k.startsWith(`${prefix}:rate-limit`)).sort();

beforeAll(async () => {
  process.env.TMPDIR = uploads; // uploads are staged here: the test checks nothing is left
  mkdirSync(uploads);
  app = await buildServer({ prefix, token, uploadBytes: 200_000, logger: false });
  const files: [string, Buffer][] = [];
  for (const [label, base] of [['dark', 20], ['light', 220]] as const) {
    for (let i = 0; i < 6; i++) {
      files.push([`folder/${label}/${i}.png`, await sharp(Buffer.alloc(12 * 12 * 3, base + i), { raw: { width: 12, height: 12, channels: 3 } }).png().toBuffer()]);
    }
  }
  writeFileSync(join(work, 'folder.tar'), tarOf(files));
});
afterAll(async () => {
  const ks = await redis.keys(`${prefix}*`); // also the -small and -dec stores of single tests
  if (ks.length) await redis.del(...ks);
  redis.disconnect();
  await app.close();
  rmSync(work, { recursive: true, force: true });
});

describe('dataset routes', () => {
  it('refuses every route without the token or with a wrong one', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong-token' }]) {
      for (const [method, url] of [['GET', '/datasets'], ['GET', '/datasets/x'], ['PUT', '/datasets/x'], ['DELETE', `/datasets/sha256:${'0'.repeat(64)}`]] as const) {
        expect((await app.inject({ method, url, headers })).statusCode).toBe(401);
      }
      const r = await app.inject({ method: 'PUT', url: '/datasets/t', headers: { ...headers, 'content-type': 'application/x-tar' }, payload: readFileSync(join(work, 'folder.tar')) });
      expect(r.statusCode).toBe(401);
    }
    // Nothing stored in the dataset store.
    expect(await redis.keys(`${prefix}:dataset*`)).toEqual([]);
    expect(readdirSync(uploads)).toEqual([]);
  });

  it('takes a .npz upload', async () => {
    const x = new Uint8Array(10 * 4 * 4).map((_, i) => (i * 37) % 251);
    const y = Uint8Array.from({ length: 10 }, (_, i) => i % 2);
    const npz = zipSync({ 'X_train.npy': npy([8, 4, 4], x.subarray(0, 128)), 'X_test.npy': npy([2, 4, 4], x.subarray(128)), 'y_train.npy': npy([8], y.subarray(0, 8)), 'y_test.npy': npy([2], y.subarray(8)) });
    const r = await app.inject({ method: 'PUT', url: '/datasets/tiny', headers: { ...auth, 'content-type': 'application/zip' }, payload: Buffer.from(npz) });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ name: 'tiny', train: 8, test: 2, chunksUploaded: 1 });
    const m = (await app.inject({ method: 'GET', url: '/datasets/tiny', headers: auth })).json();
    expect(m).toMatchObject({ id: r.json().dataset, shape: [4, 4, 1], classes: ['0', '1'] });
  });

  it('takes a tar of an image folder, with the query options', async () => {
    const r = await app.inject({
      method: 'PUT', url: '/datasets/shades?shape=8x8x1&testFraction=0.5', headers: { ...auth, 'content-type': 'application/x-tar' },
      payload: readFileSync(join(work, 'folder.tar')),
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ name: 'shades', train: 6, test: 6, skipped: [] });
    const list = (await app.inject({ method: 'GET', url: '/datasets', headers: auth })).json();
    expect(list.map((m: { name: string }) => m.name).sort()).toEqual(['shades', 'tiny']);
    expect(readdirSync(uploads)).toEqual([]);
  });

  it('answers 413 to an upload over the limit, declared or streamed, and keeps nothing', async () => {
    const before = await keys();
    const big = Buffer.alloc(300_000, 1);
    const declared = await app.inject({ method: 'PUT', url: '/datasets/big', headers: { ...auth, 'content-type': 'application/x-tar' }, payload: big });
    expect(declared.statusCode).toBe(413);
    const streamed = await app.inject({ method: 'PUT', url: '/datasets/big', headers: { ...auth, 'content-type': 'application/x-tar' }, payload: Readable.from([big.subarray(0, 150_000), big.subarray(150_000)]) });
    expect(streamed.statusCode).toBe(413);
    expect(streamed.json().message).toMatch(/larger than the 200000-byte limit/);
    expect(await keys()).toEqual(before);
    expect(readdirSync(uploads)).toEqual([]);
  });

  it('refuses tar entries outside the upload, bad names and bad query values with 400', async () => {
    const put = (url: string, payload: Buffer) => app.inject({ method: 'PUT', url, headers: { ...auth, 'content-type': 'application/x-tar' }, payload });
    const evil = await put('/datasets/evil', tarOf([['../../escape.png', Buffer.from('x')]]));
    expect(evil.statusCode).toBe(400);
    expect(evil.json().message).toMatch(/tar entry '..\/..\/escape.png' points outside the upload/);
    expect((await put('/datasets/..evil', Buffer.alloc(0))).statusCode).toBe(400);
    const huge = await put('/datasets/ok?shape=4096x4096x3', Buffer.alloc(0));
    expect(huge.statusCode).toBe(400);
    expect(huge.json().message).toMatch(/^query shape: shape must be HxWxC with H, W in 1..2048/);
    const q = await put('/datasets/ok?testFraction=2', Buffer.alloc(0));
    expect(q.statusCode).toBe(400);
    expect(q.json().message).toMatch(/^query testFraction/);
    expect((await app.inject({ method: 'PUT', url: '/datasets/ok', headers: { ...auth, 'content-type': 'text/plain' }, payload: 'x' })).statusCode).toBe(415);
    expect(readdirSync(uploads)).toEqual([]);
  });

  it('refuses uploads that would decode to more than the decoded limit (tar 413, npz 400)', async () => {
    const small = Fastify();
    await small.register(datasetRoutes, { store: new RedisDatasetStore(redis, { prefix: `${prefix}-dec` }), decodedLimit: 10_000 });
    const r = await small.inject({ method: 'PUT', url: '/datasets/shades?shape=20x20x3', headers: { ...auth, 'content-type': 'application/x-tar' }, payload: readFileSync(join(work, 'folder.tar')) });
    // A deflated .npz whose header claims 100,000 images: refused from the header, nothing allocated.
    const bomb = zipSync({ 'X_train.npy': npy([100_000, 28, 28], new Uint8Array(0)), 'y_train.npy': npy([1], new Uint8Array(1)) }, { level: 6 });
    const n = await small.inject({ method: 'PUT', url: '/datasets/bomb', headers: { ...auth, 'content-type': 'application/zip' }, payload: Buffer.from(bomb) });
    await small.close();
    expect(r.statusCode).toBe(413);
    expect(r.json().message).toBe('12 images of 20x20x3 would decode to 14400 bytes, more than the 10000-byte limit');
    expect(n.statusCode).toBe(400);
    expect(n.json().message).toMatch(/X_train.npy \(shape 100000x28x28\) would take more than the 10000-byte limit/);
    expect(await redis.keys(`${prefix}-dec:*`)).toEqual([]);
    expect(readdirSync(uploads)).toEqual([]);
  });

  it('answers 507 when the store budget would be exceeded, keeping nothing', async () => {
    const small = Fastify();
    const p2 = `${prefix}-small`;
    await small.register(datasetRoutes, { store: new RedisDatasetStore(redis, { prefix: p2, budgetBytes: 500 }) });
    const r = await small.inject({ method: 'PUT', url: '/datasets/shades?shape=8x8x1', headers: { ...auth, 'content-type': 'application/x-tar' }, payload: readFileSync(join(work, 'folder.tar')) });
    await small.close();
    expect(r.statusCode).toBe(507);
    expect(r.json().message).toMatch(/^dataset store is full: pushing sha256:[0-9a-f]{64} needs 8\d\d B more, 500 B of the 500 B budget is free/);
    expect(await redis.keys(`${p2}:*`)).toEqual([]);
  });

  it('refuses DELETE while a queued job uses the dataset (enqueued by name), then removes it', async () => {
    const id = (await app.inject({ method: 'GET', url: '/datasets/tiny', headers: auth })).json().id as string;
    const spec = { name: 'tiny', inputShape: [4, 4, 1], labels: ['0', '1'], layers: [{ type: 'flatten' }, { type: 'dense', units: 2, activation: 'softmax' }] };
    const job = await app.inject({ method: 'POST', url: '/jobs', headers: auth, payload: { spec, data: 'tiny', epochs: 1 } });
    expect(job.statusCode, job.body).toBe(201);
    const jobId = job.json().jobId as string;
    expect((await app.inject({ method: 'GET', url: `/jobs/${jobId}`, headers: auth })).json().data).toBe(id); // the name is pinned to the id
    const refused = await app.inject({ method: 'DELETE', url: `/datasets/${id}`, headers: auth });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toBe(`dataset ${id} is used by a queued or running job`);
    expect((await app.inject({ method: 'GET', url: `/datasets/${id}`, headers: auth })).statusCode).toBe(200);
    expect((await app.inject({ method: 'DELETE', url: `/jobs/${jobId}`, headers: auth })).statusCode).toBe(200);
    const del = await app.inject({ method: 'DELETE', url: `/datasets/${id}`, headers: auth });
    expect(del.json()).toEqual({ dataset: id, removed: true });
    expect((await app.inject({ method: 'DELETE', url: `/datasets/${id}`, headers: auth })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: `/datasets/${id}`, headers: auth })).statusCode).toBe(404);
  });
});
