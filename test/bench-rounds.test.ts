import { describe, expect, it } from 'vitest';
import type { Figures } from '../bench/lib';
import { ratio } from '../bench/lib';
import { alternate, combine, median } from '../bench/rounds';

const fig = (name: string, rps: number, extra: Partial<Figures> = {}): Figures => ({
  name,
  rps,
  p50: 1,
  p99: 2,
  errors: 0,
  non2xx: 0,
  ...extra,
});

describe('benchmarks in alternated rounds', () => {
  it('alternates bare and row, neither always first, and compares each round with its own bare half', async () => {
    const order: string[] = [];
    // the machine slows down 2× after the first two measurements: the row is always 0.5 of bare
    let step = 0;
    const speed = () => (step++ < 2 ? 1 : 0.5);
    const { bare, row } = await alternate(
      async (r) => {
        order.push(`bare${r}`);
        return fig('bare', 10_000 * speed());
      },
      async (r) => {
        order.push(`row${r}`);
        return fig('row', 5_000 * speed());
      },
      4,
    );
    expect(order).toEqual(['bare0', 'row0', 'row1', 'bare1', 'bare2', 'row2', 'row3', 'bare3']);
    expect(row.ratios).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(ratio(row)).toBe(0.5);
    expect(row.vs).toBe(bare);
    // a baseline measured once, before a slower row, would have said 0.25 for the slow rounds
    expect(row.rps / 10_000).toBeLessThan(0.5);
  });

  it('pools latencies over the rounds for percentiles and weights CPU per request by requests', () => {
    const a = fig('r', 100, { requests: 100, latencies: Array(100).fill(1), cpuPerRequest: 10 });
    const b = fig('r', 300, {
      requests: 300,
      latencies: [...Array(290).fill(2), ...Array(10).fill(50)],
      cpuPerRequest: 30,
    });
    const c = combine([a, b]);
    expect(c.p99).toBe(50); // 10 of 400 answers took 50 ms: the slowest 2.5 %, so p99 sees them
    expect(c.p50).toBe(2);
    expect(c.cpuPerRequest).toBe(25);
    expect(c.requests).toBe(400);
    expect(c.rps).toBe(200);
  });

  it('takes the median, the middle two averaged for an even count', () => {
    expect(median([0.9, 0.1, 0.5])).toBe(0.5);
    expect(median([0.2, 0.8, 0.4, 0.6])).toBe(0.5);
  });
});
