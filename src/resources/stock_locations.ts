import { stockLocations } from '../db/schema/stock';
import { attr, defineResource, rel } from './define';

const t = stockLocations;
const cufs = { create: true, update: true, filter: true, sort: true } as const;

/**
 * Where stock is kept; `code` is unique per mode and used in `stock_location:code:` scopes
 * (docs/resources.md#stock-locations).
 */
export const stockLocationsResource = defineResource({
  type: 'stock_locations',
  singular: 'stock_location',
  description: 'A place where stock is kept and shipped from.',
  table: t,
  attributes: {
    number: attr.integer({
      column: t.number,
      filter: true,
      sort: true,
      description: 'Unique identifier for the stock location (numeric).',
    }),
    name: attr.string({ column: t.name, ...cufs, required: true, description: "The stock location's internal name." }),
    code: attr.string({
      column: t.code,
      ...cufs,
      description: 'A string that you can use to identify the stock location (must be unique within the environment).',
    }),
    label_format: attr.string({
      column: t.label_format,
      ...cufs,
      enum: ['PDF', 'ZPL', 'EPL2', 'PNG'],
      nullable: false,
      default: 'PDF',
      description: 'The shipping label format for this stock location.',
    }),
    suppress_etd: attr.boolean({
      column: t.suppress_etd,
      ...cufs,
      nullable: false,
      default: false,
      description:
        'Flag it if you want to skip the electronic invoice creation ' +
        'when generating the customs info for this stock location shipments.',
    }),
  },
  relationships: {
    address: rel.toOne('addresses', 'address_id', { create: true, update: true, required: true }),
    inventory_stock_locations: rel.toMany('inventory_stock_locations', 'stock_location_id'),
    inventory_return_locations: rel.toMany('inventory_return_locations', 'stock_location_id'),
    stock_items: rel.toMany('stock_items', 'stock_location_id'),
    stock_transfers: rel.toMany('stock_transfers', 'origin_stock_location_id'),
  },
  uniques: { stock_locations_mode_code_key: 'code' },
  lockedMessage: 'The stock location cannot be deleted while it has stock items or belongs to an inventory model.',
});
