/**
 * `tensorpool serve` refuses a weak API or admin token at start-up: shorter
 * than 16 characters, or fewer than 8 distinct ones. One stderr line naming
 * the variable and the rule (never the token), exit 2, nothing listening.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

function serve(vars: Record<string, string>) {
  // REDIS_URL points nowhere: the refusal comes before any connection.
  const env = { ...process.env, TENSORPOOL_API_TOKEN: '', TENSORPOOL_ADMIN_TOKEN: '', REDIS_URL: 'redis://127.0.0.1:1', FORCE_COLOR: '0', ...vars };
  return spawnSync(process.execPath, [main, 'serve', '--host', '127.0.0.1', '--port', '0'], { env, encoding: 'utf8', timeout: 60_000 });
}

describe('serve and weak tokens', () => {
  it.each([
    ['TENSORPOOL_API_TOKEN', 'token', 'hunter2-secret', /is too short: 14 characters, at least 16 \(e\.g\. openssl rand -hex 32\)/],
    ['TENSORPOOL_API_TOKEN', 'token', 'a'.repeat(64), /is too guessable: 1 distinct characters, at least 8/],
    ['TENSORPOOL_ADMIN_TOKEN', 'adminToken', 'abcabcabcabcabcabc', /is too guessable: 3 distinct characters, at least 8/],
  ])('%s (%s) is refused in one line', (name, option, value, rule) => {
    const r = serve({ [name]: value });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^tensorpool: ${option} \\(${name}\\) ${rule.source}.* \\[E_USAGE\\]$`));
    expect(r.stderr).not.toContain(value);
  });
});
