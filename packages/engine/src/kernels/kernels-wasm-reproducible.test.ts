import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KERNELS_WASM } from './simd-module.js';

/** The committed packages/engine/wasm/kernels.wasm is what its sources build to (when clang + lld are installed). */
const hasClang = spawnSync('clang', ['--version']).status === 0 && spawnSync('wasm-ld', ['--version']).status === 0;

describe('kernels.wasm', () => {
  it.skipIf(!hasClang)('rebuilds byte for byte from packages/engine/wasm/*.c', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-wasm-'));
    try {
      const out = join(dir, 'kernels.wasm');
      const r = spawnSync('sh', [fileURLToPath(new URL('../../wasm/build.sh', import.meta.url)), out], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(Buffer.compare(readFileSync(out), readFileSync(KERNELS_WASM))).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
