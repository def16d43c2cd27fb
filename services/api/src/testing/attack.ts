/**
 * What the auth tests attack with: every route the app registered (from its
 * own route list, so a new route is covered without touching the tests),
 * made concrete, in every spelling a client might try, with every kind of
 * bad credential.
 */
import type { RouteOptions } from 'fastify';

export interface Target {
  method: string;
  /** The route as registered, e.g. /jobs/:id. */
  route: string;
  /** A concrete path for it, e.g. /jobs/<id>. */
  path: string;
}

/** Routes that need no token: the only ones allowed to be public. */
export function isAllowedPublic(url: string): boolean {
  return url === '/healthz' || url === '/openapi.json' || url === '/docs' || url.startsWith('/docs/') || url === '/login' || url.startsWith('/static/');
}

/** One concrete request target per (method, route) that is not public. */
export function protectedTargets(routes: RouteOptions[], params: Record<string, string>): Target[] {
  const out: Target[] = [];
  for (const r of routes) {
    if (r.config?.public) continue;
    const path = r.url.replace(/:(\w+)/g, (_m, name: string) => params[name] ?? 'x').replace(/\*$/, 'x');
    for (const method of ([] as string[]).concat(r.method)) out.push({ method, route: r.url, path });
  }
  return out;
}

const pct = (ch: string, upper = false): string => {
  const h = ch.charCodeAt(0).toString(16);
  return `%${upper ? h.toUpperCase() : h}`;
};

/** Other spellings of `path` (which starts with '/'); each either routes to the same handler or to none. */
export function spellings(path: string): string[] {
  // The dashboard's root page: every other spelling of '/' routes to none.
  if (path === '/') return ['/', '//', '/.', '/./', '/%2F', '/;a=b', '/?token=wrong', '/x/..', '/%2e'];
  const first = path.slice(1).split('/')[0];
  const rest = path.slice(1 + first.length);
  const s = new Set<string>([
    path,
    `/${pct(first[0])}${first.slice(1)}${rest}`, // /%6Aobs
    `/${pct(first[0], true)}${first.slice(1)}${rest}`, // /%6Aobs, upper-case hex
    path.replace(/[a-z]/g, (c) => pct(c)), // every letter encoded
    path.replace(/[a-z](?=[^/]*$)/, (c) => pct(c)), // a letter of the last segment
    `/${path}`, // //jobs
    path.replace(/\//g, '//'),
    `${path}/`,
    path.toUpperCase(),
    `/${first[0].toUpperCase()}${path.slice(2)}`,
    `${path};a=b`,
    `/${first};x${rest}`,
    `${path}%2F`,
    `${path}/.`,
    `/./${path.slice(1)}`,
    `${path}/x/..`,
    `${path}?token=wrong`,
  ]);
  return [...s];
}

/** Headers with a missing, wrong or differently-sized credential, or the token where a session belongs. */
export function badCredentials(token: string): Record<string, string>[] {
  return [
    {},
    { authorization: `Bearer ${'x'.repeat(token.length)}` },
    { authorization: 'Bearer short' },
    { authorization: `Bearer ${token}x` },
    { authorization: `Bearer ${token.slice(0, -1)}` },
    { authorization: `Bearer ${token} ${token}` },
    { authorization: `Basic ${Buffer.from(`user:${token}`).toString('base64')}` },
    { authorization: token },
    { authorization: 'Bearer' },
    { cookie: `tensorpool_session=${token}` },
    { cookie: `tensorpool_token=${token}` },
    { cookie: `tensorpool_session=${'A'.repeat(43)}` },
  ];
}
