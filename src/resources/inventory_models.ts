import { inventoryModels, STRATEGIES } from '../db/schema/inventory_models';
import { attr, defineResource, rel } from './define';

const t = inventoryModels;
const cu = { create: true, update: true, filter: true, sort: true } as const;

/**
 * Stock locations by priority; the priority and cutoff decide what a market can sell
 * (docs/resources.md#inventory-models).
 */
export const inventoryModelsResource = defineResource({
  type: 'inventory_models',
  singular: 'inventory_model',
  description:
    'An inventory model defines a list of stock locations ordered by priority. ' +
    'The priority and cutoff determine how the availability of SKUs gets calculated within a market.',
  table: t,
  attributes: {
    name: attr.string({ column: t.name, ...cu, required: true, description: "The inventory model's internal name." }),
    strategy: attr.string({
      column: t.strategy,
      ...cu,
      enum: STRATEGIES,
      nullable: false,
      default: 'no_split',
      description:
        "The inventory model's shipping strategy: one between no_split (default), split_shipments, " +
        'split_by_line_items, ship_from_primary and ship_from_first_available_or_primary.',
    }),
    stock_locations_cutoff: attr.integer({
      column: t.stock_locations_cutoff,
      ...cu,
      min: 1,
      max: 10,
      nullable: false,
      default: 2,
      description: 'The maximum number of stock locations used for inventory computation.',
    }),
    stock_reservation_cutoff: attr.integer({
      column: t.stock_reservation_cutoff,
      ...cu,
      greaterThan: 0,
      nullable: false,
      default: 3600,
      description: 'The duration in seconds of the generated stock reservations.',
    }),
    put_stock_transfers_on_hold: attr.boolean({
      column: t.put_stock_transfers_on_hold,
      create: true,
      update: true,
      nullable: false,
      default: false,
      description:
        'Indicates if the the stock transfers must be put on hold automatically with the associated shipment.',
    }),
    manual_stock_decrement: attr.boolean({
      column: t.manual_stock_decrement,
      create: true,
      update: true,
      nullable: false,
      default: false,
      description: 'Indicates if the the stock will be decremented manually after the order approval.',
    }),
  },
  relationships: {
    inventory_stock_locations: rel.toMany('inventory_stock_locations', 'inventory_model_id', {
      description: 'The stock locations of the model, with their priority.',
    }),
    inventory_return_locations: rel.toMany('inventory_return_locations', 'inventory_model_id', {
      description: 'The stock locations returns go back to, with their priority.',
    }),
    // The seed document's (2019) name for inventory_stock_locations; kept so old integrations work.
    stock_levels: rel.toMany('stock_levels', 'inventory_model_id', {
      description: 'Alias of inventory_stock_locations (the 2019 API name).',
    }),
  },
  lockedMessage: 'The inventory model cannot be deleted while markets use it.',
});
