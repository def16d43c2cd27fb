import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initialWeights } from './init.js';
import { layerInfos, weightManifest } from './manifest.js';
import { loadKerasH5, saveKerasH5 } from './keras-h5.js';
import { saveModel } from './model-file.js';
import { tinySeedSpec } from './reference-net.test-util.js';

/**
 * model.h5 with Adam's state: `optimizer_weights` as tf-keras >= 2.11 writes
 * it (save_optimizer_weights_to_hdf5_group over optimizer.variables:
 * iteration:0 int64 scalar, then Adam/m/<var>:0, Adam/v/<var>:0 per weight in
 * trainable-variable order), read by h5py (Keras's reader) and h5dump; read
 * back bit-identical (also through export .h5 -> .h5); a file without it has none.
 */
const PYTHON = '/usr/bin/python3';
const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

describe('optimizer_weights in model.h5', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tensorpool-h5adam-'));
  const file = join(dir, 'model.h5');
  const spec = tinySeedSpec();
  const total = weightManifest(spec).total;
  const weights = initialWeights(spec, 3);
  const adam = { m: Float32Array.from({ length: total }, (_, i) => Math.sin(i) * 1e-3), v: Float32Array.from({ length: total }, (_, i) => (1 + Math.cos(i)) * 1e-6), step: 1234 };
  beforeAll(() => saveKerasH5(file, spec, weights, { normalization: 'div256' }, adam));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('h5py sees the tf-keras layout: weight_names as fixed-length bytes, int64 iteration, m/v in Keras shapes', () => {
    const script = `
import h5py, json, sys
with h5py.File(sys.argv[1], 'r') as f:
    g = f['optimizer_weights']
    names = g.attrs['weight_names']
    out = {'dtype': str(names.dtype), 'names': [n.decode() for n in names],
           'iteration': [str(g['iteration:0'].dtype), list(g['iteration:0'].shape), int(g['iteration:0'][()])],
           'shapes': {n.decode(): list(g[n.decode()].shape) for n in names},
           'dtypes': sorted({str(g[n.decode()].dtype) for n in names[1:]})}
    print(json.dumps(out))`;
    const out = JSON.parse(run(PYTHON, ['-c', script, file])) as { dtype: string; names: string[]; iteration: [string, number[], number]; shapes: Record<string, number[]>; dtypes: string[] };
    expect(out.dtype).toMatch(/^\|S\d+$/);
    expect(out.iteration).toEqual(['int64', [], 1234]);
    expect(out.dtypes).toEqual(['float32']);
    const expected = ['iteration:0'];
    for (const info of layerInfos(spec)) {
      if (!info.kernel || !info.bias) continue;
      for (const [w, e] of [['kernel', info.kernel], ['bias', info.bias]] as const) {
        expected.push(`Adam/m/${info.name}/${w}:0`, `Adam/v/${info.name}/${w}:0`);
        expect(out.shapes[`Adam/m/${info.name}/${w}:0`]).toEqual(e.shape);
        expect(out.shapes[`Adam/v/${info.name}/${w}:0`]).toEqual(e.shape);
      }
    }
    expect(out.names).toEqual(expected);
    expect(out.names[1]).toBe('Adam/m/conv2d_1/kernel:0');
  });

  it('h5dump: iteration:0 is a 64-bit integer scalar, m of the first conv kernel [3, 3, 1, 4]', () => {
    expect(run('h5dump', ['-H', '-d', '/optimizer_weights/iteration:0', file])).toMatch(/DATATYPE\s+H5T_STD_I64LE\s+DATASPACE\s+SCALAR/);
    expect(run('h5dump', ['-H', '-d', '/optimizer_weights/Adam/m/conv2d_1/kernel:0', file])).toMatch(/DATATYPE\s+H5T_IEEE_F32LE\s+DATASPACE\s+SIMPLE \{ \( 3, 3, 1, 4 \)/);
  });

  it('reads back bit-identical, also after export .h5 -> .h5; a file saved without state has none', async () => {
    const copy = join(dir, 'copy.h5');
    await saveModel(copy, 'h5', await loadKerasH5(file));
    const back = await loadKerasH5(copy);
    expect(back.adam?.step).toBe(1234);
    expect(Buffer.from(back.adam!.m.buffer).equals(Buffer.from(adam.m.buffer))).toBe(true);
    expect(Buffer.from(back.adam!.v.buffer).equals(Buffer.from(adam.v.buffer))).toBe(true);
    const plain = join(dir, 'plain.h5');
    await saveKerasH5(plain, spec, weights);
    expect((await loadKerasH5(plain)).adam).toBeUndefined();
  });
});
