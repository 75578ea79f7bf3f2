import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { failure, login, sdk, useSdkApp } from './helpers/sdk';

// Stock and availability through the official clients (js-auth + @commercelayer/sdk) against a listening
// server (test/helpers/sdk.ts).
let t: TestApp;
let cl: ReturnType<typeof sdk>;
let shop: ReturnType<typeof sdk>;
const id: Record<string, string> = {};

useSdkApp((s) => ({ t } = s));
beforeAll(async () => {
  cl = sdk(await login(await t.application({ name: 'sdk stock admin' })));

  // everything below through the SDK's typed resources, as an integration would
  const address = await cl.addresses.create({
    first_name: 'Ada',
    last_name: 'Lovelace',
    line_1: 'Via Roma 1',
    city: 'Milano',
    zip_code: '20121',
    country_code: 'IT',
    phone: '+39 02 123456',
  });
  id.address = address.id;
  const milan = await cl.stock_locations.create({
    name: 'Milan warehouse',
    code: 'mil',
    address: cl.addresses.relationship(address.id),
  });
  const turin = await cl.stock_locations.create({
    name: 'Turin warehouse',
    code: 'tur',
    address: cl.addresses.relationship(address.id),
  });
  const model = await cl.inventory_models.create({ name: 'Italy', stock_locations_cutoff: 2 });
  Object.assign(id, { milan: milan.id, turin: turin.id, model: model.id });
  for (const [location, priority] of [
    [turin, 2],
    [milan, 1],
  ] as const) {
    await cl.inventory_stock_locations.create({
      priority,
      stock_location: cl.stock_locations.relationship(location.id),
      inventory_model: cl.inventory_models.relationship(model.id),
    });
  }
  const category = await cl.shipping_categories.create({ name: 'Parcels', code: 'parcels' });
  for (const code of ['TSHIRT', 'MUG', 'POSTER'])
    id[code] = (
      await cl.skus.create({
        code,
        name: code.toLowerCase(),
        shipping_category: cl.shipping_categories.relationship(category.id),
      })
    ).id;
  id.byCode = (
    await cl.stock_items.create({
      sku_code: 'TSHIRT',
      quantity: 10,
      stock_location: cl.stock_locations.relationship(milan.id),
    })
  ).id;
  await cl.stock_items.create({
    quantity: 4,
    sku: cl.skus.relationship(id.TSHIRT),
    stock_location: cl.stock_locations.relationship(turin.id),
  });
  await cl.stock_items.create({
    quantity: 0,
    sku: cl.skus.relationship(id.MUG),
    stock_location: cl.stock_locations.relationship(milan.id),
  });
  // Allot has no merchants or price lists, which the SDK's MarketCreate type requires
  const market = await cl.markets.create({
    name: 'Europe',
    code: 'eu',
    inventory_model: cl.inventory_models.relationship(model.id),
  } as Parameters<typeof cl.markets.create>[0]);
  id.market = market.id;
  const standard = await cl.shipping_methods.create({
    name: 'Standard',
    currency_code: 'EUR',
    price_amount_cents: 500,
    market: cl.markets.relationship(market.id),
  });
  id.dlt = (
    await cl.delivery_lead_times.create({
      min_hours: 24,
      max_hours: 60,
      stock_location: cl.stock_locations.relationship(milan.id),
      shipping_method: cl.shipping_methods.relationship(standard.id),
    })
  ).id;

  const channel = await t.application({ name: 'sdk storefront', kind: 'sales_channel', role: undefined });
  shop = sdk(await login(channel, 'market:code:eu'));
});

describe('setting up stock through the SDK', () => {
  it('created records read back with their typed attributes and relationships', async () => {
    const item = await cl.stock_items.retrieve(id.byCode, { include: ['sku', 'stock_location'] });
    expect(item).toMatchObject({
      type: 'stock_items',
      quantity: 10,
      sku_code: 'TSHIRT',
      sku: { id: id.TSHIRT, code: 'TSHIRT' },
      stock_location: { id: id.milan, code: 'mil' },
    });
    const location = await cl.stock_locations.retrieve(id.milan, { include: ['address'] });
    expect(location).toMatchObject({
      name: 'Milan warehouse',
      label_format: 'PDF',
      address: { id: id.address, city: 'Milano', full_name: 'Ada Lovelace' },
    });
    const dlt = await cl.delivery_lead_times.retrieve(id.dlt, { include: ['shipping_method'] });
    expect(dlt).toMatchObject({
      min_hours: 24,
      max_hours: 60,
      min_days: 1,
      max_days: 3,
      shipping_method: { name: 'Standard', formatted_price_amount: '€5.00', price_amount_float: 5 },
    });
    const market = await cl.markets.retrieve(id.market, { include: ['inventory_model'] });
    expect(market).toMatchObject({ code: 'eu', disabled_at: null, inventory_model: { id: id.model, name: 'Italy' } });
  });

  it('lists stock items with filters.sku_code_in, sorted, with the SKU included', async () => {
    const items = await cl.stock_items.list({
      filters: { sku_code_in: ['TSHIRT', 'MUG'] },
      sort: { quantity: 'desc' },
      include: ['sku'],
    });
    expect(Array.from(items, (i) => [i.sku?.code, i.quantity])).toEqual([
      ['TSHIRT', 10],
      ['TSHIRT', 4],
      ['MUG', 0],
    ]);
    expect(items.meta.recordCount).toBe(3);
    expect(await cl.stock_items.count({ filters: { sku_code_in: ['POSTER'] } })).toBe(0);
  });

  it("denormalises an inventory model's inventory_stock_locations and their stock locations", async () => {
    const model = await cl.inventory_models.retrieve(id.model, {
      include: ['inventory_stock_locations.stock_location'],
    });
    const byPriority = [...(model.inventory_stock_locations ?? [])].sort((a, b) => a.priority - b.priority);
    expect(byPriority.map((l) => [l.priority, l.stock_location?.name])).toEqual([
      [1, 'Milan warehouse'],
      [2, 'Turin warehouse'],
    ]);
    expect(['Milan warehouse', 'Turin warehouse']).toContain(
      model.inventory_stock_locations?.[0]?.stock_location?.name,
    );
  });
});

describe('a storefront with a market-scoped sales channel token', () => {
  it('retrieves a SKU with its market inventory: quantity, levels by priority, lead times', async () => {
    const sku = await shop.skus.retrieve(id.TSHIRT);
    expect(sku.code).toBe('TSHIRT');
    expect(sku.inventory).toEqual({
      available: true,
      quantity: 14,
      levels: [
        {
          quantity: 10,
          delivery_lead_times: [
            {
              shipping_method: {
                name: 'Standard',
                reference: null,
                price_amount_cents: 500,
                free_over_amount_cents: null,
                formatted_price_amount: '€5.00',
                formatted_free_over_amount: null,
              },
              min: { hours: 24, days: 1 },
              max: { hours: 60, days: 3 },
            },
          ],
        },
        { quantity: 4, delivery_lead_times: [] },
      ],
    });
    expect((await shop.skus.retrieve(id.MUG)).inventory).toMatchObject({ available: false, quantity: 0 });
  });

  it('lists only the SKUs sellable in the market, without inventory', async () => {
    const skus = await shop.skus.list({ sort: { code: 'asc' } });
    expect(Array.from(skus, (s) => s.code)).toEqual(['MUG', 'TSHIRT']);
    expect(skus.meta.recordCount).toBe(2);
    expect(skus[0]!.inventory).toBeUndefined();
    const e = await failure(shop.skus.retrieve(id.POSTER));
    expect(shop.isApiError(e)).toBe(true);
    expect([e.status, e.errors[0].code]).toEqual([401, 'UNAUTHORIZED']);
  });

  it('may not list stock items nor touch what the integration manages', async () => {
    for (const call of [
      () => shop.stock_items.list(),
      () => shop.stock_locations.retrieve(id.milan),
      () => shop.skus.update({ id: id.TSHIRT, name: 'hacked' }),
    ]) {
      const e = await failure(call());
      expect([e.status, e.errors[0].code]).toEqual([401, 'UNAUTHORIZED']);
    }
    expect((await cl.skus.retrieve(id.TSHIRT)).name).toBe('tshirt');
  });
});

describe('locked deletes through the SDK', () => {
  it('423 LOCKED deleting a stock location with stock; it is still there', async () => {
    const e = await failure(cl.stock_locations.delete(id.milan));
    expect(cl.isApiError(e)).toBe(true);
    expect(e.status).toBe(423);
    expect(e.errors[0]).toMatchObject({ code: 'LOCKED', status: '423' });
    expect((await cl.stock_locations.retrieve(id.milan)).name).toBe('Milan warehouse');
  });
});
