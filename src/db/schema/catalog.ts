import { sql } from 'drizzle-orm';
import { boolean, check, doublePrecision, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { baseColumns } from './common';

export const shippingCategories = pgTable(
  'shipping_categories',
  {
    ...baseColumns(),
    name: text('name').notNull(),
    code: text('code'),
  },
  (t) => [
    uniqueIndex('shipping_categories_mode_code_key').on(t.mode, t.code),
    index('shipping_categories_mode_created_idx').on(t.mode, t.created_at, t.id),
  ],
);

export const skus = pgTable(
  'skus',
  {
    ...baseColumns(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    image_url: text('image_url'),
    pieces_per_pack: integer('pieces_per_pack'),
    weight: doublePrecision('weight'),
    unit_of_weight: text('unit_of_weight'),
    hs_tariff_number: text('hs_tariff_number'),
    do_not_ship: boolean('do_not_ship').notNull().default(false),
    do_not_track: boolean('do_not_track').notNull().default(false),
    shipping_category_id: text('shipping_category_id').references(() => shippingCategories.id, {
      onDelete: 'restrict',
    }),
  },
  (t) => [
    uniqueIndex('skus_mode_code_key').on(t.mode, t.code),
    index('skus_mode_created_idx').on(t.mode, t.created_at, t.id),
    // code_start (query/filters.ts: a bytewise range on lower(code), which ILIKE 'x%' cannot use; code
    // itself is a key too, so a count of a broad prefix is an index-only scan) and name_cont (pg_trgm,
    // created in migration 0017, serves ILIKE '%x%')
    index('skus_mode_code_prefix_idx').on(t.mode, sql`lower(${t.code}) text_pattern_ops`, t.code),
    index('skus_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`),
    index('skus_shipping_category_idx').on(t.shipping_category_id),
    // the shipping category is required unless the SKU is not shipped (docs/resources.md#skus)
    check('skus_shipping_category_check', sql`${t.do_not_ship} or ${t.shipping_category_id} is not null`),
    check('skus_unit_of_weight_check', sql`${t.unit_of_weight} is null or ${t.unit_of_weight} in ('gr', 'oz', 'lb')`),
  ],
);
