/**
 * `train` leaves model.h5 next to model.json (not with --no-h5); evaluate
 * reads model.h5 and predict a .keras export as they read the directory; `train --init-from model.keras`
 * fine-tunes: training starts from the file's weights (one Adam step moves a
 * weight by at most the learning rate) and keeps its labels and normalization.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '@tensorpool/core';
import { initBackend, loadModel } from '@tensorpool/engine';

const main = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'tp-cli-initfrom-'));
const p = (...s: string[]) => join(root, ...s);
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) throw new Error(`tensorpool ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

const spec = {
  name: 'tiny-init', inputShape: [12, 12, 1], labels: ['dark', 'light'],
  layers: [
    { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }, { type: 'maxPooling2d', poolSize: 2 },
    { type: 'flatten' }, { type: 'dense', units: 8, activation: 'relu' }, { type: 'dense', units: 2, activation: 'softmax' },
  ],
};

describe('model.h5 from train, and train --init-from', () => {
  beforeAll(async () => {
    await initBackend('cpu');
    writeFileSync(p('spec.json'), JSON.stringify(spec));
    for (const [label, base] of [['dark', 30], ['light', 200]] as const) {
      mkdirSync(p('data', label), { recursive: true });
      for (let i = 0; i < 16; i++) {
        const px = Buffer.alloc(16 * 16, base + ((i * 7) % 20));
        await sharp(px, { raw: { width: 16, height: 16, channels: 1 } }).png().toFile(p('data', label, `${i}.png`));
      }
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes model.h5, evaluates it like the directory, and fine-tunes from a .keras export', async () => {
    const common = ['--data', p('data'), '--epochs', '1', '--threads', '1', '--json'];
    cli('train', '--preset', p('spec.json'), ...common, '--seed', '7', '--batch-size', '8', '--normalization', 'mean-std', '--out', p('a'));
    expect(existsSync(p('a', 'model.json'))).toBe(true);
    expect(existsSync(p('a', 'model.h5'))).toBe(true);
    expect(cli('evaluate', '--model', p('a', 'model.h5'), '--data', p('data'), '--threads', '1', '--json'))
      .toBe(cli('evaluate', '--model', p('a'), '--data', p('data'), '--threads', '1', '--json'));

    cli('export', '--model', p('a', 'model.h5'), '--format', 'keras', '--out', p('a.keras'));
    const img = p('data', 'light', '3.png');
    const fromKeras = JSON.parse(cli('predict', '--model', p('a.keras'), '--json', img));
    expect(fromKeras[0].top[0].label).toMatch(/^(dark|light)$/); // our labels came along in the metadata
    expect(fromKeras).toEqual(JSON.parse(cli('predict', '--model', p('a'), '--json', img)));
    // One step over all training samples, another seed: only the starting weights can make B close to A.
    cli('train', '--init-from', p('a.keras'), ...common, '--batch-size', '64', '--no-h5', '--out', p('b'));
    expect(existsSync(p('b', 'model.json'))).toBe(true);
    expect(existsSync(p('b', 'model.h5'))).toBe(false);

    const a = await loadModel(p('a'));
    const b = await loadModel(p('b'));
    expect(b.spec).toEqual(a.spec);
    expect(b.metadata.normalization).toEqual(a.metadata.normalization);
    expect(typeof a.metadata.normalization).toBe('object'); // mean-std numbers, not the div256 default
    let maxDiff = 0;
    for (let i = 0; i < a.weights.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a.weights[i] - b.weights[i]));
    expect(maxDiff).toBeGreaterThan(0);
    expect(maxDiff).toBeLessThanOrEqual(DEFAULTS.learningRate * 1.001);
  });
});
