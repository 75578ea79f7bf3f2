import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, serial, text } from 'drizzle-orm/pg-core';
import { shippingCategories, skus } from './catalog';
import { baseColumns, ts } from './common';
import { markets } from './markets';
import { addresses, inventoryStockLocations, stockItems, stockLocations } from './stock';

export const orders = pgTable(
  'orders',
  {
    ...baseColumns(),
    number: serial('number').notNull(),
    status: text('status').notNull().default('draft'),
    payment_status: text('payment_status').notNull().default('unpaid'),
    fulfillment_status: text('fulfillment_status').notNull().default('unfulfilled'),
    customer_email: text('customer_email'),
    // what a storefront's checkout sends and Allot keeps as data (docs/resources.md#orders)
    language_code: text('language_code'),
    coupon_code: text('coupon_code'),
    gift_card_code: text('gift_card_code'),
    cart_url: text('cart_url'),
    return_url: text('return_url'),
    terms_url: text('terms_url'),
    privacy_url: text('privacy_url'),
    market_id: text('market_id')
      .notNull()
      .references(() => markets.id, { onDelete: 'restrict' }),
    shipping_address_id: text('shipping_address_id').references(() => addresses.id, { onDelete: 'restrict' }),
    billing_address_id: text('billing_address_id').references(() => addresses.id, { onDelete: 'restrict' }),
    placed_at: ts('placed_at'),
    approved_at: ts('approved_at'),
    cancelled_at: ts('cancelled_at'),
  },
  (t) => [
    check(
      'orders_status_check',
      sql`${t.status} in ('draft', 'pending', 'placing', 'placed', 'editing', 'approved', 'cancelled')`,
    ),
    check(
      'orders_fulfillment_status_check',
      sql`${t.fulfillment_status} in ('unfulfilled', 'in_progress', 'fulfilled', 'not_required')`,
    ),
    index('orders_mode_created_idx').on(t.mode, t.created_at, t.id),
    index('orders_market_idx').on(t.market_id),
    index('orders_shipping_address_idx').on(t.shipping_address_id),
    index('orders_billing_address_idx').on(t.billing_address_id),
  ],
);

export const lineItems = pgTable(
  'line_items',
  {
    ...baseColumns(),
    order_id: text('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    sku_id: text('sku_id')
      .notNull()
      .references(() => skus.id, { onDelete: 'restrict' }),
    sku_code: text('sku_code').notNull(),
    item_type: text('item_type').notNull().default('skus'),
    name: text('name'),
    image_url: text('image_url'),
    quantity: integer('quantity').notNull(),
  },
  (t) => [
    check('line_items_quantity_check', sql`${t.quantity} >= 1`),
    index('line_items_order_idx').on(t.order_id),
    index('line_items_sku_idx').on(t.sku_id),
  ],
);

export const shipments = pgTable(
  'shipments',
  {
    ...baseColumns(),
    number: text('number').notNull(),
    status: text('status').notNull().default('draft'),
    order_id: text('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    inventory_stock_location_id: text('inventory_stock_location_id').references(() => inventoryStockLocations.id, {
      onDelete: 'set null',
    }),
    stock_location_id: text('stock_location_id')
      .notNull()
      .references(() => stockLocations.id, { onDelete: 'restrict' }),
    shipping_category_id: text('shipping_category_id').references(() => shippingCategories.id, {
      onDelete: 'restrict',
    }),
    /** Why this location ships these units (strategy, priority, what the others lacked). */
    allocation: jsonb('allocation').$type<Record<string, unknown>>(),
    on_hold_at: ts('on_hold_at'),
    picking_at: ts('picking_at'),
    packing_at: ts('packing_at'),
    ready_to_ship_at: ts('ready_to_ship_at'),
    shipped_at: ts('shipped_at'),
    delivered_at: ts('delivered_at'),
    cancelled_at: ts('cancelled_at'),
  },
  (t) => [
    // `\` at a line end adds nothing to the SQL: drizzle-kit compares this text, newlines included, with its snapshot
    check(
      'shipments_status_check',
      sql`${t.status} in ('draft', 'upcoming', 'cancelled', 'on_hold', 'picking', 'packing', 'ready_to_ship', \
'shipped', 'delivered')`,
    ),
    index('shipments_order_idx').on(t.order_id),
    index('shipments_mode_created_idx').on(t.mode, t.created_at, t.id),
  ],
);

export const stockLineItems = pgTable(
  'stock_line_items',
  {
    ...baseColumns(),
    shipment_id: text('shipment_id').references(() => shipments.id, { onDelete: 'cascade' }),
    order_id: text('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    line_item_id: text('line_item_id').references(() => lineItems.id, { onDelete: 'cascade' }),
    // checked at COMMIT (migration 0020): placement writes its lines before it locks the stock row, and
    // an immediate check would share-lock a row other placements update (a hot SKU's)
    stock_item_id: text('stock_item_id').references(() => stockItems.id, { onDelete: 'restrict' }),
    sku_id: text('sku_id')
      .notNull()
      .references(() => skus.id, { onDelete: 'restrict' }),
    sku_code: text('sku_code').notNull(),
    name: text('name'),
    quantity: integer('quantity').notNull(),
    /** Set once when approval (or a manual decrement) took the units off the stock item. */
    decremented_at: ts('decremented_at'),
    /** Set once when a cancellation put decremented units back. */
    restocked_at: ts('restocked_at'),
  },
  (t) => [
    check('stock_line_items_quantity_check', sql`${t.quantity} >= 1`),
    index('stock_line_items_shipment_idx').on(t.shipment_id),
    index('stock_line_items_order_idx').on(t.order_id),
    index('stock_line_items_line_item_idx').on(t.line_item_id),
    index('stock_line_items_stock_item_idx').on(t.stock_item_id),
  ],
);
