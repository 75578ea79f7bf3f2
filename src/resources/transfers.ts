import { stockTransfers } from '../db/schema/transfers';
import { TRANSFER } from '../inventory/state-machine';
import { relationship, violation } from '../jsonapi/violations';
import { attr, defineResource, rel, type TriggerSpec } from './define';

const t = stockTransfers;
const read = { filter: true, sort: true } as const;

/** The transfer's state machine: each trigger moves it to one status. */
const steps = Object.fromEntries(
  Object.keys(TRANSFER).map((name): [string, TriggerSpec] => [
    name,
    {
      on: ['update'],
      description:
        name === '_upcoming'
          ? 'Move the stock transfer to upcoming: hold its units on the origin (a draft holds nothing).'
          : `Move the stock transfer to ${TRANSFER[name]!.to}.`,
    },
  ]),
);

/** Stock moving between locations, for a shipment (ship_from_primary) or on its own. */
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
  triggers: steps,
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
      ? [violation.unacceptable(relationship('destination_stock_location'), 'must differ from the origin')]
      : [],
});
