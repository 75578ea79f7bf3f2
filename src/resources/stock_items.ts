import { and, eq, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { skus } from '../db/schema/catalog';
import { reservedStocks, stockItems } from '../db/schema/stock';
import { errors } from '../jsonapi/errors';
import { newId } from '../lib/ids';
import { anyOf } from '../rows/scope';
import { attr, defineResource, rel } from './define';
import { marketLocations } from './scopes';

const t = stockItems;

/** spec §3.6: on-hand units of one SKU in one stock location; one per (sku, location). */
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
      load: async (db, _ctx, rows) => {
        const ids = [...new Set(rows.map((r) => r.sku_id as string))];
        const found = ids.length
          ? await db.select({ id: skus.id, code: skus.code }).from(skus).where(anyOf(skus.id, ids))
          : [];
        const code = new Map(found.map((f) => [f.id, f.code]));
        return new Map(rows.map((r) => [r.id, code.get(r.sku_id) ?? null]));
      },
    }),
    quantity: attr.integer({
      column: t.quantity,
      create: true,
      update: true,
      filter: true,
      sort: true,
      required: true,
      min: 0,
      description: 'The stock item quantity.',
    }),
  },
  triggers: {
    _validate: {
      on: ['update'],
      prohibited: true,
      description:
        'Refuse the update if the new quantity is lower than the reserved stock. Allot always refuses that (no overselling), so this is accepted for compatibility and changes nothing.',
      run: async () => {},
    },
  },
  relationships: {
    stock_location: rel.toOne('stock_locations', 'stock_location_id', { create: true, update: true, required: true }),
    sku: rel.toOne('skus', 'sku_id', { create: true, update: true, required: true, requiredUnless: 'sku_code' }),
    reserved_stock: rel.hasOne('reserved_stocks', 'stock_item_id'),
    stock_reservations: rel.toMany('stock_reservations', 'stock_item_id'),
  },
  hooks: {
    beforeWrite: async ({ tx, ctx, values, attributes, existing }) => {
      if (typeof attributes.sku_code === 'string') {
        const found = await tx
          .select({ id: skus.id })
          .from(skus)
          .where(and(eq(skus.mode, ctx.mode), eq(skus.code, attributes.sku_code)))
          .limit(1);
        if (!found[0])
          throw errors.validation([
            { attribute: 'sku_code', message: 'is not a valid SKU code', error: 'invalid', value: attributes.sku_code },
          ]);
        values.sku_id = found[0].id;
      }
      if (!existing) values.reserved_stock_id = newId();
      // never below what is held: lowering quantity under reserved stock would oversell (the CHECK backs this)
      if (existing && typeof values.quantity === 'number' && values.quantity < existing.reserved_quantity) {
        throw errors.validation([
          {
            attribute: 'quantity',
            message: `must be greater than or equal to ${existing.reserved_quantity} (reserved stock)`,
            error: 'greater_than_or_equal_to',
            value: values.quantity,
            count: existing.reserved_quantity,
          },
        ]);
      }
    },
  },
  filterAliases: { sku_codes: 'sku_code_in', sku_ids: 'sku_id_in' },
  uniques: { stock_items_sku_location_key: 'sku' },
  access: { sales_channel: ['retrieve'] },
  scope: (p) => sql`${t.stock_location_id} = any(array(${marketLocations(p)}))`,
});

/** spec §3.7: Σ live reservations of one stock item, read-only (a view over the stock item's counter). */
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
