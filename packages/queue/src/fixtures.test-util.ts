/**
 * Test helpers of the queue package: small .npz datasets in a temporary data
 * root, a test key prefix on the shared Redis and its clean-up.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { expect } from 'vitest';
import { bytesOf, npyBytes, npzBytes } from '../../data/src/fixtures.test-util.js';

export function tmpDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes an .npz of `n` train and `n` test uint8 images [h, w, 1] with labels 0/1; returns its path. */
export function writeNpz(path: string, n: number, h = 4, w = 4): string {
  const images = (count: number) => npyBytes('|u1', [count, h, w, 1], Uint8Array.from({ length: count * h * w }, (_, i) => (i * 7) % 256));
  const labels = (count: number) => npyBytes('<i8', [count], bytesOf(BigInt64Array.from({ length: count }, (_, i) => BigInt(i % 2))));
  writeFileSync(path, npzBytes({ X_train: images(n), X_test: images(n), y_train: labels(n), y_test: labels(n) }));
  return path;
}

export const testPrefix = (name: string) => `tp-test-${name}-${process.pid}-${Date.now().toString(36)}`;

/** Deletes every key under `prefix:` (tests only; the shared Redis is never flushed). */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  const ks = await redis.keys(`${prefix}:*`);
  for (let i = 0; i < ks.length; i += 500) await redis.del(...ks.slice(i, i + 500));
}

/** Polls `probe` until it returns a value (a condition, not a time window: the test's timeout ends a wait that never comes true). */
export async function until<T>(probe: () => Promise<T | undefined | false>, everyMs = 50): Promise<T> {
  for (;;) {
    const v = await probe();
    if (v) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The message of the JobError (code E_JOB) that `p` rejects with; fails the test when `p` resolves. */
export async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect((e as { code: string }).code).toBe('E_JOB');
    return (e as Error).message;
  }
  throw new Error('accepted');
}
