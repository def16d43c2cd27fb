/**
 * `tensorpool serve` refuses to listen beyond loopback without a token.
 * Loopback: 127.0.0.0/8, ::1 (and ::ffff:127.x.x.x), `localhost`. Any other
 * name or address, including 0.0.0.0 and ::, counts as exposed.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { UsageError } from '@tensorpool/core';

export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  if (isIPv4(h)) return h.startsWith('127.');
  if (!isIPv6(h)) return false;
  const canonical = new URL(`http://[${h}]/`).hostname; // e.g. [::1], [::ffff:7f00:1]
  return canonical === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(canonical);
}

/** Throws a one-line UsageError naming the override when `host` is exposed and there is no token. */
export function checkListen(host: string, hasToken: boolean, insecureNoAuth: boolean): void {
  if (hasToken || insecureNoAuth || isLoopback(host)) return;
  throw new UsageError(`refusing to serve on ${host} without a token: set TENSORPOOL_API_TOKEN, listen on 127.0.0.1 (--host), or pass --insecure-no-auth to serve it open`);
}
