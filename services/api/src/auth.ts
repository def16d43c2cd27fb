/**
 * Authentication and authorization, decided per route from the router's own
 * match (`request.routeOptions.config`), never from the URL string: every
 * spelling the router maps to a handler (percent-encoding, absolute-form
 * targets, HEAD) carries that handler's config, and every spelling it does
 * not map (double slash, trailing slash, case, `;`) reaches the 404 handler,
 * whose config is empty, so it is authenticated like any other route.
 *
 * Route config (`config: {...}` on a route, or set by an onRoute hook):
 *   { public: true }  no token needed (/healthz, /docs, /openapi.json, /metrics when configured)
 *   { board: true }   Bull Board and the dashboard (dashboard/routes.ts): bearer header or
 *                     session cookie; `?token=` bootstrap; non-GET/HEAD needs the admin role
 *   { action: true }  with board: a dashboard action (cancel) the user role may take; the route
 *                     itself refuses cross-site requests (dashboard/run-actions.ts)
 *   { page: true }    with board: a dashboard page; a 401 to a browser (Accept: text/html)
 *                     is an HTML page that sends it to /login
 *   { compute: true } with board: a POST that changes nothing (the pooling explorer), no admin role needed
 *   anything else     bearer header with the API token or the admin token
 * With no API token configured the non-public routes are open (`serve` allows
 * that only on loopback or with --insecure-no-auth), board mutations still
 * need the admin token.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiConfig } from './config.js';
import { bearerCredential, sameSecret } from './secret.js';
import { readCookie, SESSION_COOKIE, sessionCookie, type Role, type SessionStore } from './session.js';

export interface RouteAuth {
  public?: boolean;
  board?: boolean;
  /** A dashboard page (with `board`): a browser without a session gets the 401 as a page linking to /login. */
  page?: boolean;
  /** With board: a change a signed-in user may make from the dashboard (cancel), checked against cross-site use by its route. */
  action?: boolean;
  /** With board: a POST that changes nothing (the explorer's forward pass), open to a user session like a GET. */
  compute?: boolean;
}

declare module 'fastify' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface FastifyContextConfig extends RouteAuth {}
}

const READ_METHODS = new Set(['GET', 'HEAD']);

function send(reply: FastifyReply, code: number, error: string, message: string): FastifyReply {
  if (code === 401) void reply.header('www-authenticate', error === 'invalid_token' ? 'Bearer error="invalid_token"' : 'Bearer');
  return reply.code(code).send({ error: code === 401 ? 'unauthorized' : error, message });
}

function wantsHtml(req: FastifyRequest): boolean {
  return (req.headers.accept ?? '').includes('text/html');
}

/** 401 for a browser: a page that goes to /login (and back to `url` after it). */
function loginPage(reply: FastifyReply, url: string): FastifyReply {
  const login = `/login?next=${encodeURIComponent(withoutToken(url))}`.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return reply.code(401).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store')
    .send(`<!doctype html><meta http-equiv="refresh" content="0; url=${login}"><title>sign in</title><a href="${login}">sign in to the tensorpool dashboard</a>\n`);
}

/** The role a secret grants, if any (both comparisons always run). */
function roleOf(secret: string, cfg: ApiConfig): Role | undefined {
  const admin = cfg.adminToken !== undefined && sameSecret(secret, cfg.adminToken);
  const user = cfg.token !== undefined && sameSecret(secret, cfg.token);
  return admin ? 'admin' : user ? 'user' : undefined;
}

/** The request URL as a same-origin path without its `token` parameter (for the bootstrap's redirect). */
export function withoutToken(url: string): string {
  const u = new URL(url, 'http://localhost');
  u.searchParams.delete('token');
  return `/${u.pathname.replace(/^\/+/, '')}${u.search}`;
}

export function authHook(cfg: ApiConfig, sessions: SessionStore) {
  const anyToken = cfg.token !== undefined || cfg.adminToken !== undefined;
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const route = (req.routeOptions.config ?? {}) as RouteAuth;
    if (route.public) return undefined;
    const query = (req.query ?? {}) as Record<string, unknown>;
    if (route.board && anyToken && req.method === 'GET' && query.token !== undefined) {
      // `?token=` once: a session cookie instead, and the same URL without the token.
      const role = typeof query.token === 'string' ? roleOf(query.token, cfg) : undefined;
      if (!role) return send(reply, 401, 'invalid_token', 'wrong token in ?token=');
      const id = await sessions.create(role);
      return reply.code(303).header('set-cookie', sessionCookie(id, sessions.ttlMs, req.protocol === 'https'))
        .header('cache-control', 'no-store').header('location', withoutToken(req.url)).send();
    }

    let role: Role | undefined;
    const header = req.headers.authorization;
    if (header !== undefined) {
      const cred = bearerCredential(header);
      role = cred === undefined ? undefined : roleOf(cred, cfg);
      if (!role && cfg.token !== undefined) return send(reply, 401, 'invalid_token', 'wrong bearer token');
    } else if (route.board && anyToken) {
      const sid = readCookie(req.headers.cookie, SESSION_COOKIE);
      if (sid !== undefined) role = await sessions.role(sid);
    }
    if (!role) {
      if (cfg.token !== undefined && route.page && wantsHtml(req)) return loginPage(reply, req.url);
      if (cfg.token !== undefined) {
        return send(reply, 401, 'missing', route.board
          ? 'not signed in: open the dashboard once as /admin/queues?token=<TENSORPOOL_API_TOKEN>, or send "Authorization: Bearer <TENSORPOOL_API_TOKEN>"'
          : 'missing Authorization header: send "Authorization: Bearer <TENSORPOOL_API_TOKEN>"');
      }
      role = 'user'; // no API token: open (loopback or --insecure-no-auth)
    }
    if (route.board && !route.action && !route.compute && !READ_METHODS.has(req.method) && role !== 'admin') {
      return send(reply, 403, 'forbidden', cfg.adminToken === undefined
        ? 'the queue dashboard is read-only: start the API with TENSORPOOL_ADMIN_TOKEN to change queues'
        : 'changing queues from the dashboard needs the admin token (TENSORPOOL_ADMIN_TOKEN)');
    }
    return undefined;
  };
}
