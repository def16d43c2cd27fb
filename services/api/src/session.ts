/**
 * Dashboard sessions. A browser cannot send a bearer header to Bull Board,
 * so `?token=` is exchanged once for a random session id in an HttpOnly
 * cookie. The session lives in Redis with a TTL (key `session(id)`), so every
 * API replica accepts it; the record holds a role and a fingerprint of the
 * token that opened it (rotating the token ends its sessions), never the
 * token. What comes back from Redis is validated: anything else grants nothing.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Keys } from '@tensorpool/queue';
import { fingerprint } from './secret.js';

export type Role = 'user' | 'admin';

export const SESSION_COOKIE = 'tensorpool_session';
/** Sent to the whole origin (the dashboard is at /, Bull Board at /admin); only board/dashboard routes read it. */
export const SESSION_PATH = '/';
/** 32 random bytes, base64url. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

const SessionRecord = z.strictObject({
  role: z.enum(['user', 'admin']),
  fp: z.string().regex(/^[0-9a-f]{16}$/),
  created: z.number().int().nonnegative(),
});

export class SessionStore {
  private readonly fps: Record<Role, string | undefined>;

  constructor(private readonly redis: Redis, private readonly keys: Keys, readonly ttlMs: number, tokens: Record<Role, string | undefined>) {
    this.fps = { user: tokens.user && fingerprint(tokens.user), admin: tokens.admin && fingerprint(tokens.admin) };
  }

  /** A new session for `role`; returns its id (the cookie value). */
  async create(role: Role): Promise<string> {
    const fp = this.fps[role];
    if (!fp) throw new Error(`no ${role} token configured`);
    const id = randomBytes(32).toString('base64url');
    await this.redis.set(this.keys.session(id), JSON.stringify({ role, fp, created: Date.now() }), 'PX', this.ttlMs);
    return id;
  }

  /** The role of a live session, or undefined (unknown, expired, malformed, or opened with a token since rotated). */
  async role(id: string): Promise<Role | undefined> {
    if (!SESSION_ID.test(id)) return undefined;
    const raw = await this.redis.get(this.keys.session(id));
    if (raw === null) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return undefined;
    }
    const r = SessionRecord.safeParse(parsed);
    if (!r.success || r.data.fp !== this.fps[r.data.role]) return undefined;
    return r.data.role;
  }
}

/** `Set-Cookie` value: HttpOnly, SameSite=Strict, Path=/, Secure over TLS. */
export function sessionCookie(id: string, ttlMs: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; Path=${SESSION_PATH}; Max-Age=${Math.floor(ttlMs / 1000)}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** The first cookie named `name` in a Cookie header (values are not decoded: session ids are base64url). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
