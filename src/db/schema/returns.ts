import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { baseColumns, ts } from './common';
import { lineItems, orders } from './orders';
import { stockLocations } from './stock';

/** Goods coming back, to a location chosen by the model's return locations (docs/transfers-and-returns.md#returns). */
export const returns = pgTable(
  'returns',
  {
    ...baseColumns(),
    number: text('number').notNull(),
    status: text('status').notNull().default('draft'),
    order_id: text('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'restrict' }),
    stock_location_id: text('stock_location_id')
      .notNull()
      .references(() => stockLocations.id, { onDelete: 'restrict' }),
    approved_at: ts('approved_at'),
    received_at: ts('received_at'),
    cancelled_at: ts('cancelled_at'),
    restocked_at: ts('restocked_at'),
  },
  (t) => [
    check(
      'returns_status_check',
      sql`${t.status} in ('draft', 'requested', 'approved', 'cancelled', 'shipped', 'received')`,
    ),
    index('returns_order_idx').on(t.order_id),
    index('returns_mode_created_idx').on(t.mode, t.created_at, t.id),
  ],
);

export const returnLineItems = pgTable(
  'return_line_items',
  {
    ...baseColumns(),
    return_id: text('return_id')
      .notNull()
      .references(() => returns.id, { onDelete: 'cascade' }),
    line_item_id: text('line_item_id')
      .notNull()
      .references(() => lineItems.id, { onDelete: 'restrict' }),
    sku_code: text('sku_code').notNull(),
    quantity: integer('quantity').notNull(),
    restocked_at: ts('restocked_at'),
  },
  (t) => [
    check('return_line_items_quantity_check', sql`${t.quantity} >= 1`),
    index('return_line_items_return_idx').on(t.return_id),
    index('return_line_items_line_item_idx').on(t.line_item_id),
  ],
);

/** What changed, when, and who did it, for every write through the API (docs/wire-format.md#versions). */
export const versions = pgTable(
  'versions',
  {
    ...baseColumns(),
    resource_type: text('resource_type').notNull(),
    resource_id: text('resource_id').notNull(),
    event: text('event').notNull(),
    changes: jsonb('changes').$type<Record<string, unknown>>().notNull(),
    who: jsonb('who').$type<Record<string, unknown>>().notNull(),
    /** Joins the stock movements written by the same transaction. */
    txid: bigint('txid', { mode: 'number' }).notNull().default(sql`txid_current()`),
  },
  (t) => [
    index('versions_resource_idx').on(t.resource_id, t.created_at),
    index('versions_mode_created_idx').on(t.mode, t.created_at, t.id),
    // who moved stock: a ledger movement's version by its transaction id (resources/stock_movements.ts)
    index('versions_txid_idx').on(t.txid),
  ],
);
