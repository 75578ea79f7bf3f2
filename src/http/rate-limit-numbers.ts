import type { Mode } from '../auth/context';

/** One limit on one key: at most `limit` requests in any `windowS` seconds. */
export interface Limit {
  key: string;
  limit: number;
  windowS: number;
}

/**
 * Commerce Layer's numbers (docs/wire-format.md#rate-limits): per client IP and mode, cacheable
 * reads apart, an average and a burst.
 */
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
