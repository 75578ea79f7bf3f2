import { bigint, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The response cache's change feed (http/single-cache.ts, docs/availability.md): every transaction
 * that wrote what a SKU's single response reads (the SKU row, its stock items, draft reservations on
 * them) leaves a row per SKU, written by statement triggers (migration 0026), so a reader can ask
 * which SKUs changed since a snapshot in one statement. '*' stands for every SKU (a TRUNCATE).
 */
export const skuChanges = pgTable(
  'sku_changes',
  { txid: bigint('txid', { mode: 'number' }).notNull(), sku_id: text('sku_id').notNull() },
  (t) => [index('sku_changes_txid_idx').on(t.txid)],
);

/**
 * How far back the feed is complete: no row of a transaction below `floor` is left. Pruning (at most
 * every 5 s, whatever the number of processes: `pruned_at`) deletes below `next` and moves `floor`
 * there, then sets `next` to the oldest running transaction, so the feed keeps at least one pruning
 * interval of history past every transaction still running.
 */
export const skuChangesHorizon = pgTable('sku_changes_horizon', {
  id: integer('id').primaryKey().default(1),
  floor: bigint('floor', { mode: 'number' }).notNull(),
  next: bigint('next', { mode: 'number' }).notNull(),
  pruned_at: timestamp('pruned_at', { withTimezone: true }).notNull().defaultNow(),
});
