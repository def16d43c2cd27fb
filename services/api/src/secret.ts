/**
 * Secret comparison in constant time, including the length: both sides are
 * hashed to 32-byte SHA-256 digests first, so neither a mismatch in length
 * nor the position of the first differing byte changes how long it takes.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** A short fingerprint of a token, stored with sessions so that rotating the token ends them. */
export function fingerprint(token: string): string {
  return createHash('sha256').update(`tensorpool-session:${token}`, 'utf8').digest('hex').slice(0, 16);
}

/** The credential of an `Authorization: Bearer <token>` header; undefined when the scheme is not Bearer. */
export function bearerCredential(header: string): string | undefined {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m ? m[1] : undefined;
}
