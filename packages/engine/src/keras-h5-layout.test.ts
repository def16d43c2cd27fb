import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initialWeights } from './init.js';
import { layerInfos } from './manifest.js';
import { kerasModelConfig } from './keras-config.js';
import { saveKerasH5 } from './keras-h5.js';
import { tinySeedSpec } from './reference-net.test-util.js';

/**
 * model.h5 as independent readers see it: Debian's hdf5-tools (h5ls, h5dump,
 * the HDF5 C library itself) and h5py (what Keras reads it with). Layout,
 * fixed-length string attributes, Keras-layout dataset shapes and bytes.
 * .ci/run installs hdf5-tools and python3-h5py.
 */
const PYTHON = '/usr/bin/python3'; // Debian's python, where python3-h5py lives
const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

describe('model.h5 read by hdf5-tools and h5py', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tensorpool-h5layout-'));
  const file = join(dir, 'model.h5');
  const spec = tinySeedSpec();
  const weights = initialWeights(spec, 3);
  const infos = layerInfos(spec);
  beforeAll(() => saveKerasH5(file, spec, weights, { normalization: 'div256', labels: spec.labels }));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('h5ls: one group per layer, datasets at model_weights/<layer>/<layer>/{kernel,bias}:0 in Keras shapes', () => {
    const lines = run('h5ls', ['-r', file]).trim().split('\n').map((l) => l.trim().replace(/\s+/g, ' '));
    const expected = ['/ Group', '/model_weights Group'];
    for (const info of infos) {
      expected.push(`/model_weights/${info.name} Group`);
      if (info.kernel && info.bias) {
        expected.push(`/model_weights/${info.name}/${info.name} Group`);
        expected.push(`/model_weights/${info.name}/${info.name}/bias:0 Dataset {${info.bias.shape.join(', ')}}`);
        expected.push(`/model_weights/${info.name}/${info.name}/kernel:0 Dataset {${info.kernel.shape.join(', ')}}`);
      }
    }
    expect([...lines].sort()).toEqual([...expected].sort());
    // Keras layout: conv kernels [kh, kw, in, out], dense [in, out].
    expect(lines).toContain('/model_weights/conv2d_1/conv2d_1/kernel:0 Dataset {3, 3, 1, 4}');
    expect(lines).toContain('/model_weights/dense_2/dense_2/kernel:0 Dataset {16, 3}');
  });

  it.each([
    ['/keras_version'], ['/backend'], ['/model_config'], ['/training_config'], ['/tensorpool_metadata'], ['/model_weights/backend'], ['/model_weights/keras_version'],
  ])('h5dump: %s is a scalar fixed-length ASCII string', (attr) => {
    const out = run('h5dump', ['-a', attr, file]);
    expect(out).toMatch(/STRSIZE \d+;/);
    expect(out).not.toMatch(/H5T_VARIABLE/);
    expect(out).toMatch(/CSET H5T_CSET_ASCII/);
    expect(out).toMatch(/DATASPACE\s+SCALAR/);
  });

  it('h5dump: layer_names and weight_names are fixed-length string arrays in layer order', () => {
    const names = run('h5dump', ['-a', '/model_weights/layer_names', file]);
    expect(names).toMatch(/STRSIZE \d+;/);
    expect(names).toMatch(new RegExp(`DATASPACE\\s+SIMPLE \\{ \\( ${infos.length} \\)`));
    expect([...names.slice(names.indexOf('DATA {')).matchAll(/"([a-z0-9_]+)"/g)].map((m) => m[1])).toEqual(infos.map((i) => i.name));
    const wn = run('h5dump', ['-a', '/model_weights/conv2d_2/weight_names', file]);
    expect(wn).toMatch(/STRSIZE \d+;/);
    expect(wn).toContain('"conv2d_2/kernel:0", "conv2d_2/bias:0"');
  });

  it('h5dump -b: every dataset holds our weights byte for byte', () => {
    for (const info of infos) {
      for (const [e, n] of [[info.kernel, 'kernel:0'], [info.bias, 'bias:0']] as const) {
        if (!e) continue;
        const out = join(dir, `${info.name}-${n}.bin`);
        run('h5dump', ['-d', `/model_weights/${info.name}/${info.name}/${n}`, '-b', 'LE', '-o', out, file]);
        const want = Buffer.from(weights.buffer, e.offset * 4, e.size * 4);
        expect(readFileSync(out).equals(want)).toBe(true);
      }
    }
  });

  it('h5py: attributes are bytes (Keras calls .decode), model_config decodes to our Keras config, weights load as Keras loads them', () => {
    const script = `
import h5py, json, sys
import numpy as np
f = h5py.File(sys.argv[1], 'r')
out = {'types': {k: type(f.attrs[k]).__name__ for k in f.attrs}}
out['types'].update({'model_weights/' + k: type(f['model_weights'].attrs[k]).__name__ for k in ('backend', 'keras_version')})
out['model_config'] = json.loads(f.attrs['model_config'].decode('utf8'))
mw = f['model_weights']
names = [n.decode('utf8') for n in mw.attrs['layer_names']]
shapes = {}
for n in names:
    wn = [w.decode('utf8') if hasattr(w, 'decode') else w for w in mw[n].attrs['weight_names']]
    for w in wn:
        shapes[w] = list(np.asarray(mw[n][w]).shape)
out['layer_names'] = names
out['shapes'] = shapes
print(json.dumps(out))
`;
    const r = JSON.parse(run(PYTHON, ['-c', script, file]));
    expect(r.types).toEqual(Object.fromEntries(
      ['keras_version', 'backend', 'model_config', 'training_config', 'tensorpool_metadata', 'model_weights/backend', 'model_weights/keras_version'].map((k) => [k, 'bytes_']),
    ));
    expect(r.model_config).toEqual(kerasModelConfig(spec));
    expect(r.layer_names).toEqual(infos.map((i) => i.name));
    const want: Record<string, number[]> = {};
    for (const i of infos) if (i.kernel && i.bias) Object.assign(want, { [`${i.name}/kernel:0`]: i.kernel.shape, [`${i.name}/bias:0`]: i.bias.shape });
    expect(r.shapes).toEqual(want);
  });
});
