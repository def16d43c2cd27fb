import { afterEach, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { BackendError, UsageError } from '@tensorpool/core';
import { initBackend, resolveBackendName } from './backend.js';

/** Which backend a thread gets, and the one-line refusals when it cannot have it. */
describe('backend selection', () => {
  const saved = process.env.TENSORPOOL_BACKEND;
  afterEach(() => {
    if (saved === undefined) delete process.env.TENSORPOOL_BACKEND;
    else process.env.TENSORPOOL_BACKEND = saved;
  });

  it('resolves option > TENSORPOOL_BACKEND > wasm', () => {
    delete process.env.TENSORPOOL_BACKEND;
    expect(resolveBackendName()).toBe('wasm');
    process.env.TENSORPOOL_BACKEND = 'cpu';
    expect(resolveBackendName()).toBe('cpu');
    expect(resolveBackendName('wasm')).toBe('wasm');
    process.env.TENSORPOOL_BACKEND = '';
    expect(resolveBackendName()).toBe('wasm');
  });

  it('rejects unknown names with a UsageError listing the valid ones', () => {
    expect(() => resolveBackendName('webgl')).toThrow(UsageError);
    expect(() => resolveBackendName('webgl')).toThrow(/wasm, cpu, tensorflow/);
    process.env.TENSORPOOL_BACKEND = 'gpu';
    expect(() => resolveBackendName()).toThrow(/TENSORPOOL_BACKEND 'gpu'/);
  });

  it("refuses 'tensorflow' in a worker thread and when tfjs-node does not load", async () => {
    await expect(initBackend('tensorflow', { inWorkerThread: true })).rejects.toThrow(/main thread/);
    const err = await initBackend('tensorflow', { inWorkerThread: false }).catch((e: unknown) => e);
    // tfjs-node is not a dependency here; where it is installed this test would need the other branch
    expect(err).toBeInstanceOf(BackendError);
    expect(String((err as Error).message)).toMatch(/@tensorflow\/tfjs-node.*--backend wasm/);
    expect((err as Error).message).not.toContain('\n');
  });

  it('initialises wasm with our training kernels, and cpu without its console banner', async () => {
    const warn = vi.spyOn(console, 'warn');
    expect(await initBackend('wasm')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(await initBackend('cpu')).toBe('cpu');
    tf.tensor1d([1, 2]).dispose(); // the banner would print on the cpu backend's first write
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});
