import { describe, expect, it } from 'vitest';
import type { Progress } from './bulk-import';
import { progressBar, progressLine, summary } from './bulk-report';

const at = (o: Partial<Progress>): Progress => ({
  rows: 0,
  bytes: 0,
  size: 1000,
  created: 0,
  updated: 0,
  unchanged: 0,
  rejected: 0,
  short: 0,
  seconds: 0,
  ...o,
});

describe('allot import progress', () => {
  it('draws a bar by bytes read, with rows/s and the time left at the rate so far', () => {
    expect(progressBar(at({ rows: 50_000, bytes: 250, seconds: 5 }), 20)).toBe(
      '[#####...............]  25% 50,000 rows  10,000 rows/s  ETA 15s  rejected 0',
    );
    expect(progressBar(at({ rows: 10, bytes: 100, seconds: 10, rejected: 2 }), 10)).toContain('ETA 1m30s  rejected 2');
  });

  it('prints plain lines and a summary for pipes and logs', () => {
    const p = at({ rows: 2, bytes: 1000, seconds: 0.5, created: 1, rejected: 1 });
    expect(progressLine(p)).toBe('2 rows (100%) in 0.5 s, 4 rows/s, 1 rejected');
    expect(summary('stock_items', p)).toBe(
      'stock_items: 2 rows in 0.5 s (4 rows/s)\n  created 1, updated 0, unchanged 0, rejected 1',
    );
    expect(summary('stock_items', { ...p, short: 3 })).toContain(
      '\n  3 left below their reserved stock: npx allot check lists the shortfalls',
    );
  });
});
