// Property: every malformed or hostile job payload POSTed to /jobs is refused
// with a 4xx whose message is one line naming the bad field (or the body as
// a whole), the server stays up, and Redis holds no job. fast-check with a
// fixed seed generates 1,000 payloads, each a valid job with 1-3 hostile
// mutations (wrong types, huge/negative/fractional numbers, NaN-like strings,
// path tricks incl. a symlink out of the data root, unicode and control
// characters, unknown and prototype keys, deep nesting, oversized specs,
// very long strings, non-object and non-JSON bodies, oversized bodies).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '@tensorpool/core';
import { buildServer } from './server.js';
import { closeTestServer } from './testing/app.js';

const prefix = `tp-test-hostile-${process.pid}`;
const token = 'hostile-token-0123456789';
const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
// The data root holds only a symlink that leads out of it: no path inside it names a dataset.
const base = mkdtempSync(join(tmpdir(), 'tp-hostile-'));
const root = mkdtempSync(join(base, 'root-'));
mkdirSync(join(base, 'outside'));
symlinkSync(join(base, 'outside'), join(root, 'escape'));
let app: Awaited<ReturnType<typeof buildServer>>;

beforeAll(async () => {
  process.env.TENSORPOOL_DATA_ROOT = root;
  app = await buildServer({ prefix, token, rateLimitMax: 1_000_000 });
});
afterAll(async () => {
  delete process.env.TENSORPOOL_DATA_ROOT;
  await closeTestServer(app, prefix);
  rmSync(base, { recursive: true, force: true });
});

type Payload = Record<string, unknown>;
type Mutation = (p: Payload) => Payload;
const VALID: Payload = { preset: 'fashion-mnist', data: 'fashion-mnist', epochs: 1 };
const L = DEFAULTS.limits;
const KNOWN = ['preset', 'spec', 'data', 'epochs', 'shards', 'batchSize', 'shardBatchSize', 'seed', 'learningRate', 'augment', 'normalization', 'optimizer', 'limit', 'testLimit', 'out', 'name'];
const INT_FIELDS: Record<string, [number, number]> = { epochs: [1, L.epochs], shards: [1, L.shards], batchSize: [1, L.batchSize], shardBatchSize: [1, L.batchSize], seed: [0, Number.MAX_SAFE_INTEGER], limit: [1, L.samples], testLimit: [1, L.samples] };

/** Sets an own key, including '__proto__' (an object literal would set the prototype instead). */
function withKey(p: Payload, k: string, v: unknown): Payload {
  const out = { ...p };
  Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}
const set = (k: string) => (v: unknown): Mutation => (p) => withKey(p, k, v);
const unicode = (max = 20) => fc.string({ unit: 'binary', maxLength: max });
const notJsonNumber = fc.oneof(fc.string(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.object({ maxDepth: 1 }));

const wrongType: fc.Arbitrary<Mutation> = fc.tuple(fc.constantFrom(...Object.keys(INT_FIELDS), 'learningRate'), notJsonNumber).map(([k, v]) => set(k)(v));

const badInteger: fc.Arbitrary<Mutation> = fc.constantFrom(...Object.keys(INT_FIELDS)).chain((k) => {
  const [min, max] = INT_FIELDS[k];
  return fc.oneof(
    max < Number.MAX_SAFE_INTEGER ? fc.integer({ min: max + 1, max: Number.MAX_SAFE_INTEGER }) : fc.constant(2 ** 53),
    fc.integer({ min: Number.MIN_SAFE_INTEGER, max: min - 1 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
    fc.constantFrom(1e308, -1e308, 2 ** 64, Number.MAX_VALUE),
  ).map((v) => set(k)(v));
});

const badRate: fc.Arbitrary<Mutation> = fc.oneof(
  fc.double({ max: 0, noNaN: true, noDefaultInfinity: true }),
  fc.double({ min: 1.0000001, noNaN: true }),
).map((v) => set('learningRate')(v));

const nanStrings: fc.Arbitrary<Mutation> = fc.tuple(
  fc.constantFrom(...Object.keys(INT_FIELDS), 'learningRate'),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e400', '0x10', '-0', '', ' 1', '1_000', '١', '½'),
).map(([k, v]) => set(k)(v));

const PATH_TRICKS = ['../etc/passwd', '/etc/passwd', '/etc', '/', '.. ', '..', '../', '../../', 'escape', 'escape/', 'escape/secret.npz', 'nope/../../outside',
  'missing.npz', 'C:\\Windows\\win.ini', '\\\\server\\share', '%2e%2e/%2e%2e/etc/passwd', '..\u2215etc', '\u202e..', 'sha256:xyz', `sha256:${'A'.repeat(64)}`,
  `sha256:${'0'.repeat(63)}`, 'fashion-mnist\u0000', 'fashion-mnist/../../etc', 'file:///etc/passwd', '~/.ssh/id_rsa', join(base, 'outside'), '/proc/self/environ', '\u0000'];
const badData: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom(...PATH_TRICKS),
  unicode().map((s) => `../${s}`),
  unicode().map((s) => `/etc/${s}`),
  unicode().map((s) => `${s}\u0000`),
  fc.integer({ min: L.pathLength + 1, max: 50_000 }).map((n) => 'a'.repeat(n)),
  notJsonNumber.filter((v) => typeof v !== 'string'),
).map((v) => set('data')(v));

const withOut: fc.Arbitrary<Mutation> = fc.oneof(fc.constantFrom('mine', '../x', '/etc', '', '.'), unicode(), fc.integer()).map((v) => set('out')(v));

const unknownKey: fc.Arbitrary<Mutation> = fc.tuple(
  fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'epoch', 'Epochs', 'toString', 'hasOwnProperty', 'valueOf'), unicode(12).filter((k) => !KNOWN.includes(k))),
  // JSON drops undefined (the key would vanish and the job be valid): only values JSON keeps.
  fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant({ polluted: true })),
).map(([k, v]) => set(k)(v));

/** A nesting too deep for JSON.stringify's recursion: written out as text when the body is serialized. */
class Deep {
  constructor(readonly kind: 'array' | 'object' | 'proto', readonly depth: number) {}
  text(): string {
    const [open, close] = this.kind === 'array' ? ['[', ']'] : this.kind === 'object' ? ['{"a":', '}'] : ['{"__proto__":', '}'];
    return `${open.repeat(this.depth)}1${close.repeat(this.depth)}`;
  }
}
const deep: fc.Arbitrary<Mutation> = fc.tuple(fc.integer({ min: L.payloadDepth, max: 100_000 }), fc.constantFrom('array', 'object', 'proto') as fc.Arbitrary<Deep['kind']>)
  .map(([d, kind]) => (p) => {
    const { preset: _preset, ...rest } = p;
    return { ...rest, spec: new Deep(kind, d) };
  });

function serialize(p: Payload): string {
  const deeps: Deep[] = [];
  const json = JSON.stringify(p, (_k, v: unknown) => (v instanceof Deep ? `\u0000deep${deeps.push(v) - 1}` : v));
  return json.replace(/"\\u0000deep(\d+)"/g, (_m, i: string) => deeps[Number(i)].text());
}

const longText: fc.Arbitrary<Mutation> = fc.tuple(fc.constantFrom('name', 'preset'), fc.integer({ min: L.nameLength + 1, max: 100_000 })).map(([k, n]) => set(k)('é'.repeat(n)));

const controlText: fc.Arbitrary<Mutation> = fc.tuple(fc.constantFrom('name', 'preset', 'data'), unicode(10), fc.integer({ min: 0, max: 31 }), unicode(10))
  .map(([k, a, c, b]) => set(k)(`${a}${String.fromCharCode(c)}${b}`));

const badEnum: fc.Arbitrary<Mutation> = fc.tuple(fc.constantFrom('augment', 'optimizer', 'normalization', 'preset'), fc.oneof(unicode().map((s) => `\u00ff${s}`), notJsonNumber))
  .map(([k, v]) => set(k)(v));

const badNormalization: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ mean: fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 2, maxLength: 6 }), std: fc.array(fc.double({ min: 1, max: 2 }), { minLength: 2, maxLength: 6 }) }),
  fc.record({ mean: fc.constant([0]), std: fc.constantFrom([0], [-1], ['1'], [null]) }),
  fc.record({ mean: fc.constant([0]), std: fc.constant([1]), extra: fc.oneof(fc.integer(), fc.string(), fc.constant(null)) }),
).map((v) => set('normalization')(v));

const dense = (units: number, activation?: string) => ({ type: 'dense', units, ...(activation ? { activation } : {}) });
const labels10 = Array.from({ length: 10 }, (_, i) => `c${i}`);
const spec = (layers: unknown[], extra: Payload = {}) => ({ name: 'hostile', inputShape: [28, 28, 1], labels: labels10, layers, ...extra });
const badSpec: fc.Arbitrary<Mutation> = fc.oneof(
  fc.integer({ min: 64_000, max: 10_000_000 }).map((u) => spec([{ type: 'flatten' }, dense(u), dense(10, 'softmax')])),
  fc.integer({ min: 100_000, max: 5_000_000 }).map((f) => spec([{ type: 'conv2d', filters: f, kernelSize: 1 }, { type: 'maxPooling2d', poolSize: 28 }, { type: 'flatten' }, dense(10, 'softmax')])),
  fc.integer({ min: 10_000, max: 1e9 }).map((h) => spec([{ type: 'flatten' }, dense(10, 'softmax')], { inputShape: [h, h, 3] })),
  fc.integer({ min: L.layers + 1, max: 2000 }).map((n) => spec([...Array.from({ length: n }, () => ({ type: 'activation', activation: 'relu' })), { type: 'flatten' }, dense(10, 'softmax')])),
  fc.integer({ min: L.labels + 1, max: 3000 }).map((n) => spec([{ type: 'flatten' }, dense(n, 'softmax')], { labels: Array.from({ length: n }, (_, i) => `c${i}`) })),
  fc.integer({ min: 1, max: 9 }).map((u) => spec([{ type: 'flatten' }, dense(u, 'softmax')])),
  fc.constant(spec([])),
  fc.constant(spec([{ type: 'flatten' }, dense(10, 'softmax'), dense(10, 'softmax')])),
  fc.integer({ min: -1e6, max: 0 }).map((f) => spec([{ type: 'conv2d', filters: f, kernelSize: 3 }, { type: 'flatten' }, dense(10, 'softmax')])),
  fc.constant(spec([{ type: 'flatten' }, dense(10, 'softmax')], { inputShape: [28, 28] })),
  fc.anything({ maxDepth: 3 }),
).map((s) => (p) => {
  const { preset: _preset, ...rest } = p;
  return { ...rest, spec: s };
});

const mutation = fc.oneof(wrongType, badInteger, badRate, nanStrings, badData, withOut, unknownKey, deep, longText, controlText, badEnum, badNormalization, badSpec);

/** What is sent: a mutated job as JSON, a non-object JSON body, text that is not JSON, or a body over the size limit. */
const body: fc.Arbitrary<string> = fc.oneof(
  { weight: 30, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }).map((ms) => serialize(ms.reduce((p, m) => m(p), VALID))) },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null), fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 4 })).map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.constantFrom('{"epochs": ', '{', '[1,2', '{"a":1}}', 'NaN', "{'a':1}", '{"data":"x",}', '\u0000', '{"__proto__":') },
  { weight: 1, arbitrary: fc.constant(JSON.stringify({ ...VALID, name: 'x'.repeat(1_100_000) })) },
);

const FIELD = /^(invalid job: (unknown fields? '|give either 'preset' or 'spec'|[^\s:]+: )|request body is not valid JSON: )/;

describe('POST /jobs with hostile payloads', () => {
  it('refuses 1,000 of them with a one-line 4xx naming the field, stays up and queues nothing', async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(body, async (payload) => {
        const r = await app.inject({ method: 'POST', url: '/jobs', headers: auth, payload });
        seen.set(r.statusCode, (seen.get(r.statusCode) ?? 0) + 1);
        expect(r.statusCode).toBeGreaterThanOrEqual(400);
        expect(r.statusCode).toBeLessThan(500);
        const message = String((r.json() as { message?: unknown }).message);
        expect(message).not.toMatch(/[\n\r\u2028\u2029]/);
        if (r.statusCode === 413) expect(message).toMatch(/body|payload/i);
        else expect(message).toMatch(FIELD);
      }),
      { seed: 20261201, numRuns: 1000 },
    );
    expect([...seen.values()].reduce((a, b) => a + b, 0)).toBe(1000);
    expect(seen.get(400)).toBeGreaterThan(900);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ ok: true });
    const k = app.queueClient.keys;
    expect(await app.queueClient.redis.zcard(k.jobs)).toBe(0);
    expect(await app.queueClient.redis.keys(`${prefix}:job:*`)).toEqual([]);
    expect(await app.queueClient.queues.train.count()).toBe(0);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    // And a valid job still goes through afterwards.
    const ok = await app.inject({ method: 'POST', url: '/jobs', headers: auth, payload: JSON.stringify(VALID) });
    expect(ok.statusCode).toBe(201);
  });
});
