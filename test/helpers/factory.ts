import { expect } from 'vitest';
import { type Client, doc } from './http';

/** Small builders that create records through the API, as a user would; each returns the created id. */
let seq = 0;
const uniq = (p: string) => `${p}-${process.pid}-${++seq}`;

async function create(
  api: Client,
  type: string,
  attributes: Record<string, unknown>,
  relationships: Record<string, { type: string; id: string } | null> = {},
) {
  const rels = Object.fromEntries(Object.entries(relationships).map(([k, v]) => [k, { data: v }]));
  const res = await api.post(`/api/${type}`, doc(type, attributes, rels));
  if (res.status !== 201) throw new Error(`create ${type}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.id as string;
}

export const factory = (api: Client) => ({
  create,
  address: (attrs: Record<string, unknown> = {}) =>
    create(api, 'addresses', {
      first_name: 'Ada',
      last_name: 'Lovelace',
      line_1: '1 Main St',
      city: 'Milan',
      zip_code: '20100',
      country_code: 'IT',
      phone: '+39 02 000000',
      ...attrs,
    }),
  async stockLocation(attrs: Record<string, unknown> = {}) {
    const address = await this.address();
    return create(
      api,
      'stock_locations',
      { name: uniq('WH'), ...attrs },
      { address: { type: 'addresses', id: address } },
    );
  },
  inventoryModel: (attrs: Record<string, unknown> = {}) =>
    create(api, 'inventory_models', { name: uniq('IM'), ...attrs }),
  inventoryStockLocation: (model: string, location: string, priority: number, attrs: Record<string, unknown> = {}) =>
    create(
      api,
      'inventory_stock_locations',
      { priority, ...attrs },
      {
        inventory_model: { type: 'inventory_models', id: model },
        stock_location: { type: 'stock_locations', id: location },
      },
    ),
  shippingCategory: (attrs: Record<string, unknown> = {}) =>
    create(api, 'shipping_categories', { name: uniq('Cat'), ...attrs }),
  async sku(attrs: Record<string, unknown> = {}, category?: string) {
    const cat = category ?? (await this.shippingCategory());
    return create(
      api,
      'skus',
      { code: uniq('SKU'), name: 'A SKU', ...attrs },
      { shipping_category: { type: 'shipping_categories', id: cat } },
    );
  },
  stockItem: (sku: string, location: string, quantity: number) =>
    create(
      api,
      'stock_items',
      { quantity },
      { sku: { type: 'skus', id: sku }, stock_location: { type: 'stock_locations', id: location } },
    ),
  market: (model: string, attrs: Record<string, unknown> = {}) =>
    create(
      api,
      'markets',
      { name: uniq('Market'), code: uniq('mkt'), ...attrs },
      { inventory_model: { type: 'inventory_models', id: model } },
    ),
  shippingMethod: (attrs: Record<string, unknown> = {}, market?: string) =>
    create(
      api,
      'shipping_methods',
      { name: uniq('Ship'), currency_code: 'EUR', price_amount_cents: 700, ...attrs },
      market ? { market: { type: 'markets', id: market } } : {},
    ),
  deliveryLeadTime: (location: string, method: string, min: number, max: number) =>
    create(
      api,
      'delivery_lead_times',
      { min_hours: min, max_hours: max },
      {
        stock_location: { type: 'stock_locations', id: location },
        shipping_method: { type: 'shipping_methods', id: method },
      },
    ),
  /** A market whose model ranks two stock locations (a first, then b), and a SKU stocked in both. */
  async twoLocationMarket(o: { cutoff: number; code: string; quantities: [number, number] }) {
    const model = await this.inventoryModel({ stock_locations_cutoff: o.cutoff });
    const [a, b] = [await this.stockLocation(), await this.stockLocation()];
    const [islA, islB] = [
      await this.inventoryStockLocation(model, a, 1),
      await this.inventoryStockLocation(model, b, 2),
    ];
    const market = await this.market(model, { code: o.code });
    const sku = await this.sku();
    const [itemA, itemB] = [
      await this.stockItem(sku, a, o.quantities[0]),
      await this.stockItem(sku, b, o.quantities[1]),
    ];
    return { model, a, b, islA, islB, market, sku, itemA, itemB };
  },
});

export async function expectStatus(p: Promise<{ status: number; body: any }>, status: number, code?: string) {
  const res = await p;
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  if (code) expect(res.body.errors[0].code).toBe(code);
  return res;
}
