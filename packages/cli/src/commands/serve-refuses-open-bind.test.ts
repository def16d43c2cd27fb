/**
 * `tensorpool serve` refuses to listen beyond loopback without a token: one
 * line on stderr naming --insecure-no-auth, exit code 2, before it connects
 * to anything. On loopback, or with the flag, it starts (and stops on SIGTERM).
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isLoopback } from '@tensorpool/api';

const main = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const env = { ...process.env, TENSORPOOL_API_TOKEN: '', TENSORPOOL_PREFIX: `tp-test-serve-bind-${process.pid}`, FORCE_COLOR: '0' };

/** Starts `serve`, waits for its "listening" line (or its exit), then SIGTERMs it; returns its stderr and exit code. */
function startAndStop(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [main, 'serve', '--port', '0', ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let stopped = false;
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!stopped && stderr.includes('api listening on')) stopped = child.kill('SIGTERM');
    });
    child.on('exit', (code, signal) => resolve({ code, stderr: signal ? `${stderr}(killed by ${signal})` : stderr }));
  });
}

describe('tensorpool serve and its listen address', () => {
  it.each(['0.0.0.0', '::'])('refuses %s without a token, in one line naming --insecure-no-auth', (host) => {
    const r = spawnSync(process.execPath, [main, 'serve', '--host', host, '--port', '0'], { env, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`tensorpool: refusing to serve on ${host} without a token: set TENSORPOOL_API_TOKEN, listen on 127.0.0.1 (--host), or pass --insecure-no-auth to serve it open [E_USAGE]\n`);
  });

  it('starts on loopback without a token, and beyond it with --insecure-no-auth', async () => {
    const lo = await startAndStop(['--host', '127.0.0.1']);
    expect(lo.stderr).toMatch(/api listening on http:\/\/127\.0\.0\.1:\d+ \(no TENSORPOOL_API_TOKEN: open, loopback only/);
    expect(lo.code).toBe(0);
    const open = await startAndStop(['--host', '0.0.0.0', '--insecure-no-auth']);
    expect(open.stderr).toMatch(/NO AUTH \(--insecure-no-auth\)/);
    expect(open.code).toBe(0);
  });

  it('counts 127.0.0.0/8, ::1 and localhost as loopback, nothing else', () => {
    for (const h of ['127.0.0.1', '127.255.0.9', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', '::2', '::ffff:10.0.0.1', 'localhost.example.com', '127.0.0.1.nip.io', '']) expect(isLoopback(h), h).toBe(false);
  });
});
