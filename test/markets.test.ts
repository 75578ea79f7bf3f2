import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { expectInvalid, expectLocked, rowCount, to } from './helpers/expect';
import { factory } from './helpers/factory';
import { type Client, client, doc } from './helpers/http';
import { useTestApp } from './helpers/use-app';

/**
 * Markets, shipping_methods, delivery_lead_times: what availability needs of them
 * (docs/availability.md#lead-times).
 */
let t: TestApp;
let api: Client;
let live: Client;
let f: ReturnType<typeof factory>;

useTestApp({}, (s) => ({ t, api } = s));
beforeAll(() => {
  live = client(t.app, t.tokens.live);
  f = factory(api);
});

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const patch = (
  type: string,
  id: string,
  attributes: Record<string, unknown>,
  relationships: Record<string, unknown> = {},
) => api.patch(`/api/${type}/${id}`, doc(type, attributes, relationships, id));

describe('markets', () => {
  it('creates with a number, a shared secret, not disabled, not private', async () => {
    const model = await f.inventoryModel();
    const res = await api.post(
      '/api/markets',
      doc('markets', { name: 'EU', code: 'eu-1' }, { inventory_model: to('inventory_models', model) }),
    );
    expect(res.status).toBe(201);
    const a = res.body.data.attributes;
    expect(a).toMatchObject({
      name: 'EU',
      code: 'eu-1',
      disabled_at: null,
      private: false,
      shipping_cost_cutoff: null,
      checkout_url: null,
      facebook_pixel_id: null,
    });
    expect(Number.isInteger(a.number)).toBe(true);
    expect(a.shared_secret).toEqual(expect.stringMatching(/^\S{16,}$/));
    const second = await api.post(
      '/api/markets',
      doc('markets', { name: 'US' }, { inventory_model: to('inventory_models', model) }),
    );
    expect(second.body.data.attributes.number).not.toBe(a.number);
    expect(second.body.data.attributes.shared_secret).not.toBe(a.shared_secret);
    const inc = await api.get(`/api/markets/${res.body.data.id}?include=inventory_model`);
    expect(inc.body.data.relationships.inventory_model.data).toEqual({ type: 'inventory_models', id: model });
    expect(inc.body.included.map((r: any) => r.id)).toEqual([model]);
  });

  it('422s without name or inventory model, and on bad values', async () => {
    const model = { inventory_model: to('inventory_models', await f.inventoryModel()) };
    expectInvalid(await api.post('/api/markets', doc('markets', {}, model)), '/data/attributes/name');
    expectInvalid(await api.post('/api/markets', doc('markets', { name: 'x' })), '/data/relationships/inventory_model');
    expectInvalid(
      await api.post('/api/markets', doc('markets', { name: 'x' }, { inventory_model: to('inventory_models', null) })),
      '/data/relationships/inventory_model',
    );
    expectInvalid(
      await api.post('/api/markets', doc('markets', { name: 'x', shipping_cost_cutoff: -1 }, model)),
      '/data/attributes/shipping_cost_cutoff',
      'greater_than_or_equal_to',
    );
    expectInvalid(
      await api.post('/api/markets', doc('markets', { name: 'x', _disable: 'yes' }, model)),
      '/data/attributes/_disable',
      'inclusion',
    );
    for (const k of ['number', 'shared_secret', 'disabled_at', 'private']) {
      expect((await api.post('/api/markets', doc('markets', { name: 'x', [k]: null }, model))).status).toBe(400);
    }
  });

  it('an empty document lists every missing required member in one 422', async () => {
    const res = await api.post('/api/markets', doc('markets', {}));
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: any) => e.source.pointer).sort()).toEqual([
      '/data/attributes/name',
      '/data/relationships/inventory_model',
    ]);
  });

  it('code is unique per mode; an inventory model of another mode or a missing one writes nothing', async () => {
    await f.market(await f.inventoryModel(), { code: 'uniq' });
    const model = { inventory_model: to('inventory_models', await f.inventoryModel()) };
    expectInvalid(
      await api.post('/api/markets', doc('markets', { name: 'x', code: 'uniq' }, model)),
      '/data/attributes/code',
      'taken',
    );
    const liveModel = (await live.post('/api/inventory_models', doc('inventory_models', { name: 'L' }))).body.data.id;
    expect(
      (
        await live.post(
          '/api/markets',
          doc('markets', { name: 'x', code: 'uniq' }, { inventory_model: to('inventory_models', liveModel) }),
        )
      ).status,
    ).toBe(201);
    const before = await rowCount(t, 'markets');
    for (const id of [liveModel, 'missing123']) {
      expect([400, 404, 422]).toContain(
        (await api.post('/api/markets', doc('markets', { name: 'x' }, { inventory_model: to('inventory_models', id) })))
          .status,
      );
    }
    const m = await f.market(await f.inventoryModel());
    expect([400, 404, 422]).toContain(
      (await patch('markets', m, {}, { inventory_model: to('inventory_models', liveModel) })).status,
    );
    expect(await rowCount(t, 'markets')).toBe(before + 1);
  });

  it('_disable sets disabled_at, _enable clears it; updates and deletes', async () => {
    const [m1, m2] = [await f.inventoryModel(), await f.inventoryModel()];
    const id = await f.market(m1);
    const off = await patch('markets', id, { _disable: true });
    expect(off.status).toBe(200);
    expect(off.body.data.attributes.disabled_at).toMatch(ISO);
    expect(off.body.data.attributes).not.toHaveProperty('_disable');
    expect(
      (await api.get(`/api/markets?filter[q][disabled_at_null]=false&filter[q][id_eq]=${id}`)).body.data,
    ).toHaveLength(1);
    const on = await patch('markets', id, { _enable: true });
    expect(on.body.data.attributes.disabled_at).toBeNull();
    const u = await patch(
      'markets',
      id,
      { name: 'Renamed', shipping_cost_cutoff: 3 },
      { inventory_model: to('inventory_models', m2) },
    );
    expect(u.body.data.attributes).toMatchObject({ name: 'Renamed', shipping_cost_cutoff: 3 });
    expect((await api.get(`/api/markets/${id}/inventory_model`)).body.data.id).toBe(m2);
    expect((await api.delete(`/api/markets/${id}`)).status).toBe(204);
    expect((await api.get(`/api/markets/${id}`)).status).toBe(404);
  });

  it('423 for an inventory model a market uses; model and its stock locations stay', async () => {
    const model = await f.inventoryModel();
    const isl = await f.inventoryStockLocation(model, await f.stockLocation(), 1);
    await f.market(model);
    expectLocked(await api.delete(`/api/inventory_models/${model}`));
    expect((await api.get(`/api/inventory_models/${model}`)).status).toBe(200);
    expect((await api.get(`/api/inventory_stock_locations/${isl}`)).status).toBe(200);
  });

  it('423 for a market a shipping method uses; nothing deleted', async () => {
    const market = await f.market(await f.inventoryModel());
    await f.shippingMethod({}, market);
    expectLocked(await api.delete(`/api/markets/${market}`));
    expect((await api.get(`/api/markets/${market}`)).status).toBe(200);
  });
});

describe('shipping_methods', () => {
  it('creates with scheme flat and computed prices', async () => {
    const res = await api.post(
      '/api/shipping_methods',
      doc('shipping_methods', { name: 'Standard', currency_code: 'EUR', price_amount_cents: 700 }),
    );
    expect(res.status).toBe(201);
    expect(res.body.data.attributes).toMatchObject({
      name: 'Standard',
      scheme: 'flat',
      currency_code: 'EUR',
      price_amount_cents: 700,
      price_amount_float: 7,
      formatted_price_amount: '€7.00',
      free_over_amount_cents: null,
      free_over_amount_float: null,
      formatted_free_over_amount: null,
      use_subtotal: false,
      disabled_at: null,
    });
    expect(res.body.data.attributes.shared_secret).toEqual(expect.any(String));
    const free = await api.post(
      '/api/shipping_methods',
      doc('shipping_methods', {
        name: 'Free',
        currency_code: 'EUR',
        price_amount_cents: 1050,
        free_over_amount_cents: 9900,
      }),
    );
    expect(free.body.data.attributes).toMatchObject({
      price_amount_float: 10.5,
      formatted_price_amount: '€10.50',
      free_over_amount_float: 99,
      formatted_free_over_amount: '€99.00',
    });
  });

  it('422s without name, currency or price, and on bad values', async () => {
    const base: Record<string, unknown> = { name: 'x', currency_code: 'EUR', price_amount_cents: 100 };
    for (const k of ['name', 'currency_code', 'price_amount_cents']) {
      const rest = Object.fromEntries(Object.entries(base).filter(([x]) => x !== k));
      expectInvalid(await api.post('/api/shipping_methods', doc('shipping_methods', rest)), `/data/attributes/${k}`);
    }
    for (const [k, v, error] of [
      ['scheme', 'free', 'inclusion'],
      ['price_amount_cents', -1, 'greater_than_or_equal_to'],
      ['free_over_amount_cents', -5, 'greater_than_or_equal_to'],
      ['currency_code', 'euro', 'invalid'],
      ['unit_of_weight', 'kg', 'inclusion'],
    ] as const) {
      expectInvalid(
        await api.post('/api/shipping_methods', doc('shipping_methods', { ...base, [k]: v })),
        `/data/attributes/${k}`,
        error,
      );
    }
  });

  it('_disable and _enable; updates recompute prices; market is optional; deletes', async () => {
    const market = await f.market(await f.inventoryModel());
    const id = await f.shippingMethod({}, market);
    expect((await api.get(`/api/shipping_methods/${id}/market`)).body.data.id).toBe(market);
    const off = await patch('shipping_methods', id, { _disable: true });
    expect(off.body.data.attributes.disabled_at).toMatch(ISO);
    expect((await patch('shipping_methods', id, { _enable: true })).body.data.attributes.disabled_at).toBeNull();
    const u = await patch(
      'shipping_methods',
      id,
      { price_amount_cents: 1200, scheme: 'weight_tiered' },
      { market: to('markets', null) },
    );
    expect(u.body.data.attributes).toMatchObject({
      price_amount_float: 12,
      formatted_price_amount: '€12.00',
      scheme: 'weight_tiered',
    });
    expect((await api.get(`/api/shipping_methods/${id}/market`)).body.data).toBeNull();
    expect((await api.delete(`/api/shipping_methods/${id}`)).status).toBe(204);
    expect((await api.get(`/api/shipping_methods/${id}`)).status).toBe(404);
  });
});

describe('delivery_lead_times', () => {
  it('derives days as round(hours / 24), half up', async () => {
    const [sl, sm] = [await f.stockLocation(), await f.shippingMethod()];
    for (const [min, max, minDays, maxDays] of [
      [48, 72, 2, 3],
      [36, 60, 2, 3],
      [0, 11, 0, 0],
      [12, 84, 1, 4],
    ]) {
      const res = await api.post(
        '/api/delivery_lead_times',
        doc(
          'delivery_lead_times',
          { min_hours: min, max_hours: max },
          { stock_location: to('stock_locations', sl), shipping_method: to('shipping_methods', sm) },
        ),
      );
      expect(res.status).toBe(201);
      expect(res.body.data.attributes).toMatchObject({
        min_hours: min,
        max_hours: max,
        min_days: minDays,
        max_days: maxDays,
      });
    }
  });

  it('422s without hours or relationships, on negative hours and on max below min', async () => {
    const rels = {
      stock_location: to('stock_locations', await f.stockLocation()),
      shipping_method: to('shipping_methods', await f.shippingMethod()),
    };
    expectInvalid(
      await api.post('/api/delivery_lead_times', doc('delivery_lead_times', { max_hours: 10 }, rels)),
      '/data/attributes/min_hours',
    );
    expectInvalid(
      await api.post('/api/delivery_lead_times', doc('delivery_lead_times', { min_hours: 10 }, rels)),
      '/data/attributes/max_hours',
    );
    expectInvalid(
      await api.post(
        '/api/delivery_lead_times',
        doc('delivery_lead_times', { min_hours: 1, max_hours: 2 }, { shipping_method: rels.shipping_method }),
      ),
      '/data/relationships/stock_location',
    );
    expectInvalid(
      await api.post(
        '/api/delivery_lead_times',
        doc('delivery_lead_times', { min_hours: 1, max_hours: 2 }, { stock_location: rels.stock_location }),
      ),
      '/data/relationships/shipping_method',
    );
    expectInvalid(
      await api.post('/api/delivery_lead_times', doc('delivery_lead_times', { min_hours: -1, max_hours: 2 }, rels)),
      '/data/attributes/min_hours',
      'greater_than_or_equal_to',
    );
    expectInvalid(
      await api.post('/api/delivery_lead_times', doc('delivery_lead_times', { min_hours: 48, max_hours: 24 }, rels)),
      '/data/attributes/max_hours',
      'greater_than_or_equal_to',
    );
  });

  it('refuses a stock location of another mode or a missing shipping method and writes nothing', async () => {
    const liveAddress = (
      await live.post(
        '/api/addresses',
        doc('addresses', {
          first_name: 'A',
          last_name: 'B',
          line_1: 'x',
          city: 'y',
          zip_code: '1',
          country_code: 'IT',
          phone: '1',
        }),
      )
    ).body.data.id;
    const liveSl = (
      await live.post(
        '/api/stock_locations',
        doc('stock_locations', { name: 'L' }, { address: to('addresses', liveAddress) }),
      )
    ).body.data.id;
    const before = await rowCount(t, 'delivery_lead_times');
    const a = await api.post(
      '/api/delivery_lead_times',
      doc(
        'delivery_lead_times',
        { min_hours: 1, max_hours: 2 },
        {
          stock_location: to('stock_locations', liveSl),
          shipping_method: to('shipping_methods', await f.shippingMethod()),
        },
      ),
    );
    const b = await api.post(
      '/api/delivery_lead_times',
      doc(
        'delivery_lead_times',
        { min_hours: 1, max_hours: 2 },
        {
          stock_location: to('stock_locations', await f.stockLocation()),
          shipping_method: to('shipping_methods', 'missing123'),
        },
      ),
    );
    for (const r of [a, b]) expect([400, 404, 422]).toContain(r.status);
    expect(await rowCount(t, 'delivery_lead_times')).toBe(before);
  });

  it('updates recompute days; filters through relationships; sorts; deletes', async () => {
    const sl = await f.stockLocation({ code: 'dlt-wh' });
    const [std, exp] = [
      await f.shippingMethod({ name: 'DLT Standard' }),
      await f.shippingMethod({ name: 'DLT Express' }),
    ];
    const a = await f.deliveryLeadTime(sl, std, 72, 120);
    const b = await f.deliveryLeadTime(sl, exp, 24, 48);
    const u = await patch('delivery_lead_times', a, { min_hours: 96, max_hours: 144 });
    expect(u.body.data.attributes).toMatchObject({ min_days: 4, max_days: 6 });
    expectInvalid(
      await patch('delivery_lead_times', a, { max_hours: 10 }),
      '/data/attributes/max_hours',
      'greater_than_or_equal_to',
    );
    const byMethod = await api.get('/api/delivery_lead_times?filter[q][shipping_method_name_eq]=DLT%20Express');
    expect(byMethod.body.data.map((d: any) => d.id)).toEqual([b]);
    const byLocation = await api.get(
      '/api/delivery_lead_times?filter[q][stock_location_code_eq]=dlt-wh&sort=-min_hours',
    );
    expect(byLocation.body.data.map((d: any) => d.id)).toEqual([a, b]);
    expect(
      (await api.get(`/api/delivery_lead_times/${b}?include=shipping_method,stock_location`)).body.included,
    ).toHaveLength(2);
    expect((await api.delete(`/api/delivery_lead_times/${a}`)).status).toBe(204);
    expect((await api.get(`/api/delivery_lead_times/${a}`)).status).toBe(404);
  });
});
