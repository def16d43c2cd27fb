/**
 * Bearer-token auth for job routes and the queue dashboard, on when
 * TENSORPOOL_API_TOKEN (or the `token` option) is set. /healthz, /metrics
 * and the OpenAPI description stay open for probes and scrapers.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export function isProtected(url: string): boolean {
  const path = url.split('?')[0];
  return path === '/jobs' || path.startsWith('/jobs/') || path.startsWith('/admin/');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const COOKIE = 'tensorpool_token';

function cookie(req: FastifyRequest, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/**
 * Browsers cannot send a bearer header to the dashboard, so /admin/ also
 * accepts `?token=<TENSORPOOL_API_TOKEN>` once, answered with an HttpOnly
 * cookie scoped to /admin that the dashboard's own requests then carry.
 */
function dashboardAccess(req: FastifyRequest, reply: FastifyReply, token: string): boolean {
  if (!req.url.startsWith('/admin/')) return false;
  const c = cookie(req, COOKIE);
  if (c !== undefined && same(c, token)) return true;
  const q = (req.query as { token?: string } | undefined)?.token ?? new URL(req.url, 'http://x').searchParams.get('token') ?? undefined;
  if (q !== undefined && same(q, token)) {
    void reply.header('set-cookie', `${COOKIE}=${encodeURIComponent(token)}; Path=/admin; HttpOnly; SameSite=Strict`);
    return true;
  }
  return false;
}

export function bearerAuth(token: string | undefined) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!token || !isProtected(req.url)) return;
    if (dashboardAccess(req, reply, token)) return;
    const h = req.headers.authorization;
    if (!h) {
      await reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'missing Authorization header: send "Authorization: Bearer <TENSORPOOL_API_TOKEN>"' });
      return;
    }
    const m = /^Bearer\s+(.+)$/i.exec(h);
    if (!m || !same(m[1].trim(), token)) {
      await reply.code(401).header('www-authenticate', 'Bearer error="invalid_token"').send({ error: 'unauthorized', message: 'wrong bearer token' });
    }
  };
}
