import { eq, sql } from 'drizzle-orm';
import { orders, shipments, stockLineItems } from '../db/schema/orders';
import { stockReservations } from '../db/schema/reservations';
import { stockItems } from '../db/schema/stock';
import type { Tx } from '../db/tx';
import { SHIPMENT } from '../inventory/state-machine';
import { errors } from '../jsonapi/errors';
import type { Row } from '../rows/row';
import { manualStockTrigger } from '../services/manual-stock';
import { adjustReserved, sweepExpired } from '../services/stock';
import { releaseShipment } from '../services/stock-moves';
import { transition } from '../services/transition';
import { attr, defineResource, rel, type Trigger } from './define';
import { scopeMarkets } from './scopes';

const s = shipments;
const read = { filter: true, sort: true } as const;

/** A shipment trigger (spec §4.4); `_cancel` releases (or restocks) its units first. */
const shipmentTrigger = (name: string): Trigger => ({
  on: ['update'],
  prohibited: name === '_upcoming' || name === '_cancel',
  description: `Move the shipment to ${SHIPMENT[name]!.to}.`,
  run: async ({ tx, ctx, row }) => {
    const moved = await transition(
      tx,
      'shipments',
      SHIPMENT,
      name,
      row,
      name === '_cancel' ? () => releaseShipment(tx, ctx.mode, row.id) : undefined,
    );
    // the order is fulfilled once every live shipment has left (spec §3.15)
    if (moved && (name === '_ship' || name === '_cancel')) {
      await tx.execute(sql`update orders set fulfillment_status = 'fulfilled', updated_at = now() where id = ${row.order_id} and fulfillment_status = 'in_progress'
        and not exists (select 1 from shipments x where x.order_id = ${row.order_id} and x.status not in ('shipped', 'delivered', 'cancelled'))
        and exists (select 1 from shipments x where x.order_id = ${row.order_id} and x.status in ('shipped', 'delivered'))`);
    }
  },
});

const orderVisible = (p: Parameters<typeof scopeMarkets>[0]) =>
  sql`exists (select 1 from ${orders} where ${orders.id} = ${s.order_id} and ${orders.market_id} in (${scopeMarkets(p)}) and ${orders.status} in ('draft', 'pending', 'placed'))`;

/** spec §3.17, the inventory part: what one location ships, and why (`allocation`). */
export const shipmentsResource = defineResource({
  type: 'shipments',
  singular: 'shipment',
  description: 'The units one stock location ships for an order.',
  table: s,
  actions: ['list', 'retrieve', 'update'],
  attributes: {
    number: attr.string({ column: s.number, ...read }),
    status: attr.string({ column: s.status, ...read }),
    allocation: attr.object({
      column: s.allocation,
      description: 'Allot: which strategy chose this location and why.',
    }),
    on_hold_at: attr.datetime({ column: s.on_hold_at, ...read }),
    picking_at: attr.datetime({ column: s.picking_at, ...read }),
    packing_at: attr.datetime({ column: s.packing_at, ...read }),
    ready_to_ship_at: attr.datetime({ column: s.ready_to_ship_at, ...read }),
    shipped_at: attr.datetime({ column: s.shipped_at, ...read }),
    delivered_at: attr.datetime({ column: s.delivered_at, ...read }),
    cancelled_at: attr.datetime({ column: s.cancelled_at, ...read }),
  },
  triggers: {
    ...Object.fromEntries(Object.keys(SHIPMENT).map((n) => [n, shipmentTrigger(n)])),
    _decrement_stock: manualStockTrigger('_decrement_stock', (r) => ({ shipmentId: r.id })),
    _release_stock: manualStockTrigger('_release_stock', (r) => ({ shipmentId: r.id })),
    _reserve_stock: manualStockTrigger('_reserve_stock', (r) => ({ shipmentId: r.id })),
  },
  relationships: {
    order: rel.toOne('orders', 'order_id'),
    inventory_stock_location: rel.toOne('inventory_stock_locations', 'inventory_stock_location_id'),
    stock_location: rel.toOne('stock_locations', 'stock_location_id'),
    shipping_category: rel.toOne('shipping_categories', 'shipping_category_id'),
    stock_line_items: rel.toMany('stock_line_items', 'shipment_id'),
    stock_transfers: rel.toMany('stock_transfers', 'shipment_id'),
  },
  access: { sales_channel: ['retrieve'] },
  scope: orderVisible,
});

const sli = stockLineItems;

/** spec §3.10: units of one SKU, from one stock item, in one shipment (none for do_not_ship). */
export const stockLineItemsResource = defineResource({
  type: 'stock_line_items',
  singular: 'stock_line_item',
  description: 'Units of a SKU taken from one stock item for an order.',
  table: sli,
  actions: ['list', 'retrieve', 'update'],
  attributes: {
    sku_code: attr.string({ column: sli.sku_code, filter: true }),
    quantity: attr.integer({ column: sli.quantity, ...read }),
    name: attr.string({ column: sli.name }),
  },
  triggers: {
    _decrement_stock: manualStockTrigger('_decrement_stock', (r) => ({ stockLineItemId: r.id })),
    _release_stock: manualStockTrigger('_release_stock', (r) => ({ stockLineItemId: r.id })),
    _reserve_stock: manualStockTrigger('_reserve_stock', (r) => ({ stockLineItemId: r.id })),
  },
  relationships: {
    shipment: rel.toOne('shipments', 'shipment_id'),
    line_item: rel.toOne('line_items', 'line_item_id'),
    stock_item: rel.toOne('stock_items', 'stock_item_id'),
    sku: rel.toOne('skus', 'sku_id'),
    stock_reservation: rel.hasOne('stock_reservations', 'stock_line_item_id'),
  },
});

const r = stockReservations;

/** 404, keeping the sweep that found the reservation expired. */
const gone = () => Object.assign(errors.recordNotFound(), { commitFirst: true });

/** A draft past `expires_at` no longer exists (spec §4.3): sweep its stock item and tell whether it went. */
async function expiredAway(tx: Tx, mode: string, row: Row): Promise<boolean> {
  if (row.status !== 'draft') return false;
  await sweepExpired(tx, mode, [row.stock_item_id]);
  const still = await tx.select({ id: r.id }).from(r).where(eq(r.id, row.id));
  return still.length === 0;
}

/** spec §3.8: a hold on a stock item; drafts expire, pending ones live until approval or cancel. */
export const stockReservationsResource = defineResource({
  type: 'stock_reservations',
  singular: 'stock_reservation',
  description: 'A hold on units of a stock item.',
  table: r,
  attributes: {
    status: attr.string({ column: r.status, ...read }),
    quantity: attr.integer({ column: r.quantity, create: true, update: true, ...read, required: true, min: 1 }),
    expires_at: attr.datetime({ column: r.expires_at, ...read }),
  },
  triggers: {
    _pending: {
      on: ['update'],
      description: 'Make a draft reservation pending: it no longer expires.',
      run: async ({ tx, row }) => {
        await tx.execute(
          sql`update stock_reservations set status = 'pending', expires_at = null, updated_at = now() where id = ${row.id} and status = 'draft'`,
        );
      },
    },
  },
  relationships: {
    stock_item: rel.toOne('stock_items', 'stock_item_id', { create: true, required: true }),
    sku: rel.toOne('skus', 'sku_id'),
    order: rel.toOne('orders', 'order_id'),
    line_item: rel.toOne('line_items', 'line_item_id'),
    stock_line_item: rel.toOne('stock_line_items', 'stock_line_item_id'),
  },
  hooks: {
    beforeWrite: async ({ tx, ctx, values, existing }) => {
      if (!existing) {
        const [item] = await tx
          .select({ sku_id: stockItems.sku_id })
          .from(stockItems)
          .where(eq(stockItems.id, values.stock_item_id))
          .for('update');
        values.sku_id = item!.sku_id;
        values.status = 'draft';
        values.expires_at = sql`now() + interval '3600 seconds'`; // no model to ask: Commerce Layer's default cutoff [INF]
        await adjustReserved(tx, ctx.mode, values.stock_item_id, values.quantity);
        return;
      }
      if (await expiredAway(tx, ctx.mode, existing)) throw gone();
      if (values.quantity !== undefined) {
        if (existing.order_id)
          throw errors.validation([
            {
              attribute: 'quantity',
              message: "belongs to an order: change the order's line items instead",
              error: 'invalid',
            },
          ]);
        await adjustReserved(tx, ctx.mode, existing.stock_item_id, values.quantity - existing.quantity);
      }
    },
    beforeDelete: async ({ tx, ctx, row }) => {
      if (await expiredAway(tx, ctx.mode, row)) throw gone();
      if (row.stock_line_item_id)
        throw errors.locked('The reservation belongs to a placed order: cancel the order or its shipment instead.');
      await adjustReserved(tx, ctx.mode, row.stock_item_id, -row.quantity);
    },
  },
});
