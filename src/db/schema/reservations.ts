import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { baseColumns, ts } from './common';
import { lineItems, orders, stockLineItems } from './orders';
import { stockItems } from './stock';
import { stockTransfers } from './transfers';

/**
 * A hold on units of one stock item, for an order's line, a stock line item or a transfer. Every row
 * counts in its stock item's `reserved_quantity`, kept equal to Σ rows in the same statement that
 * writes them; expired drafts are subtracted at read time until the sweeper deletes them. Its own
 * file: it refers to both orders and transfers, which refer to each other's tables only one way.
 */
export const stockReservations = pgTable(
  'stock_reservations',
  {
    ...baseColumns(),
    status: text('status').notNull().default('draft'),
    quantity: integer('quantity').notNull(),
    expires_at: ts('expires_at'),
    // deferred to COMMIT (migration 0020), like stock_line_items.stock_item_id: checked once the
    // transaction holds the stock row itself, so placements never share-lock a row another one updates
    stock_item_id: text('stock_item_id')
      .notNull()
      .references(() => stockItems.id, { onDelete: 'restrict' }),
    // the stock item's SKU: the stock item keeps the SKU from being deleted
    sku_id: text('sku_id').notNull(),
    order_id: text('order_id').references(() => orders.id, { onDelete: 'restrict' }),
    line_item_id: text('line_item_id').references(() => lineItems.id, { onDelete: 'restrict' }),
    stock_line_item_id: text('stock_line_item_id').references(() => stockLineItems.id, { onDelete: 'restrict' }),
    /** The transfer this hold is for: units on the origin, kept until the transfer completes or is cancelled. */
    stock_transfer_id: text('stock_transfer_id').references(() => stockTransfers.id, {
      onDelete: 'restrict',
    }),
  },
  (t) => [
    check('stock_reservations_status_check', sql`${t.status} in ('draft', 'pending')`),
    check('stock_reservations_quantity_check', sql`${t.quantity} >= 1`),
    check('stock_reservations_expiry_check', sql`(${t.status} = 'draft') = (${t.expires_at} is not null)`),
    index('stock_reservations_stock_item_idx').on(t.stock_item_id),
    index('stock_reservations_drafts_idx').on(t.stock_item_id, t.expires_at).where(sql`${t.status} = 'draft'`),
    index('stock_reservations_order_idx').on(t.order_id),
    index('stock_reservations_line_item_idx').on(t.line_item_id),
    index('stock_reservations_mode_created_idx').on(t.mode, t.created_at, t.id),
  ],
);
