import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { skus } from './catalog';
import { baseColumns, ts } from './common';
import { lineItems, orders, shipments } from './orders';
import { stockLocations } from './stock';

/**
 * Units moving between two stock locations; a hold on the origin while open
 * (docs/transfers-and-returns.md#standalone-transfers).
 */
export const stockTransfers = pgTable(
  'stock_transfers',
  {
    ...baseColumns(),
    number: text('number').notNull(),
    sku_id: text('sku_id')
      .notNull()
      .references(() => skus.id, { onDelete: 'restrict' }),
    sku_code: text('sku_code').notNull(),
    status: text('status').notNull().default('draft'),
    quantity: integer('quantity').notNull(),
    origin_stock_location_id: text('origin_stock_location_id')
      .notNull()
      .references(() => stockLocations.id, { onDelete: 'restrict' }),
    destination_stock_location_id: text('destination_stock_location_id')
      .notNull()
      .references(() => stockLocations.id, { onDelete: 'restrict' }),
    shipment_id: text('shipment_id').references(() => shipments.id, { onDelete: 'cascade' }),
    line_item_id: text('line_item_id').references(() => lineItems.id, { onDelete: 'set null' }),
    order_id: text('order_id').references(() => orders.id, { onDelete: 'cascade' }),
    on_hold_at: ts('on_hold_at'),
    picking_at: ts('picking_at'),
    in_transit_at: ts('in_transit_at'),
    completed_at: ts('completed_at'),
    cancelled_at: ts('cancelled_at'),
  },
  (t) => [
    check(
      'stock_transfers_status_check',
      sql`${t.status} in ('draft', 'upcoming', 'on_hold', 'picking', 'in_transit', 'completed', 'cancelled')`,
    ),
    check('stock_transfers_quantity_check', sql`${t.quantity} >= 1`),
    check('stock_transfers_locations_check', sql`${t.origin_stock_location_id} <> ${t.destination_stock_location_id}`),
    index('stock_transfers_shipment_idx').on(t.shipment_id),
    index('stock_transfers_order_idx').on(t.order_id),
    index('stock_transfers_origin_idx').on(t.origin_stock_location_id),
    index('stock_transfers_destination_idx').on(t.destination_stock_location_id),
    index('stock_transfers_mode_created_idx').on(t.mode, t.created_at, t.id),
  ],
);

/**
 * The stock ledger (docs/ledger-and-check.md#ledger): one append-only row per change of a
 * stock item's quantity or reserved counter, written by a trigger on stock_items in the same
 * statement as the change (migration 0005), so no code path can move stock without leaving a row.
 */
export const stockMovements = pgTable(
  'stock_movements',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    mode: text('mode').notNull(),
    stock_item_id: text('stock_item_id').notNull(),
    sku_id: text('sku_id').notNull(),
    stock_location_id: text('stock_location_id').notNull(),
    quantity_delta: integer('quantity_delta').notNull(),
    reserved_delta: integer('reserved_delta').notNull(),
    reason: text('reason').notNull(),
    actor: jsonb('actor').$type<Record<string, unknown>>(),
    txid: bigint('txid', { mode: 'number' }).notNull(),
    // the moment of the change, taken under the stock item's row lock (not the transaction's start):
    // a stock item's movements are in time order, and `as_of` a time is what a reader waiting for the lock saw
    created_at: ts('created_at').notNull().default(sql`clock_timestamp()`),
  },
  (t) => [
    // INCLUDE (mode, created_at, quantity_delta, reserved_delta) in migration 0018: a stock item's ledger
    // counted and summed from the index alone (the stock_movements resource's lists and as_of)
    index('stock_movements_stock_item_idx').on(t.stock_item_id, t.id),
    index('stock_movements_mode_created_idx').on(t.mode, t.created_at),
    // the stock watcher reads the ledger by transaction id (src/events/stock-watch.ts)
    index('stock_movements_txid_idx').on(t.txid),
  ],
);
