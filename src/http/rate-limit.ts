import type { Mode } from '../auth/context';

/**
 * Commerce Layer's rate limits (docs/wire-format.md#rate-limits), per client IP, as sliding windows estimated from the
 * current and previous fixed window (exact enough, O(1) memory per key). In-process: several Allot
 * processes behind one address each count their own share.
 */
export interface Limit {
  key: string;
  limit: number;
  windowS: number;
}

export const CACHEABLE = new Set([
  'inventory_models',
  'markets',
  'price_lists',
  'prices',
  'sku_lists',
  'sku_options',
  'skus',
  'stock_items',
  'stock_locations',
]);

const NUMBERS = {
  cacheable: { live: [1000, 250], test: [500, 125] },
  uncacheable: { live: [200, 50], test: [100, 25] },
} as const;

export function limitsFor(ip: string, mode: Mode, method: string, type: string, endpoint: string): Limit[] {
  const cls = method === 'GET' && CACHEABLE.has(type) ? 'cacheable' : 'uncacheable';
  const [avg, burst] = NUMBERS[cls][mode];
  return [
    { key: `${ip}|${mode}|${cls}`, limit: avg, windowS: 60 },
    { key: `${ip}|${mode}|${cls}|${endpoint}`, limit: burst, windowS: 10 },
  ];
}

export const authLimit = (ip: string): Limit[] => [{ key: `${ip}|auth`, limit: 30, windowS: 60 }];

interface Window {
  start: number;
  current: number;
  previous: number;
}

export interface Verdict {
  allowed: boolean;
  headers: Record<string, string>;
}

export class RateLimiter {
  private windows = new Map<string, Window>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Count one request against every limit; it is refused (and not counted) if any limit is reached. */
  hit(limits: Limit[]): Verdict {
    const t = this.now();
    let tightest: { l: Limit; remaining: number } | undefined;
    const ws = limits.map((l) => {
      const w = this.window(l, t);
      const elapsed = (t - w.start) / (l.windowS * 1000);
      const used = Math.floor(w.previous * (1 - elapsed) + w.current);
      const remaining = l.limit - used;
      if (!tightest || remaining < tightest.remaining) tightest = { l, remaining };
      return w;
    });
    const allowed = tightest!.remaining > 0;
    if (allowed) for (const w of ws) w.current++;
    const remaining = Math.max(0, tightest!.remaining - (allowed ? 1 : 0));
    return {
      allowed,
      headers: {
        'X-Ratelimit-Limit': String(tightest!.l.limit),
        'X-Ratelimit-Interval': String(tightest!.l.windowS),
        'X-Ratelimit-Remaining': String(remaining),
      },
    };
  }

  private window(l: Limit, t: number): Window {
    const size = l.windowS * 1000;
    const start = Math.floor(t / size) * size;
    let w = this.windows.get(l.key);
    if (!w) this.windows.set(l.key, (w = { start, current: 0, previous: 0 }));
    if (w.start !== start) {
      w.previous = start - w.start === size ? w.current : 0;
      w.current = 0;
      w.start = start;
    }
    return w;
  }

  /** Forget windows idle for two periods (called on a timer). */
  prune(): void {
    const t = this.now();
    for (const [k, w] of this.windows) if (t - w.start > 120_000) this.windows.delete(k);
  }
}
