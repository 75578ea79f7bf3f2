import type postgres from 'postgres';
import { periodic } from '../lib/periodic';

/** SKUs per bucket of the list counts (migration 0019): a bucket is split past twice this. */
export const BUCKET_SKUS = 1000;

/**
 * One round of upkeep for the SKU list counts (docs/lists.md): buckets grown past 2 × BUCKET_SKUS
 * are split, and each bucket's deltas are folded into one row. Both keep the counts exact; a split
 * waits for the writers in flight and holds new ones back while it runs (milliseconds for one
 * bucket, seconds after a bulk load of a million SKUs).
 */
export async function keepListCounts(sql: postgres.Sql): Promise<{ marks: number; folded: number }> {
  const [{ marks }] = await sql<[{ marks: number }]>`select sku_list_rebalance(${BUCKET_SKUS}) as marks`;
  const [{ folded }] = await sql<[{ folded: number }]>`select sku_list_compact() as folded`;
  return { marks, folded };
}

/** Runs keepListCounts every `everyMs` in the background; the returned function stops it. */
export function startListKeeper(sql: postgres.Sql, everyMs = 5_000, log: (e: unknown) => void = () => {}) {
  return periodic(everyMs, async () => void (await keepListCounts(sql)), log, 5_000);
}
