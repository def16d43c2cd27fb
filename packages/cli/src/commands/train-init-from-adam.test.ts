/**
 * `train` writes Adam's state into model.h5 (optimizer_weights) and
 * `train --init-from model.h5` continues with it: the step count goes on
 * from the file's (3 steps + 3 steps = iteration 6), and the weights differ
 * from a fine-tune of the same weights with a fresh optimizer (the tfjs
 * directory next to it, which has no optimizer state: iteration 3).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadKerasH5 } from '@tensorpool/engine';
import { writeNpz } from '../../../queue/src/fixtures.test-util.js';

const main = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'tp-cli-initfrom-adam-'));
const p = (...s: string[]) => join(root, ...s);
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) throw new Error(`tensorpool ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('train --init-from model.h5 resumes Adam', () => {
  it('continues the step count and the moments of the file', async () => {
    writeNpz(p('data.npz'), 24); // 24 train + 24 test 4x4x1 images, 2 classes
    writeFileSync(p('spec.json'), JSON.stringify({ name: 'adam-resume', inputShape: [4, 4, 1], labels: ['a', 'b'], layers: [{ type: 'flatten' }, { type: 'dense', units: 4, activation: 'relu' }, { type: 'dense', units: 2, activation: 'softmax' }] }));
    const common = ['--data', p('data.npz'), '--epochs', '1', '--threads', '1', '--batch-size', '8', '--json'];
    cli('train', '--preset', p('spec.json'), ...common, '--out', p('a'));
    const a = await loadKerasH5(p('a', 'model.h5'));
    expect(a.adam?.step).toBe(3);

    cli('train', '--init-from', p('a', 'model.h5'), ...common, '--out', p('b'));
    const b = await loadKerasH5(p('b', 'model.h5'));
    expect(b.adam?.step).toBe(6);

    cli('train', '--init-from', p('a'), ...common, '--out', p('c')); // the tfjs directory: same weights, no optimizer state
    const c = await loadKerasH5(p('c', 'model.h5'));
    expect(c.adam?.step).toBe(3);
    expect(Buffer.from(b.weights.buffer).equals(Buffer.from(c.weights.buffer))).toBe(false);
  });
});
