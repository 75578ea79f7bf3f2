import type {
  AddressCreate,
  DeliveryLeadTimeCreate,
  InventoryModelCreate,
  InventoryReturnLocationCreate,
  InventoryStockLocationCreate,
  LineItemCreate,
  MarketCreate,
  OrderCreate,
  ReturnCreate,
  ReturnLineItemCreate,
  ShippingCategoryCreate,
  ShippingMethodCreate,
  SkuCreate,
  StockItemCreate,
  StockLocationCreate,
  StockReservationCreate,
  StockTransferCreate,
} from '@commercelayer/sdk';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { factory } from './helpers/factory';
import { client } from './helpers/http';
import { expectClean, type Network, network, order, trigger } from './helpers/orders';
import { failure, login, sdk, useSdkApp } from './helpers/sdk';

// Every resource Allot serves, through @commercelayer/sdk's own resource clients and create types:
// list, retrieve, create, update and delete wherever the type allows them, each checked against
// what came back (docs/wire-format.md#routes).
let t: TestApp;
let cl: ReturnType<typeof sdk>;
let n: Network;
/** Records the cases point at, made through the HTTP API (the SDK calls under test are below). */
const f: Record<string, string> = {};

useSdkApp((s) => ({ t } = s));
afterEach(() => expectClean(t));
beforeAll(async () => {
  cl = sdk(await login(await t.application({ name: 'sdk resources' })));
  const api = client(t.app, t.tokens.admin);
  const make = factory(api);
  n = await network(api, { stock: { X: { A: 20 }, Y: { A: 5 } }, locations: ['A', 'B'] });
  f.spare = await make.stockLocation({ code: `spare-${n.model}` }); // in no model yet
  f.address = await make.address({ city: 'Genova' });
  f.method = await make.shippingMethod({}, n.market);
  // shipped, then open to returns; placed, holding 3 of X@A; a draft to add lines to
  f.shipped = await order(api, n, { X: 2 });
  for (const s of ['_place', '_approve']) await trigger(api, 'orders', f.shipped, s);
  const [shipment] = (await api.get(`/api/orders/${f.shipped}/shipments`)).body.data;
  for (const s of ['_packing', '_ready_to_ship', '_ship']) await trigger(api, 'shipments', shipment.id, s);
  f.shippedLine = (await api.get(`/api/orders/${f.shipped}/line_items`)).body.data[0].id;
  f.ret = await make.create(
    api,
    'returns',
    {},
    { order: { type: 'orders', id: f.shipped }, stock_location: { type: 'stock_locations', id: n.loc.A! } },
  );
  f.placed = await order(api, n, { X: 3 });
  await trigger(api, 'orders', f.placed, '_place');
  f.shipment = (await api.get(`/api/orders/${f.placed}/shipments`)).body.data[0].id;
  f.sli = (await api.get(`/api/orders/${f.placed}/stock_line_items`)).body.data[0].id;
  f.reservedStock = (await api.get(`/api/stock_items/${n.item['X@A']}/reserved_stock`)).body.data.id;
  f.draft = (
    await api.post('/api/orders', {
      data: { type: 'orders', attributes: {}, relationships: { market: { data: { type: 'markets', id: n.market } } } },
    })
  ).body.data.id;
});

interface Case {
  /** The create the SDK sends (typed with its own `…Create`), where the type may be created. */
  create?: () => object;
  /** An existing record, where it may not. */
  existing?: () => string;
  /** Attributes the record shows after create (or as it is). */
  shows: () => Record<string, unknown>;
  /** A relationship included on retrieve, and the record it must point at. */
  includes?: () => [string, string];
  /** An update the SDK sends, and what the record then shows (what was sent, by default). */
  update?: { send: Record<string, unknown>; shows?: Record<string, unknown> };
  delete?: boolean;
}

const rel = <T extends { relationship(id: string): unknown }>(r: T, id: string) => r.relationship(id) as never;
const uniq = (p: string) => `${p}-${n.model}`;

const CASES: Record<string, Case> = {
  inventory_models: {
    create: () => ({ name: 'SDK table', strategy: 'split_shipments' }) satisfies InventoryModelCreate,
    shows: () => ({ name: 'SDK table', strategy: 'split_shipments', stock_locations_cutoff: 2 }),
    update: { send: { stock_locations_cutoff: 3, manual_stock_decrement: true } },
    delete: true,
  },
  inventory_stock_locations: {
    create: () =>
      ({
        priority: 9,
        on_hold: true,
        stock_location: rel(cl.stock_locations, f.spare!),
        inventory_model: rel(cl.inventory_models, n.model),
      }) satisfies InventoryStockLocationCreate,
    shows: () => ({ priority: 9, on_hold: true }),
    includes: () => ['stock_location', f.spare!],
    update: { send: { priority: 8, on_hold: false } },
    delete: true,
  },
  inventory_return_locations: {
    create: () =>
      ({
        priority: 1,
        stock_location: rel(cl.stock_locations, f.spare!),
        inventory_model: rel(cl.inventory_models, n.model),
      }) satisfies InventoryReturnLocationCreate,
    shows: () => ({ priority: 1 }),
    includes: () => ['inventory_model', n.model],
    update: { send: { priority: 2 } },
    delete: true,
  },
  addresses: {
    create: () =>
      ({
        first_name: 'Grace',
        last_name: 'Hopper',
        line_1: 'Via XX Settembre 1',
        city: 'Genova',
        zip_code: '16121',
        country_code: 'IT',
        phone: '+39 010 000',
      }) satisfies AddressCreate,
    shows: () => ({ full_name: 'Grace Hopper', city: 'Genova', is_geocoded: false }),
    update: { send: { city: 'Savona', zip_code: '17100' } },
    delete: true,
  },
  stock_locations: {
    create: () =>
      ({
        name: 'SDK depot',
        code: uniq('sdk-depot'),
        address: rel(cl.addresses, f.address!),
      }) satisfies StockLocationCreate,
    shows: () => ({ name: 'SDK depot', label_format: 'PDF' }),
    includes: () => ['address', f.address!],
    update: { send: { label_format: 'ZPL' } },
    delete: true,
  },
  shipping_categories: {
    create: () => ({ name: 'SDK bulky', code: uniq('bulky') }) satisfies ShippingCategoryCreate,
    shows: () => ({ name: 'SDK bulky' }),
    update: { send: { name: 'SDK oversized' } },
    delete: true,
  },
  skus: {
    create: () =>
      ({
        code: uniq('SDK-SKU'),
        name: 'Poster',
        shipping_category: rel(cl.shipping_categories, n.category),
      }) satisfies SkuCreate,
    shows: () => ({ code: uniq('SDK-SKU'), name: 'Poster', do_not_ship: false }),
    includes: () => ['shipping_category', n.category],
    update: { send: { do_not_track: true, name: 'Poster A2' } },
    delete: true,
  },
  stock_items: {
    create: () =>
      ({
        sku_code: n.code('Y'),
        quantity: 3,
        stock_location: rel(cl.stock_locations, f.spare!),
      }) satisfies StockItemCreate,
    shows: () => ({ sku_code: n.code('Y'), quantity: 3 }),
    includes: () => ['sku', n.sku.Y!],
    update: { send: { quantity: 7 } },
    delete: true,
  },
  reserved_stocks: {
    existing: () => f.reservedStock!,
    shows: () => ({ quantity: 3 }),
    includes: () => ['stock_item', n.item['X@A']!],
  },
  markets: {
    // Allot has no merchants or price lists, which the SDK's MarketCreate type requires
    create: () =>
      ({
        name: 'SDK market',
        code: uniq('sdk-mkt'),
        inventory_model: rel(cl.inventory_models, n.model),
      }) as unknown as MarketCreate,
    shows: () => ({ name: 'SDK market', disabled_at: null }),
    includes: () => ['inventory_model', n.model],
    update: { send: { _disable: true }, shows: { disabled_at: expect.any(String) } },
    delete: true,
  },
  shipping_methods: {
    create: () =>
      ({ name: 'SDK express', currency_code: 'EUR', price_amount_cents: 1200 }) as unknown as ShippingMethodCreate,
    shows: () => ({ name: 'SDK express', price_amount_cents: 1200, formatted_price_amount: expect.any(String) }),
    update: { send: { price_amount_cents: 900 } },
    delete: true,
  },
  delivery_lead_times: {
    create: () =>
      ({
        min_hours: 24,
        max_hours: 48,
        stock_location: rel(cl.stock_locations, n.loc.A!),
        shipping_method: rel(cl.shipping_methods, f.method!),
      }) satisfies DeliveryLeadTimeCreate,
    shows: () => ({ min_hours: 24, max_hours: 48, min_days: 1, max_days: 2 }),
    includes: () => ['shipping_method', f.method!],
    update: { send: { max_hours: 72 }, shows: { max_hours: 72, max_days: 3 } },
    delete: true,
  },
  orders: {
    create: () =>
      ({
        customer_email: 'ada@example.com',
        language_code: 'it',
        coupon_code: 'SDK10',
        market: rel(cl.markets, n.market),
        shipping_address: rel(cl.addresses, f.address!),
      }) satisfies OrderCreate,
    shows: () => ({ status: 'draft', customer_email: 'ada@example.com', language_code: 'it', coupon_code: 'SDK10' }),
    includes: () => ['shipping_address', f.address!],
    update: { send: { gift_card_code: 'GC-1', metadata: { from: 'sdk' } } },
    delete: true,
  },
  line_items: {
    create: () => ({ sku_code: n.code('X'), quantity: 1, order: rel(cl.orders, f.draft!) }) satisfies LineItemCreate,
    shows: () => ({ sku_code: n.code('X'), quantity: 1, item_type: 'skus' }),
    includes: () => ['sku', n.sku.X!],
    update: { send: { quantity: 2 } },
    delete: true,
  },
  stock_reservations: {
    create: () => ({ quantity: 1, stock_item: rel(cl.stock_items, n.item['Y@A']!) }) satisfies StockReservationCreate,
    shows: () => ({ quantity: 1, status: 'draft', expires_at: expect.any(String) }),
    includes: () => ['stock_item', n.item['Y@A']!],
    update: { send: { quantity: 2 } },
    delete: true,
  },
  shipments: {
    existing: () => f.shipment!,
    shows: () => ({ status: 'upcoming', number: expect.stringMatching(/^#\d+\/S\/001$/) }),
    includes: () => ['order', f.placed!],
    update: { send: { _on_hold: true }, shows: { status: 'on_hold', on_hold_at: expect.any(String) } },
  },
  stock_line_items: {
    existing: () => f.sli!,
    shows: () => ({ sku_code: n.code('X'), quantity: 3 }),
    includes: () => ['stock_item', n.item['X@A']!],
    update: { send: { reference: 'pick-1' } },
  },
  stock_transfers: {
    create: () =>
      ({
        sku_code: n.code('X'),
        quantity: 2,
        origin_stock_location: rel(cl.stock_locations, n.loc.A!),
        destination_stock_location: rel(cl.stock_locations, n.loc.B!),
      }) as unknown as StockTransferCreate, // the SDK's type asks for `sku`; sku_code stands in for it
    shows: () => ({ status: 'draft', quantity: 2, sku_code: n.code('X') }),
    includes: () => ['destination_stock_location', n.loc.B!],
    update: { send: { quantity: 3 } },
    delete: true,
  },
  returns: {
    create: () =>
      ({ order: rel(cl.orders, f.shipped!), stock_location: rel(cl.stock_locations, n.loc.A!) }) satisfies ReturnCreate,
    shows: () => ({ status: 'draft' }),
    includes: () => ['order', f.shipped!],
    update: { send: { reference: 'RMA-1' } },
    delete: true,
  },
  return_line_items: {
    create: () =>
      ({
        quantity: 1,
        return: rel(cl.returns, f.ret!),
        line_item: rel(cl.line_items, f.shippedLine!),
      }) satisfies ReturnLineItemCreate,
    shows: () => ({ quantity: 1 }),
    includes: () => ['line_item', f.shippedLine!],
    update: { send: { quantity: 2 } },
    delete: true,
  },
};

describe('every resource through its SDK client', () => {
  it.each(Object.keys(CASES))('%s', async (type) => {
    const c = CASES[type]!;
    // the SDK's resource client for the type: cl.inventory_models, cl.stock_items, …
    const r = (cl as unknown as Record<string, any>)[type];
    let id: string;
    if (c.create) {
      const created = await r.create(c.create());
      expect(created).toMatchObject({ type, ...c.shows() });
      id = created.id;
    } else id = c.existing!();

    const got = await r.retrieve(id, c.includes ? { include: [c.includes()[0]] } : undefined);
    expect(got).toMatchObject({ id, type, ...c.shows() });
    if (c.includes) {
      const [name, target] = c.includes();
      expect(got[name], name).toMatchObject({ id: target });
    }
    const listed = await r.list({ filters: { id_eq: id } });
    expect(Array.from(listed, (x: { id: string }) => x.id)).toEqual([id]);
    expect(listed.meta).toMatchObject({ recordCount: 1, pageCount: 1 });

    if (c.update) {
      const updated = await r.update({ id, ...c.update.send });
      expect(updated).toMatchObject({ id, ...(c.update.shows ?? c.update.send) });
      expect(await r.retrieve(id)).toMatchObject(c.update.shows ?? c.update.send);
    }
    if (c.delete) {
      await expect(r.delete(id)).resolves.toBeUndefined();
      expect((await failure(r.retrieve(id))).status).toBe(404);
    }
  });

  it('versions, through the SDK adapter (SDK 7 has no versions client): one per write, naming the \
application', async () => {
    // the generic adapter every SDK resource client uses (protected in its types), asked for a type
    // it has no client for
    const adapter = (cl as unknown as { adapter: { fetch(type: string, path: string, params?: object): Promise<any> } })
      .adapter;
    const model = await cl.inventory_models.create({ name: 'Versioned' });
    await cl.inventory_models.update({ id: model.id, name: 'Versioned v2' });
    const list = await adapter.fetch('versions', 'versions', {
      filters: { resource_id_eq: model.id },
      sort: { created_at: 'asc' },
    });
    expect(Array.from(list, (v: any) => [v.type, v.resource_type, v.event])).toEqual([
      ['versions', 'inventory_models', 'create'],
      ['versions', 'inventory_models', 'update'],
    ]);
    expect(list[1].changes).toEqual({ name: ['Versioned', 'Versioned v2'] });
    const one = await adapter.fetch('versions', `versions/${list[0].id}`);
    expect(one).toMatchObject({ id: list[0].id, resource_id: model.id, who: { application: { kind: 'integration' } } });
    const under = await adapter.fetch('versions', `inventory_models/${model.id}/versions`);
    expect(under.meta).toMatchObject({ recordCount: 2 });
  });

  it('the organization and the application singletons', async () => {
    const org = await cl.organization.retrieve();
    expect(org).toMatchObject({ type: 'organizations', slug: 'local', name: expect.any(String) });
    // the settings of imports and exports, as the SDK types them: Allot's limits and behaviour
    expect(org).toMatchObject({
      imports_max_concurrent_count: 10,
      exports_max_concurrent_count: 10,
      imports_skip_errors: false,
      imports_trigger_webhooks: false,
      imports_purge_cache: true,
    });
    const app = await cl.application.retrieve();
    expect(cl.application.isApplication(app)).toBe(true);
    expect(app).toMatchObject({ type: 'applications', kind: 'integration', name: 'sdk resources' });
  });
});
