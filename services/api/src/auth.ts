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

export function bearerAuth(token: string | undefined) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!token || !isProtected(req.url)) return;
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
