// A job's `data` is a dataset name, a dataset-store id, or a path inside the
// data root, checked with realpath by every process that opens it: `..`,
// absolute paths elsewhere and symlinks leading out are refused with one
// message that does not say whether the path exists.
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkDataRef, classifyDataRef, resolveDataRef } from './data-ref.js';
import { DatasetCache } from './datasets.js';
import { parseJobPayload } from './schema.js';
import { refusal, tmpDir, writeNpz } from './fixtures.test-util.js';

const { dir, cleanup } = tmpDir('tp-data-root-');
afterAll(cleanup);
const root = join(dir, 'root');
const outside = join(dir, 'outside');
mkdirSync(join(root, 'sets'), { recursive: true });
mkdirSync(outside);
writeNpz(join(root, 'sets', 'small.npz'), 6);
writeNpz(join(outside, 'secret.npz'), 6);
symlinkSync(join(outside, 'secret.npz'), join(root, 'escape.npz'));
symlinkSync(outside, join(root, 'escape-dir'));
symlinkSync(join(root, 'sets', 'small.npz'), join(root, 'inner-link.npz'));

const REFUSED = /^data: not a dataset name \(fashion-mnist or one in the dataset store\), a dataset id \(sha256:<64 hex>\) or a readable path inside the data root$/;

describe('data references', () => {
  it('accept a named dataset and paths inside the root, relative or absolute (store ids: data-store-refs.test.ts)', async () => {
    expect(classifyDataRef('fashion-mnist')).toEqual({ kind: 'named', name: 'fashion-mnist' });
    expect(classifyDataRef(`sha256:${'ab'.repeat(32)}`)).toEqual({ kind: 'store', id: `sha256:${'ab'.repeat(32)}` });
    await checkDataRef('sets/small.npz', root);
    await checkDataRef(join(root, 'sets', 'small.npz'), root);
    await checkDataRef('inner-link.npz', root); // a link that stays inside is fine
    const d = await resolveDataRef('sets/small.npz', root);
    expect(d.train.n).toBe(6);
  });

  it('refuse malformed store ids and control characters at the schema, naming the field', () => {
    const payload = (data: string) => ({ preset: 'fashion-mnist', epochs: 1, data });
    expect(() => parseJobPayload(payload('sha256:XYZ'))).toThrow(/data: a dataset id must be sha256: followed by 64 lowercase hex digits/);
    expect(() => parseJobPayload(payload('a\u0000b'))).toThrow(/data: must not contain control characters/);
  });

  it('refuse every path when no data root is configured (the default)', async () => {
    expect(await refusal(checkDataRef('sets/small.npz', undefined))).toMatch(/^data: paths are not accepted \(no data root configured\)/);
    expect(await refusal(checkDataRef('/etc/passwd', undefined))).toMatch(/^data: paths are not accepted/);
  });

  it('refuse .., absolute paths outside, and symlinks out of the root with the same message as a missing path', async () => {
    const missing = await refusal(checkDataRef('sets/nope.npz', root));
    expect(missing).toMatch(REFUSED);
    for (const ref of ['../outside/secret.npz', join(outside, 'secret.npz'), '/etc/passwd', '/etc', 'escape.npz', 'escape-dir/secret.npz', 'sets/../../outside/secret.npz', '/', '..']) {
      expect(await refusal(checkDataRef(ref, root)), ref).toBe(missing);
    }
  });

  it('are checked again where the data is opened (worker and evaluator cache)', async () => {
    const cache = new DatasetCache(1 << 20);
    const spec = { name: 't', inputShape: [4, 4, 1] as [number, number, number], labels: ['a', 'b'], layers: [] };
    expect(await refusal(cache.get({ data: 'escape.npz', spec }, root))).toMatch(REFUSED);
    expect(await refusal(cache.get({ data: 'sets/small.npz', spec }, undefined))).toMatch(/no data root configured/);
    expect(await refusal(cache.get({ data: `sha256:${'0'.repeat(64)}`, spec }, root))).toBe('data: dataset store not available');
    expect(cache.keys()).toEqual([]);
  });
});
