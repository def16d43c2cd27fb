/**
 * Model files we cannot use are refused with one clear line on stderr, exit
 * code 1, nothing on stdout and nothing written: not HDF5, HDF5 without
 * model_config, a functional model, an unsupported layer, a weight of the
 * wrong shape, a truncated file, a .keras that is not a zip.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeKerasFixture } from '@tensorpool/engine/keras-fixture.test-util';

const main = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tp-badh5-'));
const f = (name: string) => join(dir, name);

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, lines: r.stderr.trim().split('\n') };
}

describe('bad model files are refused with one line', () => {
  beforeAll(async () => {
    writeFileSync(f('text.h5'), 'this is not HDF5\n'.repeat(100));
    await writeKerasFixture(f('no-config.h5'), 'no-config');
    await writeKerasFixture(f('functional.h5'), 'functional');
    await writeKerasFixture(f('unsupported.h5'), 'unsupported');
    await writeKerasFixture(f('wrong-shape.h5'), 'wrong-shape');
    await writeKerasFixture(f('ok.h5'));
    const ok = readFileSync(f('ok.h5'));
    writeFileSync(f('truncated.h5'), ok.subarray(0, Math.floor(ok.length / 2)));
    writeFileSync(f('notzip.keras'), 'PK but not really a zip');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['text.h5', /text\.h5 is not an HDF5 file/],
    ['no-config.h5', /no-config\.h5 has no model_config attribute/],
    ['functional.h5', /only Sequential models are supported, this is a Functional/],
    ['unsupported.h5', /LayerNormalization at index 1 \('layer_normalization'\) is not supported/],
    ['wrong-shape.h5', /weight dense\/dense\/kernel:0 has shape \[5, 4\], expected \[4, 5\]/],
    ['truncated.h5', /truncated\.h5: cannot read HDF5: .*truncated/],
    ['notzip.keras', /notzip\.keras is not a \.keras archive/],
  ])('export --model %s', (name, message) => {
    const out = f(`${name}.out`);
    const r = cli('export', '--model', f(name), '--format', 'tfjs', '--out', out);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('predict and train --init-from refuse the same way, writing nothing', () => {
    const p = cli('predict', '--model', f('unsupported.h5'), f('text.h5'));
    expect(p.status).toBe(1);
    expect(p.lines).toEqual([expect.stringMatching(/LayerNormalization at index 1 .* is not supported/)]);
    const out = f('init-out');
    const t = cli('train', '--init-from', f('wrong-shape.h5'), '--data', dir, '--out', out);
    expect(t.status).toBe(1);
    expect(t.lines).toEqual([expect.stringMatching(/has shape \[5, 4\], expected \[4, 5\]/)]);
    expect(existsSync(out)).toBe(false);
  });
});
