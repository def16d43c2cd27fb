// Token comparison works on digests: any two strings compare without throwing
// (timingSafeEqual throws on buffers of different lengths), only equal ones match.
import { describe, expect, it } from 'vitest';
import { bearerCredential, sameSecret } from './secret.js';

describe('sameSecret', () => {
  it('matches equal strings only, whatever their lengths', () => {
    const t = 'tok-0123456789abcdef';
    expect(sameSecret(t, t)).toBe(true);
    for (const other of ['', 'x', t.slice(0, -1), `${t}x`, t.toUpperCase(), `${t}\0`, 'é'.repeat(t.length), 'x'.repeat(10_000)]) expect(sameSecret(other, t), other.slice(0, 30)).toBe(false);
  });

  it('reads only a single Bearer credential from the header', () => {
    expect(bearerCredential('Bearer abc')).toBe('abc');
    expect(bearerCredential('bearer abc ')).toBe('abc');
    for (const h of ['Basic abc', 'Bearer', 'Bearer ', 'Bearer a b', 'abc', 'Bearerabc']) expect(bearerCredential(h), h).toBeUndefined();
  });
});
