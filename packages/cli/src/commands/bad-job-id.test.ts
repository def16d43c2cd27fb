/**
 * `tensorpool status|metrics|cancel` with something that is not a job id
 * end with one line naming the argument and a non-zero exit, before any
 * Redis command (REDIS_URL points nowhere here: a lookup would fail differently).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

describe('job id arguments', () => {
  it.each(['status', 'metrics', 'cancel'])('%s refuses a malformed id with one line', (cmd) => {
    const r = spawnSync(process.execPath, [main, cmd, '../../etc/passwd'], {
      encoding: 'utf8', timeout: 60_000, env: { ...process.env, REDIS_URL: 'redis://127.0.0.1:1' },
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual(["tensorpool: job id: not a job id (expected 'j' and 16 hex digits, e.g. j0123456789abcdef) [E_JOB]"]);
  });
});
