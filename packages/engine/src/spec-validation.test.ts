import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError, ModelError, UsageError } from '@tensorpool/core';
import { validateSpec } from './validate.js';
import { PRESET_NAMES, getPreset, loadSpec } from './presets.js';

/** Bad specs fail with a ModelError naming the bad field; presets and spec files load. */
const base = () => ({
  name: 'm',
  inputShape: [12, 12, 1],
  labels: ['a', 'b'],
  layers: [
    { type: 'conv2d', filters: 4, kernelSize: 3 },
    { type: 'activation', activation: 'relu' },
    { type: 'maxPooling2d' },
    { type: 'flatten' },
    { type: 'dense', units: 2, activation: 'softmax' },
  ] as Record<string, unknown>[],
});

function withLayer(i: number, patch: Record<string, unknown>) {
  const s = base();
  s.layers[i] = { ...s.layers[i], ...patch };
  return s;
}

describe('spec validation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tensorpool-spec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a valid spec and both presets', () => {
    expect(validateSpec(base()).layers).toHaveLength(5);
    for (const p of PRESET_NAMES) expect(validateSpec(getPreset(p))).toEqual(getPreset(p));
    expect(PRESET_NAMES).toEqual(['seed', 'fashion-mnist', 'seed-bn']);
  });

  it.each([
    [withLayer(0, { filters: 0 }), 'layers[0].filters must be a positive integer'],
    [withLayer(0, { filters: 2.5 }), 'layers[0].filters must be a positive integer'],
    [withLayer(0, { filters: '8' }), 'layers[0].filters must be a positive integer'],
    [withLayer(0, { filters: undefined }), 'layers[0].filters is missing'],
    [withLayer(0, { kernelSize: [3, -1] }), 'layers[0].kernelSize[1] must be a positive integer'],
    [withLayer(0, { padding: 'full' }), 'layers[0].padding must be one of same, valid'],
    [withLayer(0, { type: 'conv3d' }), 'layers[0].type must be one of conv2d'],
    [withLayer(1, { activation: 'tanh' }), 'layers[1].activation must be one of relu, softmax, linear'],
    [withLayer(3, { extra: 1 }), 'layers[3] has unknown field extra'],
    [withLayer(4, { units: 3 }), 'layers[4].units is 3 but labels has 2 entries'],
    [withLayer(4, { activation: 'relu' }), 'must end the network with a softmax'],
    [{ ...base(), inputShape: [12, 12] }, 'inputShape must be [height, width, channels]'],
    [{ ...base(), inputShape: [3, 3, 1] }, 'layers[2] (maxPooling2d) leaves no output'],
    [{ ...base(), labels: ['a'] }, 'labels must have at least 2 entries'],
    [{ ...base(), labels: ['a', 'a'] }, 'labels must be distinct'],
    [{ ...base(), name: undefined }, 'name is missing'],
  ])('rejects %# with a message naming the field', (spec, message) => {
    expect(() => validateSpec(spec)).toThrow(ModelError);
    expect(() => validateSpec(spec)).toThrow(message);
  });

  it('rejects a dense layer on unflattened input and a dropout rate of 1', () => {
    const s = base();
    s.layers.splice(3, 1);
    expect(() => validateSpec(s)).toThrow('layers[3] (dense) needs a flat input');
    const d = base();
    d.layers.splice(3, 0, { type: 'dropout', rate: 1 });
    expect(() => validateSpec(d)).toThrow('layers[3].rate must be a number in [0, 1)');
  });

  it('loadSpec: preset names, JSON files, and one-line errors otherwise', () => {
    expect(loadSpec('seed').inputShape).toEqual([100, 100, 3]);
    expect(loadSpec('fashion-mnist').labels).toEqual(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(base()));
    expect(loadSpec(good)).toEqual(base());
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(withLayer(0, { filters: -2 })));
    expect(() => loadSpec(bad)).toThrow(ModelError);
    expect(() => loadSpec(bad)).toThrow(`${bad}: invalid model spec: layers[0].filters must be a positive integer`);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ nope');
    expect(() => loadSpec(broken)).toThrow(/is not valid JSON/);
    expect(() => loadSpec(join(dir, 'missing.json'))).toThrow(DataError);
    expect(() => loadSpec('mnist')).toThrow(UsageError);
    expect(() => loadSpec('mnist')).toThrow("unknown preset 'mnist': use one of seed, fashion-mnist");
  });
});
