import { sql } from 'drizzle-orm';
import { shippingCategories, skus } from '../db/schema/catalog';
import { stockItems } from '../db/schema/stock';
import { relationship, violation } from '../jsonapi/violations';
import { attr, defineResource, rel } from './define';
import { marketLocations } from './scopes';
import { inventoryCache, inventoryWithRow } from './sku-inventory';

const cufs = { create: true, update: true, filter: true, sort: true } as const;
const cu = { create: true, update: true } as const;

export const shippingCategoriesResource = defineResource({
  type: 'shipping_categories',
  singular: 'shipping_category',
  description: 'Shipping categories group SKUs that ship together; shipments split by category.',
  table: shippingCategories,
  attributes: {
    name: attr.string({ column: shippingCategories.name, ...cufs, required: true }),
    code: attr.string({ column: shippingCategories.code, ...cufs, description: 'Unique within the environment.' }),
  },
  relationships: { skus: rel.toMany('skus', 'shipping_category_id') },
  uniques: { shipping_categories_mode_code_key: 'code' },
  lockedMessage: 'The shipping category cannot be deleted while SKUs or shipping methods use it.',
});

const t = skus;

/** The inventory part of a SKU, and its availability in the token's market (`inventory`). */
export const skusResource = defineResource({
  type: 'skus',
  singular: 'sku',
  description: 'A stock keeping unit: what is stocked, reserved and shipped.',
  table: t,
  attributes: {
    code: attr.string({
      column: t.code,
      ...cufs,
      required: true,
      description: 'The SKU code, unique within the environment.',
    }),
    name: attr.string({ column: t.name, ...cufs, required: true }),
    description: attr.string({ column: t.description, ...cu, filter: true }),
    image_url: attr.string({ column: t.image_url, ...cu, filter: true }),
    pieces_per_pack: attr.integer({ column: t.pieces_per_pack, ...cu, min: 1 }),
    weight: attr.float({ column: t.weight, ...cu, min: 0 }),
    unit_of_weight: attr.string({ column: t.unit_of_weight, ...cu, enum: ['gr', 'oz', 'lb'] }),
    hs_tariff_number: attr.string({ column: t.hs_tariff_number, ...cu }),
    do_not_ship: attr.boolean({
      column: t.do_not_ship,
      ...cufs,
      nullable: false,
      default: false,
      description: 'No shipment is generated; stock is still tracked.',
    }),
    do_not_track: attr.boolean({
      column: t.do_not_track,
      ...cufs,
      nullable: false,
      default: false,
      description: 'Stock is not tracked: always available, never decremented.',
    }),
    // computed by its loader (behaviour/skus.ts), from what is selected with the row
    inventory: attr.object({
      withRow: inventoryWithRow,
      explicitInLists: true,
      description:
        'Availability in the market of the token (null without one): quantity, available, ' +
        'and levels by stock location priority with delivery lead times. ' +
        'In lists only with fields[skus]=…,inventory.',
    }),
  },
  relationships: {
    shipping_category: rel.toOne('shipping_categories', 'shipping_category_id', { create: true, update: true }),
    stock_items: rel.toMany('stock_items', 'sku_id'),
    stock_reservations: rel.toMany('stock_reservations', 'sku_id'),
    delivery_lead_times: rel.toMany('delivery_lead_times', 'sku_id', { virtual: true }),
  },
  validate: (r) =>
    r.do_not_ship || r.shipping_category_id ? [] : [violation.blank(relationship('shipping_category'))],
  filterAliases: { codes: 'code_in' },
  uniques: { skus_mode_code_key: 'code' },
  lockedMessage: 'The SKU cannot be deleted while it has stock items.',
  access: { sales_channel: ['list', 'retrieve'] },
  cache: inventoryCache,
  // sellable in the market: a stock item in one of its stock locations, whatever the quantity
  scope: (p) =>
    sql`exists (select 1 from ${stockItems} where ${stockItems.sku_id} = ${t.id}
      and ${stockItems.stock_location_id} = any(array(${marketLocations(p)})))`,
});
