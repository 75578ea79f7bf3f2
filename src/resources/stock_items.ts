import { sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { reservedStocks, stockItems } from '../db/schema/stock';
import { attr, defineResource, rel } from './define';
import { marketLocations } from './scopes';

const t = stockItems;

/** On-hand units of one SKU in one stock location; one per (sku, location). */
export const stockItemsResource = defineResource({
  type: 'stock_items',
  singular: 'stock_item',
  description: 'The quantity of a SKU kept in a stock location (on hand, not net of reservations).',
  table: t,
  attributes: {
    sku_code: attr.string({
      create: true,
      update: true,
      description: 'The code of the associated SKU; sets the sku relationship.',
    }),
    quantity: attr.integer({
      column: t.quantity,
      create: true,
      update: true,
      filter: true,
      sort: true,
      required: true,
      min: 0,
      description: 'The stock item quantity (on hand; a count may set it below the reserved stock).',
    }),
  },
  triggers: {
    _validate: {
      on: ['update'],
      prohibited: true,
      description:
        'Refuse the update if the new quantity is lower than the reserved stock. Without it, a count ' +
        'may leave the stock item short of its holds (npx allot check lists the shortfall).',
    },
  },
  relationships: {
    stock_location: rel.toOne('stock_locations', 'stock_location_id', { create: true, update: true, required: true }),
    sku: rel.toOne('skus', 'sku_id', { create: true, update: true, required: true, requiredUnless: 'sku_code' }),
    reserved_stock: rel.hasOne('reserved_stocks', 'stock_item_id'),
    stock_reservations: rel.toMany('stock_reservations', 'stock_item_id'),
    stock_movements: rel.toMany('stock_movements', 'stock_item_id', {
      includable: false,
      filter: false,
      description: 'Its stock ledger, newest first (Allot extension); `as_of` gives the counters at a time.',
    }),
  },
  filterAliases: { sku_codes: 'sku_code_in', sku_ids: 'sku_id_in' },
  uniques: { stock_items_sku_location_key: 'sku' },
  access: { sales_channel: ['retrieve'] },
  scope: (p) => sql`${t.stock_location_id} = any(array(${marketLocations(p)}))`,
});

/** Σ live reservations of one stock item, read-only (a view over the stock item's counter). */
export const reservedStocksResource = defineResource({
  type: 'reserved_stocks',
  singular: 'reserved_stock',
  description: 'The stock reserved on one stock item by live reservations.',
  table: reservedStocks as unknown as PgTable,
  actions: ['list', 'retrieve'],
  attributes: {
    quantity: attr.integer({
      column: reservedStocks.quantity as never,
      filter: true,
      sort: true,
      description: 'The reserved quantity.',
    }),
  },
  relationships: {
    stock_item: rel.toOne('stock_items', 'stock_item_id'),
    sku: rel.toOne('skus', 'sku_id'),
    stock_reservations: rel.toMany('stock_reservations', 'stock_item_id'),
  },
});
