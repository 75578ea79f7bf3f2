import { describe, expect, it } from 'vitest';
import { newId, newSecret } from '../src/lib/ids';

describe('newId', () => {
  it('gives 10 alphanumeric characters, never twice, past several refills of its random pool', () => {
    const ids = Array.from({ length: 20_000 }, () => newId());
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('uses the whole alphabet evenly', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) for (const c of newId()) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    // 100,000 characters over 62 symbols: ~1,613 each; a biased modulo would skew the first 8 by ~25%
    for (const n of counts.values()) expect(Math.abs(n - 100_000 / 62)).toBeLessThan(250);
  });
});

describe('newSecret', () => {
  it('gives 43 base64url characters, never starting with "-", which the CLI would take for a flag', () => {
    const secrets = Array.from({ length: 5000 }, newSecret);
    for (const s of secrets) expect(s).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{42}$/);
    expect(new Set(secrets).size).toBe(5000);
    // the rest of the alphabet still leads: '_' and digits as well as letters
    expect(new Set(secrets.map((s) => s[0])).size).toBe(63);
  });
});
