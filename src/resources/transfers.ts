import { and, eq, sql } from 'drizzle-orm';
import { skus } from '../db/schema/catalog';
import { stockItems } from '../db/schema/stock';
import { stockTransfers } from '../db/schema/transfers';
import type { Tx } from '../db/tx';
import { OPEN_TRANSFER, TRANSFER } from '../inventory/state-machine';
import { errors } from '../jsonapi/errors';
import type { Row } from '../rows/row';
import { release, reserve } from '../services/stock';
import { transferTrigger } from '../services/transfers';
import { attr, defineResource, rel, type Trigger } from './define';

const t = stockTransfers;
const read = { filter: true, sort: true } as const;

const trigger = (name: string): Trigger => ({
  on: ['update'],
  description: `Move the stock transfer to ${TRANSFER[name]!.to}.`,
  run: ({ tx, ctx, row }) => transferTrigger(tx, ctx, name, row),
});

/** Hold the transfer's units on its origin (standalone transfers: taken at creation, rebuilt on resize). */
async function holdOrigin(tx: Tx, mode: string, row: Row): Promise<void> {
  const [item] = await tx
    .select({ id: stockItems.id })
    .from(stockItems)
    .where(
      and(
        eq(stockItems.mode, mode),
        eq(stockItems.sku_id, row.sku_id),
        eq(stockItems.stock_location_id, row.origin_stock_location_id),
      ),
    );
  if (!item)
    throw errors.validation([
      {
        attribute: 'origin_stock_location',
        message: 'has no stock of this SKU',
        error: 'invalid',
        pointer: '/data/relationships/origin_stock_location',
      },
    ]);
  await reserve(
    tx,
    mode,
    [{ stockItemId: item.id, skuId: row.sku_id, quantity: row.quantity, status: 'pending', stockTransferId: row.id }],
    new Map([[row.sku_id, row.sku_code]]),
  );
}

/** spec §3.9: stock moving between locations, for a shipment (ship_from_primary) or on its own. */
export const stockTransfersResource = defineResource({
  type: 'stock_transfers',
  singular: 'stock_transfer',
  description: 'Units of a SKU moving from one stock location to another.',
  table: t,
  attributes: {
    number: attr.string({ column: t.number, create: true, update: true, ...read }),
    sku_code: attr.string({ column: t.sku_code, create: true, update: true, filter: true }),
    status: attr.string({ column: t.status, ...read }),
    quantity: attr.integer({ column: t.quantity, create: true, update: true, ...read, required: true, min: 1 }),
    on_hold_at: attr.datetime({ column: t.on_hold_at, ...read }),
    picking_at: attr.datetime({ column: t.picking_at, ...read }),
    in_transit_at: attr.datetime({ column: t.in_transit_at, ...read }),
    completed_at: attr.datetime({ column: t.completed_at, ...read }),
    cancelled_at: attr.datetime({ column: t.cancelled_at, ...read }),
  },
  triggers: Object.fromEntries(Object.keys(TRANSFER).map((n) => [n, trigger(n)])),
  relationships: {
    sku: rel.toOne('skus', 'sku_id', { create: true, update: true, required: true, requiredUnless: 'sku_code' }),
    origin_stock_location: rel.toOne('stock_locations', 'origin_stock_location_id', {
      create: true,
      update: true,
      required: true,
    }),
    destination_stock_location: rel.toOne('stock_locations', 'destination_stock_location_id', {
      create: true,
      update: true,
      required: true,
    }),
    shipment: rel.toOne('shipments', 'shipment_id'),
    line_item: rel.toOne('line_items', 'line_item_id'),
    stock_reservation: rel.hasOne('stock_reservations', 'stock_transfer_id'),
  },
  validate: (row) =>
    row.origin_stock_location_id === row.destination_stock_location_id
      ? [
          {
            attribute: 'destination_stock_location',
            message: 'must differ from the origin',
            error: 'invalid',
            pointer: '/data/relationships/destination_stock_location',
          },
        ]
      : [],
  hooks: {
    beforeWrite: async ({ tx, ctx, values, attributes, existing }) => {
      if (existing && Object.keys(values).length && !OPEN_TRANSFER.includes(existing.status))
        throw errors.validation([
          {
            attribute: 'status',
            message: `is ${existing.status}: the transfer can no longer change`,
            error: 'invalid',
          },
        ]);
      if (
        existing?.shipment_id &&
        (values.quantity !== undefined ||
          values.sku_id ||
          values.origin_stock_location_id ||
          values.destination_stock_location_id)
      ) {
        throw errors.validation([
          {
            attribute: 'shipment',
            message: 'belongs to a shipment: its order decides it',
            error: 'invalid',
            pointer: '/data/relationships/shipment',
          },
        ]);
      }
      if (typeof attributes.sku_code === 'string') {
        const [s] = await tx
          .select({ id: skus.id })
          .from(skus)
          .where(and(eq(skus.mode, ctx.mode), eq(skus.code, attributes.sku_code)));
        if (!s)
          throw errors.validation([
            { attribute: 'sku_code', message: 'is not a valid SKU code', error: 'invalid', value: attributes.sku_code },
          ]);
        values.sku_id = s.id;
      }
      if (values.sku_id)
        values.sku_code = (await tx.select({ code: skus.code }).from(skus).where(eq(skus.id, values.sku_id)))[0]!.code;
      if (!existing && values.number === undefined)
        values.number = sql`'T' || lpad((floor(random() * 1e9))::bigint::text, 9, '0')`;
    },
    afterWrite: async ({ tx, ctx, row, existing }) => {
      const origin = row.origin_stock_location_id;
      if (
        existing &&
        existing.quantity === row.quantity &&
        existing.sku_id === row.sku_id &&
        existing.origin_stock_location_id === origin
      )
        return;
      if (existing) await release(tx, ctx.mode, { transferId: row.id }); // resized or moved: the hold is rebuilt
      await holdOrigin(tx, ctx.mode, row);
    },
    beforeDelete: async ({ tx, ctx, row }) => {
      if (row.shipment_id) throw errors.locked('The transfer belongs to a shipment: cancel it instead.');
      await release(tx, ctx.mode, { transferId: row.id });
    },
  },
});
