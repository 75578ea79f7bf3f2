import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../src/http/rate-limit';

/**
 * Every 429 says in `Retry-After` (whole seconds) when the limit admits again: coming back that late
 * is admitted, a second earlier is not. A clock of the test's own, one process (no sharing).
 */
const limits = [
  { key: 'ip|test|uncacheable', limit: 100, windowS: 60 },
  { key: 'ip|test|uncacheable|POST /api/x', limit: 5, windowS: 10 },
];

const burst = (l: RateLimiter, n: number) => Array.from({ length: n }, () => l.hit(limits).allowed);

describe('Retry-After on 429', () => {
  it('is absent while requests are admitted', () => {
    const l = new RateLimiter(() => 1_000_000);
    expect(l.hit(limits).headers['Retry-After']).toBeUndefined();
  });

  for (const [label, startMs] of [
    ['early in the window', 1_000],
    ['late in the window', 8_500],
  ] as const)
    it(`says when the burst window admits again (${label})`, () => {
      let now = 10_000_000 + startMs; // 10 s windows start at multiples of 10 s
      const l = new RateLimiter(() => now);
      expect(burst(l, 5)).toEqual(Array(5).fill(true));
      const refused = l.hit(limits);
      expect(refused.allowed).toBe(false);
      const after = Number(refused.headers['Retry-After']);
      expect(Number.isInteger(after)).toBe(true);
      // the five requests count until the window after theirs has made them old enough
      expect(after).toBeGreaterThanOrEqual(Math.ceil((10_000 - startMs) / 1000));
      expect(after).toBeLessThanOrEqual(Math.ceil((10_000 - startMs) / 1000) + 10);
      now += (after - 1) * 1000;
      const early = l.hit(limits);
      expect(early.allowed).toBe(false);
      expect(Number(early.headers['Retry-After'])).toBe(1);
      now += 1000;
      expect(l.hit(limits).allowed).toBe(true);
    });

  it('is the longest wait when two limits are exhausted', () => {
    let now = 20_000_000;
    const l = new RateLimiter(() => now);
    const minute = [{ key: 'a|m', limit: 3, windowS: 60 }];
    for (let i = 0; i < 3; i++) expect(l.hit(minute).allowed).toBe(true);
    const refused = l.hit([...minute, { key: 'a|s', limit: 100, windowS: 10 }]);
    expect(refused.allowed).toBe(false);
    const after = Number(refused.headers['Retry-After']);
    expect(after).toBeGreaterThan(10);
    now += (after - 1) * 1000;
    expect(l.hit(minute).allowed).toBe(false);
    now += 1000;
    expect(l.hit(minute).allowed).toBe(true);
  });
});
