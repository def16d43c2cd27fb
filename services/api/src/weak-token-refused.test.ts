// The API's options refuse a token shorter than TOKEN_MIN_LENGTH or with
// fewer than TOKEN_MIN_DISTINCT distinct characters (resolveConfig runs
// before buildServer connects to anything); a long random one is accepted.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { resolveConfig, TOKEN_MIN_DISTINCT, TOKEN_MIN_LENGTH } from './config.js';

describe('token strength at start-up', () => {
  it('refuses short or guessable tokens, naming the option and never the token', () => {
    const short = 'x1y2z3w4v5u6t7s'; // 15 characters, 15 distinct
    expect(short.length).toBe(TOKEN_MIN_LENGTH - 1);
    expect(() => resolveConfig({ token: short })).toThrow(/^token \(TENSORPOOL_API_TOKEN\) is too short: 15 characters, at least 16 /);
    expect(() => resolveConfig({ adminToken: short })).toThrow(/^adminToken \(TENSORPOOL_ADMIN_TOKEN\) is too short/);
    const repetitive = '0123456'.repeat(5); // 35 characters, 7 distinct
    expect(new Set(repetitive).size).toBe(TOKEN_MIN_DISTINCT - 1);
    expect(() => resolveConfig({ token: repetitive })).toThrow(/^token \(TENSORPOOL_API_TOKEN\) is too guessable: 7 distinct characters/);
    try {
      resolveConfig({ token: short });
    } catch (e) {
      expect((e as Error).message).not.toContain(short);
      expect((e as { code: string }).code).toBe('E_USAGE');
    }
  });

  it('accepts a random token of 16 characters and more', () => {
    const t = randomBytes(12).toString('base64url');
    expect(t.length).toBe(TOKEN_MIN_LENGTH);
    expect(resolveConfig({ token: t, adminToken: randomBytes(32).toString('hex') }).token).toBe(t);
  });
});
