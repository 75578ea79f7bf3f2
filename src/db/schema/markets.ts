import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  pgTable,
  serial,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { shippingCategories } from './catalog';
import { baseColumns, ts } from './common';
import { inventoryModels } from './inventory_models';
import { stockLocations } from './stock';

export const markets = pgTable(
  'markets',
  {
    ...baseColumns(),
    number: serial('number').notNull(),
    name: text('name').notNull(),
    code: text('code'),
    facebook_pixel_id: text('facebook_pixel_id'),
    checkout_url: text('checkout_url'),
    external_prices_url: text('external_prices_url'),
    external_order_validation_url: text('external_order_validation_url'),
    shipping_cost_cutoff: integer('shipping_cost_cutoff'),
    disabled_at: ts('disabled_at'),
    shared_secret: text('shared_secret').notNull(),
    inventory_model_id: text('inventory_model_id')
      .notNull()
      .references(() => inventoryModels.id, { onDelete: 'restrict' }),
  },
  (t) => [
    uniqueIndex('markets_mode_code_key').on(t.mode, t.code),
    index('markets_mode_created_idx').on(t.mode, t.created_at, t.id),
    index('markets_inventory_model_idx').on(t.inventory_model_id),
  ],
);

export const shippingMethods = pgTable(
  'shipping_methods',
  {
    ...baseColumns(),
    name: text('name').notNull(),
    scheme: text('scheme').notNull().default('flat'),
    currency_code: text('currency_code').notNull(),
    external_prices_url: text('external_prices_url'),
    price_amount_cents: integer('price_amount_cents').notNull(),
    free_over_amount_cents: integer('free_over_amount_cents'),
    use_subtotal: boolean('use_subtotal').notNull().default(false),
    min_weight: doublePrecision('min_weight'),
    max_weight: doublePrecision('max_weight'),
    unit_of_weight: text('unit_of_weight'),
    tax_code: text('tax_code'),
    disabled_at: ts('disabled_at'),
    shared_secret: text('shared_secret').notNull(),
    market_id: text('market_id').references(() => markets.id, { onDelete: 'restrict' }),
    shipping_category_id: text('shipping_category_id').references(() => shippingCategories.id, {
      onDelete: 'restrict',
    }),
    stock_location_id: text('stock_location_id').references(() => stockLocations.id, { onDelete: 'restrict' }),
  },
  (t) => [
    check('shipping_methods_scheme_check', sql`${t.scheme} in ('flat', 'weight_tiered', 'external')`),
    check(
      'shipping_methods_price_check',
      sql`${t.price_amount_cents} >= 0 and (${t.free_over_amount_cents} is null or ${t.free_over_amount_cents} >= 0)`,
    ),
    index('shipping_methods_mode_created_idx').on(t.mode, t.created_at, t.id),
    index('shipping_methods_market_idx').on(t.market_id),
  ],
);

export const deliveryLeadTimes = pgTable(
  'delivery_lead_times',
  {
    ...baseColumns(),
    min_hours: integer('min_hours').notNull(),
    max_hours: integer('max_hours').notNull(),
    stock_location_id: text('stock_location_id')
      .notNull()
      .references(() => stockLocations.id, { onDelete: 'cascade' }),
    shipping_method_id: text('shipping_method_id')
      .notNull()
      .references(() => shippingMethods.id, { onDelete: 'cascade' }),
  },
  (t) => [
    check('delivery_lead_times_hours_check', sql`${t.min_hours} >= 0 and ${t.max_hours} >= ${t.min_hours}`),
    index('delivery_lead_times_location_idx').on(t.stock_location_id),
    index('delivery_lead_times_method_idx').on(t.shipping_method_id),
    index('delivery_lead_times_mode_created_idx').on(t.mode, t.created_at, t.id),
  ],
);

/**
 * One row: a counter that every statement writing what shapes a market's availability moves —
 * markets, inventory models, their stock locations, delivery lead times, shipping methods (triggers
 * of migration 0009). The response cache (http/single-cache.ts) reads it in place of those tables:
 * equal counters, equal market configuration. Transactional, so a reader sees it move exactly when
 * the change commits.
 */
export const marketConfigVersion = pgTable(
  'market_config_version',
  {
    id: integer('id').primaryKey().default(1),
    n: bigint('n', { mode: 'number' }).notNull().default(0),
  },
  (t) => [check('market_config_version_single_row', sql`${t.id} = 1`)],
);
