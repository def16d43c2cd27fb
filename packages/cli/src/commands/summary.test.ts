import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** `tensorpool summary` as a user runs it (the compiled CLI; `pnpm test` builds first). */
const main = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });

describe('tensorpool summary', () => {
  it('prints the Keras-style table (both presets are checked in engine/param-counts.test.ts)', () => {
    const seed = run('summary', '--preset', 'seed');
    expect(seed.status).toBe(0);
    expect(seed.stdout).toMatch(/^Model: "seed"\n/);
    expect(seed.stdout).toContain('Total params: 17,403,430\nTrainable params: 17,403,430\nNon-trainable params: 0\n');
  });

  it('an unknown preset is one line on stderr and exit code 2', () => {
    const r = run('summary', '--preset', 'mnist');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("tensorpool: unknown preset 'mnist': use one of seed, fashion-mnist, seed-bn, or a spec JSON file [E_USAGE]\n");
  });
});
