import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { baseColumns } from './common';

export const STRATEGIES = [
  'no_split',
  'split_shipments',
  'split_by_line_items',
  'ship_from_primary',
  'ship_from_first_available_or_primary',
] as const;

export const inventoryModels = pgTable(
  'inventory_models',
  {
    ...baseColumns(),
    name: text('name').notNull(),
    strategy: text('strategy').notNull().default('no_split'),
    stock_locations_cutoff: integer('stock_locations_cutoff').notNull().default(2),
    stock_reservation_cutoff: integer('stock_reservation_cutoff').notNull().default(3600),
    put_stock_transfers_on_hold: boolean('put_stock_transfers_on_hold').notNull().default(false),
    manual_stock_decrement: boolean('manual_stock_decrement').notNull().default(false),
  },
  (t) => [
    // the database backs every rule the API validates (docs/resources.md#inventory-models)
    // `\` at a line end adds nothing to the SQL: drizzle-kit compares this text, newlines included, with its snapshot
    check(
      'inventory_models_strategy_check',
      sql`${t.strategy} in ('no_split', 'split_shipments', 'split_by_line_items', 'ship_from_primary', \
'ship_from_first_available_or_primary')`,
    ),
    check('inventory_models_cutoff_check', sql`${t.stock_locations_cutoff} between 1 and 10`),
    check('inventory_models_reservation_cutoff_check', sql`${t.stock_reservation_cutoff} > 0`),
    index('inventory_models_mode_created_idx').on(t.mode, t.created_at, t.id),
    index('inventory_models_mode_name_idx').on(t.mode, t.name),
  ],
);
