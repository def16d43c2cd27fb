// The rate limit is keyed on fastify's client address. Off by default, that
// is the socket's peer: X-Forwarded-For from a client is ignored (it cannot
// buy a fresh budget). With trustProxy naming the proxies (addresses/CIDRs)
// or a hop count, each forwarded client has its own budget, and a spoofed
// header from a peer that is not a trusted proxy still counts as that peer.
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer, type ApiServer } from './server.js';
import { closeTestServer } from './testing/app.js';
import { resolveConfig } from './config.js';
import type { TrustProxyOption } from './trust-proxy.js';

const token = 'proxy-tok-0123456789';
const job = { preset: 'fashion-mnist', data: 'fashion-mnist', epochs: 1 };
let app: ApiServer | undefined;
let prefix = '';
let n = 0;

afterEach(async () => {
  await closeTestServer(app, prefix);
  app = undefined;
});

async function server(trustProxy?: TrustProxyOption): Promise<ApiServer> {
  prefix = `tp-test-trust-proxy-${process.pid}-${n++}`;
  app = await buildServer({ prefix, token, rateLimitMax: 1, rateLimitWindowMs: 3_600_000, trustProxy });
  return app;
}

/** POST /jobs from socket peer `peer` with an optional X-Forwarded-For; the status code. */
async function post(a: ApiServer, peer: string, xff?: string): Promise<number> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...(xff ? { 'x-forwarded-for': xff } : {}) };
  return (await a.inject({ method: 'POST', url: '/jobs', headers, payload: job, remoteAddress: peer })).statusCode;
}

describe('rate-limit key and trustProxy', () => {
  it('off (default): keyed on the socket peer, X-Forwarded-For ignored', async () => {
    const a = await server();
    expect(a.apiConfig.trustProxy).toBe(false);
    expect(await post(a, '10.1.1.1', '203.0.113.1')).toBe(201);
    expect(await post(a, '10.1.1.1', '203.0.113.2')).toBe(429); // a new header buys no new budget
    expect(await post(a, '10.1.1.2', '203.0.113.1')).toBe(201); // another peer has its own
  });

  it('proxy addresses: each forwarded client has its own budget; untrusted peers cannot spoof', async () => {
    const a = await server(['10.0.0.0/8', '127.0.0.1']);
    expect(await post(a, '10.9.9.9', '203.0.113.1')).toBe(201);
    expect(await post(a, '10.9.9.9', '203.0.113.2')).toBe(201);
    expect(await post(a, '127.0.0.1', '203.0.113.1')).toBe(429); // same client through another trusted proxy
    expect(await post(a, '10.9.9.9', '198.51.100.5, 203.0.113.2')).toBe(429); // a client-written entry left of it is not the client
    expect(await post(a, '192.0.2.7', '203.0.113.3')).toBe(201); // not a proxy: keyed on 192.0.2.7
    expect(await post(a, '192.0.2.7', '203.0.113.4')).toBe(429);
  });

  it('hop count: the address the nearest proxy saw is the client', async () => {
    const a = await server(1);
    expect(await post(a, '10.2.2.2', '203.0.113.7')).toBe(201);
    expect(await post(a, '10.2.2.3', '198.51.100.1, 203.0.113.7')).toBe(429);
    expect(await post(a, '10.2.2.2', '203.0.113.8')).toBe(201);
  });

  it('is validated: no blanket trust, only addresses, CIDRs or 1..16 hops', () => {
    const bad: [TrustProxyOption | boolean, RegExp][] = [
      [true as unknown as TrustProxyOption, /trusting every proxy lets any client choose its address/],
      ['*', /trusting every proxy/],
      [0, /a hop count must be an integer in \[1, 16\], got '0'/],
      ['17', /a hop count must be an integer in \[1, 16\]/],
      ['proxy.example', /'proxy\.example' is not an IP address or CIDR/],
      ['10.0.0.0/33', /'10\.0\.0\.0\/33' has a prefix length outside 0\.\.32/],
      [['::1/129'], /prefix length outside 0\.\.128/],
      [[], /give 1 to 64 proxy addresses/],
    ];
    for (const [v, msg] of bad) expect(() => resolveConfig({ trustProxy: v as TrustProxyOption }), String(v)).toThrow(msg);
    expect(resolveConfig({ trustProxy: ' 10.0.0.0/8 , ::1 ' }).trustProxy).toEqual({ addresses: ['10.0.0.0/8', '::1'] });
    expect(resolveConfig({ trustProxy: '2' }).trustProxy).toEqual({ hops: 2 });
    process.env.TENSORPOOL_API_TRUST_PROXY = '172.16.0.0/12';
    try {
      expect(resolveConfig({}).trustProxy).toEqual({ addresses: ['172.16.0.0/12'] });
    } finally {
      delete process.env.TENSORPOOL_API_TRUST_PROXY;
    }
  });
});
