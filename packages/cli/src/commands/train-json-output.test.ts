/**
 * `tensorpool train --json` prints exactly one JSON object on stdout (the
 * result contract the scripts and the lead's acceptance rely on), and the
 * model directory it names can be evaluated and used for predict.
 * Runs on a tiny spec and a 2-class image folder written here, so it takes seconds.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'tp-cli-json-'));
const cli = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 120_000 });

const spec = {
  name: 'tiny-cli', inputShape: [12, 12, 1], labels: ['dark', 'light'],
  layers: [
    { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same' }, { type: 'activation', activation: 'relu' },
    { type: 'maxPooling2d', poolSize: 2 }, { type: 'dropout', rate: 0.25 }, { type: 'flatten' },
    { type: 'dense', units: 8 }, { type: 'activation', activation: 'relu' },
    { type: 'dense', units: 2 }, { type: 'activation', activation: 'softmax' },
  ],
};

describe('tensorpool train --json', () => {
  beforeAll(async () => {
    writeFileSync(join(root, 'spec.json'), JSON.stringify(spec));
    for (const [label, base] of [['dark', 30], ['light', 200]] as const) {
      mkdirSync(join(root, 'data', label), { recursive: true });
      for (let i = 0; i < 16; i++) {
        const px = Buffer.alloc(16 * 16, base + ((i * 7) % 20));
        await sharp(px, { raw: { width: 16, height: 16, channels: 1 } }).png().toFile(join(root, 'data', label, `${i}.png`));
      }
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('prints one JSON object with the documented fields, and the model evaluates and predicts', () => {
    const out = join(root, 'model');
    const r = cli('train', '--preset', join(root, 'spec.json'), '--data', join(root, 'data'), '--epochs', '2', '--batch-size', '8',
      '--threads', '2', '--validation-split', '0.25', '--out', out, '--json');
    expect(r.stderr).not.toMatch(/tensorpool:/);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const j = JSON.parse(lines[0]);
    expect(Object.keys(j).sort()).toEqual(['backend', 'epochs', 'modelDir', 'seed', 'testAccuracy', 'testLoss', 'threads']);
    expect(j).toMatchObject({ modelDir: out, backend: 'wasm', threads: 2, seed: 42 });
    expect(j.epochs).toHaveLength(2);
    expect(Object.keys(j.epochs[1]).sort()).toEqual(['accuracy', 'epoch', 'imagesPerSecond', 'loss', 'seconds', 'valAccuracy', 'valLoss']);
    expect(j.epochs[1].valLoss).toBeGreaterThan(0);
    expect(j.testAccuracy).toBeGreaterThanOrEqual(0);

    const e = cli('evaluate', '--model', out, '--data', join(root, 'data'), '--threads', '1', '--json');
    expect(e.status).toBe(0);
    expect(JSON.parse(e.stdout).testAccuracy).toBe(j.testAccuracy);

    const p = cli('predict', '--model', out, '--json', '--top', '1', join(root, 'data', 'light', '0.png'));
    expect(p.status).toBe(0);
    const pred = JSON.parse(p.stdout);
    expect(pred[0].top[0].label).toMatch(/dark|light/);
    expect(pred[0].top[0].probability).toBeGreaterThan(0.5);
  });
});
