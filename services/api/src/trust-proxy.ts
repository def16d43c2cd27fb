/**
 * Which proxies the API believes about the client's address (fastify
 * `trustProxy`, so `request.ip`, which keys the rate limit, and
 * `request.protocol`). Off by default: the client is the socket's peer, and
 * X-Forwarded-* headers are ignored, since any client can send them.
 *
 *   TENSORPOOL_API_TRUST_PROXY=10.0.0.0/8,127.0.0.1   proxies by address or CIDR (preferred):
 *                                                     X-Forwarded-For is read from the right,
 *                                                     skipping these; the first other address is the client
 *   TENSORPOOL_API_TRUST_PROXY=1                      hop count: the nearest N hops are proxies, whoever
 *                                                     they are (only when nothing but the proxy can reach the API)
 *
 * `true` (trust every hop) is refused: it lets every client pick its own address.
 */
import { isIP } from 'node:net';
import { UsageError } from '@tensorpool/core';

export const TRUST_PROXY_ENV = 'TENSORPOOL_API_TRUST_PROXY';
export const MAX_PROXY_HOPS = 16;
const MAX_PROXIES = 64;

/** Off, a number of hops, or proxy addresses / CIDRs (canonical strings). */
export type TrustProxy = false | { hops: number } | { addresses: string[] };

/** What a caller may give: false, hops, or addresses (an array, or one comma-separated string). */
export type TrustProxyOption = false | number | string | string[];

const names = `trustProxy (serve --trust-proxy, ${TRUST_PROXY_ENV})`;

function address(entry: string): string {
  const e = entry.trim();
  const slash = e.indexOf('/');
  const ip = slash < 0 ? e : e.slice(0, slash);
  const family = isIP(ip);
  if (family === 0) throw new UsageError(`${names}: '${e.slice(0, 60)}' is not an IP address or CIDR (e.g. 10.0.0.0/8, 127.0.0.1, ::1)`);
  if (slash >= 0) {
    const bits = e.slice(slash + 1);
    const max = family === 4 ? 32 : 128;
    if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) throw new UsageError(`${names}: '${e.slice(0, 60)}' has a prefix length outside 0..${max}`);
  }
  return e;
}

/** Validates the option (given, else the environment); `false` when unset or empty. */
export function parseTrustProxy(given: TrustProxyOption | boolean | undefined, env = process.env[TRUST_PROXY_ENV]): TrustProxy {
  const v: unknown = given ?? (env === undefined || env.trim() === '' ? false : env.trim());
  if (v === false) return false;
  if (v === true || v === 'true' || v === '*') throw new UsageError(`${names}: trusting every proxy lets any client choose its address; give the proxies' addresses (e.g. 10.0.0.0/8) or a hop count`);
  if (typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v))) {
    const hops = Number(v);
    if (!Number.isSafeInteger(hops) || hops < 1 || hops > MAX_PROXY_HOPS) throw new UsageError(`${names}: a hop count must be an integer in [1, ${MAX_PROXY_HOPS}], got '${String(v).slice(0, 20)}'`);
    return { hops };
  }
  const list = typeof v === 'string' ? v.split(',') : Array.isArray(v) ? v : undefined;
  if (!list || list.some((x) => typeof x !== 'string')) throw new UsageError(`${names}: expected proxy addresses or a hop count`);
  const addresses = (list as string[]).map((x) => x.trim()).filter((x) => x !== '');
  if (addresses.length === 0 || addresses.length > MAX_PROXIES) throw new UsageError(`${names}: give 1 to ${MAX_PROXIES} proxy addresses or CIDRs`);
  return { addresses: addresses.map(address) };
}

/** fastify's `trustProxy` for it: addresses as a list; hops as a function of the hop index (0 = the socket's peer). */
export function fastifyTrustProxy(t: TrustProxy): false | string[] | ((addr: string, hop: number) => boolean) {
  if (t === false) return false;
  // fastify treats a bare number as "trust nothing"; the classic hop-count meaning is this function.
  if ('hops' in t) return (_addr, hop) => hop < t.hops;
  return t.addresses;
}

/** For the start-up line. */
export function describeTrustProxy(t: TrustProxy): string {
  if (t === false) return 'client address = socket peer';
  return 'hops' in t ? `client address from X-Forwarded-For behind ${t.hops} proxy hop${t.hops > 1 ? 's' : ''}` : `client address from X-Forwarded-For via ${t.addresses.join(',')}`;
}
