import { sql } from 'drizzle-orm';
import { orders, shipments, stockLineItems } from '../db/schema/orders';
import { stockReservations } from '../db/schema/reservations';
import { SHIPMENT } from '../inventory/state-machine';
import { attr, defineResource, rel, type TriggerSpec } from './define';
import { scopeMarkets } from './scopes';

const s = shipments;
const read = { filter: true, sort: true } as const;

/** The shipment's state machine: each trigger moves it to one status (`_cancel` releases or restocks its units). */
const shipmentSteps = Object.fromEntries(
  Object.keys(SHIPMENT).map((name): [string, TriggerSpec] => [
    name,
    {
      on: ['update'],
      prohibited: name === '_upcoming' || name === '_cancel',
      description: `Move the shipment to ${SHIPMENT[name]!.to}.`,
    },
  ]),
);

/**
 * Stock moved by hand under `manual_stock_decrement`, on a shipment or one stock line item, only
 * while the order's fulfillment is in progress.
 */
const manualStock: Record<string, TriggerSpec> = {
  _decrement_stock: {
    on: ['update'],
    prohibited: true,
    description: 'Decrement the stock and release its hold (once).',
  },
  _release_stock: { on: ['update'], prohibited: true, description: 'Release the stock held.' },
  _reserve_stock: { on: ['update'], prohibited: true, description: 'Hold the stock again.' },
};

const orderVisible = (p: Parameters<typeof scopeMarkets>[0]) =>
  sql`exists (select 1 from ${orders} where ${orders.id} = ${s.order_id}
    and ${orders.market_id} in (${scopeMarkets(p)}) and ${orders.status} in ('draft', 'pending', 'placed'))`;

/** The inventory part of a shipment: what one location ships, and why (`allocation`). */
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
  triggers: { ...shipmentSteps, ...manualStock },
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

/** Units of one SKU, from one stock item, in one shipment (none for do_not_ship). */
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
  triggers: manualStock,
  relationships: {
    shipment: rel.toOne('shipments', 'shipment_id'),
    line_item: rel.toOne('line_items', 'line_item_id'),
    stock_item: rel.toOne('stock_items', 'stock_item_id'),
    sku: rel.toOne('skus', 'sku_id'),
    stock_reservation: rel.hasOne('stock_reservations', 'stock_line_item_id'),
  },
});

const r = stockReservations;

/** A hold on a stock item; drafts expire, pending ones live until approval or cancel. */
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
  triggers: { _pending: { on: ['update'], description: 'Make a draft reservation pending: it no longer expires.' } },
  relationships: {
    stock_item: rel.toOne('stock_items', 'stock_item_id', { create: true, required: true }),
    sku: rel.toOne('skus', 'sku_id'),
    order: rel.toOne('orders', 'order_id'),
    line_item: rel.toOne('line_items', 'line_item_id'),
    stock_line_item: rel.toOne('stock_line_items', 'stock_line_item_id'),
  },
});
