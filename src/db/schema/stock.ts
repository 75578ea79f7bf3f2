import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  pgView,
  serial,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { skus } from './catalog';
import { baseColumns, modeColumn, ts } from './common';
import { inventoryModels } from './inventory_models';

export const addresses = pgTable('addresses', {
  ...baseColumns(),
  business: boolean('business').notNull().default(false),
  first_name: text('first_name'),
  last_name: text('last_name'),
  company: text('company'),
  line_1: text('line_1').notNull(),
  line_2: text('line_2'),
  city: text('city').notNull(),
  zip_code: text('zip_code'),
  state_code: text('state_code'),
  country_code: text('country_code').notNull(),
  phone: text('phone').notNull(),
  email: text('email'),
  notes: text('notes'),
  lat: doublePrecision('lat'),
  lng: doublePrecision('lng'),
  billing_info: text('billing_info'),
});

export const stockLocations = pgTable(
  'stock_locations',
  {
    ...baseColumns(),
    number: serial('number').notNull(),
    name: text('name').notNull(),
    code: text('code'),
    label_format: text('label_format').notNull().default('PDF'),
    suppress_etd: boolean('suppress_etd').notNull().default(false),
    address_id: text('address_id')
      .notNull()
      .references(() => addresses.id, { onDelete: 'restrict' }),
  },
  (t) => [
    uniqueIndex('stock_locations_mode_code_key').on(t.mode, t.code),
    check('stock_locations_label_format_check', sql`${t.label_format} in ('PDF', 'ZPL', 'EPL2', 'PNG')`),
    index('stock_locations_mode_created_idx').on(t.mode, t.created_at, t.id),
    index('stock_locations_address_idx').on(t.address_id),
  ],
);

/**
 * A stock location's place in an inventory model: priority (lower first) and on_hold
 * (docs/resources.md#inventory-stock-locations).
 */
export const inventoryStockLocations = pgTable(
  'inventory_stock_locations',
  {
    ...baseColumns(),
    priority: integer('priority').notNull(),
    on_hold: boolean('on_hold').notNull().default(false),
    inventory_model_id: text('inventory_model_id')
      .notNull()
      .references(() => inventoryModels.id, { onDelete: 'cascade' }),
    stock_location_id: text('stock_location_id')
      .notNull()
      .references(() => stockLocations.id, { onDelete: 'restrict' }),
  },
  (t) => [
    uniqueIndex('inventory_stock_locations_model_location_key').on(t.inventory_model_id, t.stock_location_id),
    // the availability walk: a model's locations in priority order, ties by creation (docs/availability.md#walk)
    index('inventory_stock_locations_walk_idx').on(t.inventory_model_id, t.priority, t.created_at, t.id),
    index('inventory_stock_locations_location_idx').on(t.stock_location_id),
  ],
);

export const inventoryReturnLocations = pgTable(
  'inventory_return_locations',
  {
    ...baseColumns(),
    priority: integer('priority').notNull(),
    inventory_model_id: text('inventory_model_id')
      .notNull()
      .references(() => inventoryModels.id, { onDelete: 'cascade' }),
    stock_location_id: text('stock_location_id')
      .notNull()
      .references(() => stockLocations.id, { onDelete: 'restrict' }),
  },
  (t) => [
    uniqueIndex('inventory_return_locations_model_location_key').on(t.inventory_model_id, t.stock_location_id),
    index('inventory_return_locations_walk_idx').on(t.inventory_model_id, t.priority, t.created_at, t.id),
    index('inventory_return_locations_location_idx').on(t.stock_location_id),
  ],
);

/**
 * On-hand quantity and the reserved counter live on one row, so that reserving is one conditional
 * UPDATE (`reserved_quantity + q <= quantity`), never read-compute-write (docs/reservations.md#no-oversell).
 * Reserved may exceed quantity only after a count lowered the quantity (a shortfall).
 */
export const stockItems = pgTable(
  'stock_items',
  {
    ...baseColumns(),
    quantity: integer('quantity').notNull(),
    sku_id: text('sku_id')
      .notNull()
      .references(() => skus.id, { onDelete: 'restrict' }),
    stock_location_id: text('stock_location_id')
      .notNull()
      .references(() => stockLocations.id, { onDelete: 'restrict' }),
    reserved_quantity: integer('reserved_quantity').notNull().default(0),
    /** id of this stock item's reserved_stock (the read-only counter resource). */
    reserved_stock_id: text('reserved_stock_id').notNull().unique(),
    reserved_updated_at: ts('reserved_updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('stock_items_sku_location_key').on(t.sku_id, t.stock_location_id),
    index('stock_items_location_sku_idx').on(t.stock_location_id, t.sku_id),
    index('stock_items_mode_created_idx').on(t.mode, t.created_at, t.id),
    check('stock_items_quantity_check', sql`${t.quantity} >= 0`),
    check('stock_items_reserved_check', sql`${t.reserved_quantity} >= 0`),
    // no overselling, whatever the code above it does: a hold that takes reserved past quantity is
    // refused by the stock_items_hold_check triggers (migration 0014, docs/reservations.md#no-oversell);
    // a count may lower quantity below what is held (docs/reservations.md#stock-item-quantity)
  ],
);

/**
 * reserved_stocks (docs/resources.md#reserved-stocks): one per stock item, read-only, a view over the counter less the
 * drafts already past `expires_at` (Σ *active* reservations, whether or not the sweeper ran).
 */
export const reservedStocks = pgView('reserved_stocks', {
  id: text('id').notNull(),
  mode: modeColumn(),
  quantity: integer('quantity').notNull(),
  stock_item_id: text('stock_item_id').notNull(),
  sku_id: text('sku_id').notNull(),
  reference: text('reference'),
  reference_origin: text('reference_origin'),
  metadata: jsonb('metadata').$type<Record<string, unknown>>(),
  created_at: ts('created_at').notNull(),
  updated_at: ts('updated_at').notNull(),
}).as(
  // `\` at a line end adds nothing to the SQL: drizzle-kit compares this text, newlines included, with its snapshot
  sql`select ${stockItems.reserved_stock_id} as id, ${stockItems.mode} as mode, \
${stockItems.reserved_quantity} - coalesce((select sum(r.quantity) from stock_reservations r \
where r.stock_item_id = ${stockItems.id} and r.status = 'draft' and r.expires_at <= now()), 0)::int as quantity, \
${stockItems.id} as stock_item_id, ${stockItems.sku_id} as sku_id, \
null::text as reference, null::text as reference_origin, '{}'::jsonb as metadata, \
${stockItems.created_at} as created_at, ${stockItems.reserved_updated_at} as updated_at from ${stockItems}`,
);
