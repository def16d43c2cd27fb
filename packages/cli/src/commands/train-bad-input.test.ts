/**
 * Bad input to `tensorpool train` ends with one clear line on stderr, nothing
 * on stdout and a non-zero exit, before any training starts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const empty = mkdtempSync(join(tmpdir(), 'tp-empty-'));

function train(...args: string[]) {
  const r = spawnSync(process.execPath, [main, 'train', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, lines: r.stderr.trim().split('\n') };
}

describe('tensorpool train rejects bad input with one line', () => {
  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  it.each([
    [['--preset', 'nope'], /unknown preset 'nope'/],
    [['--preset', 'seed', '--data', join(empty, 'missing')], /not found/],
    [['--preset', 'seed', '--data', empty], /no class folders/],
    [['--batch-size', '0'], /--batch-size must be a positive integer/],
    [['--threads', '0'], /--threads must be a positive integer/],
    [['--resume', join(empty, 'nothing-here')], /no checkpoint in/],
    [['--augment', 'sideways'], /--augment must be none, online or offline/],
    [['--backend', 'tensorflow'], /tensorflow backend .* cannot run in worker threads/],
    [['--backend', 'gpu'], /unknown backend option 'gpu'/],
    [['--normalization', 'zscore'], /--normalization must be div256, div255 or mean-std/],
    [['--test-fraction', '1.5'], /--test-fraction must be a number between 0 and 1/],
  ])('%j', (args, message) => {
    const r = train(...(args as string[]));
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(message as RegExp);
  });
});
