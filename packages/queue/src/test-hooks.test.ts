/**
 * The test hooks are off unless TENSORPOOL_TEST_HOOKS is set, and a malformed
 * value stops the process at start with a message naming the bad field
 * (rather than silently not pausing where a test expects it).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hook, threadFault } from './test-hooks.js';

const DIST = fileURLToPath(new URL('../dist/test-hooks.js', import.meta.url));

function load(value: string, script = '') {
  return spawnSync(process.execPath, ['--input-type=module', '-e', `const h = await import(${JSON.stringify(DIST)}); ${script}`], {
    env: { ...process.env, TENSORPOOL_TEST_HOOKS: value }, encoding: 'utf8', timeout: 30_000,
  });
}

describe('test hooks', () => {
  it('do nothing without TENSORPOOL_TEST_HOOKS', () => {
    expect(process.env.TENSORPOOL_TEST_HOOKS).toBeUndefined();
    expect(hook('shard-step', { epoch: 0, shard: 0, step: 1 })).toBeUndefined();
    expect(threadFault({ epoch: 0, shard: 0 })).toBeUndefined();
  });

  it('refuse a malformed value, naming the field', () => {
    const r = load('[{"at":"shard-step","step":-1}]');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/TENSORPOOL_TEST_HOOKS: 0\.step: /);
    expect(load('{oops').stderr).toMatch(/TENSORPOOL_TEST_HOOKS is not JSON/);
  });

  it('announce a matching point once per rule, and only that point', () => {
    const r = load('[{"at":"epoch-averaged","epoch":1}]', `
      h.hook('epoch-averaged', { epoch: 0 });
      h.hook('epoch-averaged', { epoch: 1 });
      h.hook('epoch-averaged', { epoch: 1 });`);
    expect(r.status).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^tensorpool-test-hook: epoch-averaged epoch=1 pid=\d+$/)]);
  });
});
