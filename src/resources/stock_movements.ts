import type { PgTable } from 'drizzle-orm/pg-core';
import { stockMovements } from '../db/schema/transfers';
import { attr, defineResource, rel } from './define';

const t = stockMovements;

/** Who and what moved stock; `source_type` names the resource `source_id` belongs to. */
export const SOURCE_TYPES = ['orders', 'stock_transfers', 'returns', 'imports'] as const;

/**
 * The stock ledger, read-only (an Allot extension, docs/ledger-and-check.md): one row per change of a
 * stock item's counters, newest first. The counters after each movement, who made it and what it was
 * for are computed for the page (behaviour/stock_movements.ts), so is the quantity `as_of` a time.
 */
const base = defineResource({
  type: 'stock_movements',
  singular: 'stock_movement',
  description:
    'A change of a stock item’s on-hand quantity or reserved count, from the stock ledger (Allot extension).',
  table: t as unknown as PgTable,
  actions: ['list', 'retrieve'],
  attributes: {
    quantity_delta: attr.integer({ column: t.quantity_delta, filter: true, description: 'Change of on hand.' }),
    reserved_delta: attr.integer({ column: t.reserved_delta, filter: true, description: 'Change of reserved.' }),
    quantity_after: attr.integer({
      description: 'The stock item’s on-hand quantity right after this movement (the ledger replayed up to it).',
    }),
    reserved_after: attr.integer({
      description: 'The stock item’s reserved count right after this movement (the ledger replayed up to it).',
    }),
    reason: attr.string({
      column: t.reason,
      filter: true,
      description: 'reserved, released, decremented, adjusted, transfer_out {id}, restock return {id}, import…',
    }),
    application_id: attr.string({
      description: 'The application whose request moved the stock (from the version written with it), or null.',
    }),
    request_id: attr.string({ description: 'The request (or import) that moved the stock, or null.' }),
    source_type: attr.string({
      enum: SOURCE_TYPES,
      description: 'The type of the resource behind the movement: orders, stock_transfers, returns, imports, or null.',
    }),
    source_id: attr.string({ description: 'The id of the order, transfer, return or import behind it, or null.' }),
  },
  relationships: {
    stock_item: rel.toOne('stock_items', 'stock_item_id', { description: 'The stock item that moved.' }),
    sku: rel.toOne('skus', 'sku_id', { description: 'Its SKU.' }),
    stock_location: rel.toOne('stock_locations', 'stock_location_id', { description: 'Its stock location.' }),
  },
  versioned: false,
  defaultSort: [{ field: 'id', desc: true }],
  listParams: {
    as_of: {
      description:
        'An ISO 8601 time: adds meta.as_of = { at, quantity, reserved }, the stock item’s counters replayed from ' +
        'the ledger up to that time (movements with created_at <= at). Needs one stock item: the related ' +
        'endpoint of a stock item, or filter[q][stock_item_id_eq].',
      schema: { type: 'string', format: 'date-time' },
    },
  },
});

// the ledger has no reference, metadata or history of its own; ids are bigserial numbers, strings on the wire
const { reference: _r, reference_origin: _o, metadata: _m, ...attributes } = base.attributes;
const { versions: _v, ...relationships } = base.relationships;
export const stockMovementsResource = {
  ...base,
  attributes: Object.assign(Object.create(null), attributes, {
    id: attr.integer({ column: t.id, fetch: false, filter: true, sort: true, description: 'The movement’s number.' }),
    updated_at: attr.datetime({ read: (row) => row.created_at, description: 'Same as created_at: never updated.' }),
  }),
  relationships: Object.assign(Object.create(null), relationships),
};
