import { bigint, bigserial, boolean, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { ts } from './common';

/**
 * Ledger checkpoints (docs/ledger-and-check.md#checkpoints): per stock item, its ledger balance as of a
 * check's snapshot, written only when every invariant held for the item, so a replay starts there and
 * adds only the movements that snapshot did not see.
 */
export const ledgerCheckpoints = pgTable('ledger_checkpoints', {
  stock_item_id: text('stock_item_id').primaryKey(),
  /** The largest movement id the checkpoint covers (informational: coverage is by snapshot, see below). */
  movement_id: bigint('movement_id', { mode: 'number' }).notNull(),
  quantity: integer('quantity').notNull(),
  reserved_quantity: integer('reserved_quantity').notNull(),
  checked_at: ts('checked_at').notNull().defaultNow(),
});

/**
 * One row per check that wrote checkpoints: the PostgreSQL snapshot it read (pg_snapshot as text). A
 * movement is covered by the checkpoints when its transaction is visible in the latest run's snapshot.
 */
export const ledgerCheckRuns = pgTable('ledger_check_runs', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  snapshot: text('snapshot').notNull(),
  /** Start of the oldest transaction still open at the snapshot: reservation rows changed since are re-read. */
  open_since: ts('open_since').notNull(),
  full: boolean('full').notNull(),
  items_checked: integer('items_checked').notNull(),
  drift: integer('drift').notNull(),
  milliseconds: integer('milliseconds').notNull(),
  checked_at: ts('checked_at').notNull().defaultNow(),
});
