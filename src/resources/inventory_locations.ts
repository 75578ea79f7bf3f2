import { inventoryReturnLocations, inventoryStockLocations } from '../db/schema/stock';
import { attr, defineResource, type ResourceDefinition, rel } from './define';

const s = inventoryStockLocations;
const cufs = { create: true, update: true, filter: true, sort: true } as const;

const islAttributes = {
  priority: attr.integer({
    column: s.priority,
    ...cufs,
    required: true,
    description: 'The stock location priority within the associated inventory model (lower first).',
  }),
  on_hold: attr.boolean({
    column: s.on_hold,
    ...cufs,
    nullable: false,
    default: false,
    description: 'Shipments from this stock location are put on hold (back-orders, pre-orders, personalisation).',
  }),
};
const islRelationships = {
  stock_location: rel.toOne('stock_locations', 'stock_location_id', { create: true, update: true, required: true }),
  inventory_model: rel.toOne('inventory_models', 'inventory_model_id', { create: true, update: true, required: true }),
};

/**
 * A stock location's priority within an inventory model; one per (model, location)
 * (docs/resources.md#inventory-stock-locations).
 */
export const inventoryStockLocationsResource = defineResource({
  type: 'inventory_stock_locations',
  singular: 'inventory_stock_location',
  description: 'The priority of a stock location within an inventory model.',
  table: s,
  attributes: islAttributes,
  relationships: islRelationships,
  uniques: { inventory_stock_locations_model_location_key: 'stock_location' },
});

/** The same records under the 2019 name the seed documents use (`stock_levels`). */
export const stockLevelsResource: ResourceDefinition = {
  ...inventoryStockLocationsResource,
  type: 'stock_levels',
  singular: 'stock_level',
  description: 'Alias of inventory_stock_locations (the 2019 API name).',
};

const r = inventoryReturnLocations;

/** Where returns go back to, by priority (docs/resources.md#inventory-return-locations). */
export const inventoryReturnLocationsResource = defineResource({
  type: 'inventory_return_locations',
  singular: 'inventory_return_location',
  description: 'The priority of a stock location as a return destination within an inventory model.',
  table: r,
  attributes: {
    priority: attr.integer({
      column: r.priority,
      ...cufs,
      required: true,
      description: 'The stock location priority within the associated inventory model (lower first).',
    }),
  },
  relationships: islRelationships,
  uniques: { inventory_return_locations_model_location_key: 'stock_location' },
});
