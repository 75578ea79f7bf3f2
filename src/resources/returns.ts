import { returnLineItems, returns } from '../db/schema/returns';
import { RETURN } from '../inventory/state-machine';
import { attr, defineResource, rel, type TriggerSpec } from './define';

const r = returns;
const read = { filter: true, sort: true } as const;

/** The return's state machine: each trigger moves it to one status. */
const steps = Object.fromEntries(
  Object.keys(RETURN).map((name): [string, TriggerSpec] => [
    name,
    { on: ['update'], description: `Move the return to ${RETURN[name]!.to}.` },
  ]),
);

/** A return goes back to the model's highest-priority return location unless one is given. */
export const returnsResource = defineResource({
  type: 'returns',
  singular: 'return',
  description: 'Goods of an order coming back into stock.',
  table: r,
  attributes: {
    number: attr.string({ column: r.number, ...read }),
    status: attr.string({ column: r.status, ...read }),
    approved_at: attr.datetime({ column: r.approved_at, ...read }),
    received_at: attr.datetime({ column: r.received_at, ...read }),
    cancelled_at: attr.datetime({ column: r.cancelled_at, ...read }),
    restocked_at: attr.datetime({ column: r.restocked_at, ...read }),
  },
  triggers: {
    ...steps,
    _restock: { on: ['update'], description: 'Put every returned unit back into the return stock location (once).' },
  },
  relationships: {
    order: rel.toOne('orders', 'order_id', { create: true, required: true }),
    stock_location: rel.toOne('stock_locations', 'stock_location_id', { create: true, update: true }),
    return_line_items: rel.toMany('return_line_items', 'return_id'),
  },
});

const rli = returnLineItems;

/** A returned quantity of one line item: at most what shipped, less what other returns took. */
export const returnLineItemsResource = defineResource({
  type: 'return_line_items',
  singular: 'return_line_item',
  description: 'Units of one line item in a return.',
  table: rli,
  attributes: {
    sku_code: attr.string({ column: rli.sku_code, filter: true }),
    quantity: attr.integer({ column: rli.quantity, create: true, update: true, ...read, required: true, min: 1 }),
    restocked_at: attr.datetime({ column: rli.restocked_at, ...read }),
  },
  triggers: {
    _restock: { on: ['update'], description: "Put this line's units back into the return stock location (once)." },
  },
  relationships: {
    return: rel.toOne('returns', 'return_id', { create: true, required: true }),
    line_item: rel.toOne('line_items', 'line_item_id', { create: true, required: true }),
  },
});
