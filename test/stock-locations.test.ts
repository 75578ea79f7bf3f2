import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { expectInvalid, expectLocked, rowCount, to } from './helpers/expect';
import { factory } from './helpers/factory';
import { type Client, client, doc } from './helpers/http';
import { useTestApp } from './helpers/use-app';

/**
 * Addresses, stock_locations, inventory_stock_locations (alias stock_levels),
 * inventory_return_locations (docs/availability.md#walk).
 */
let t: TestApp;
let api: Client;
let live: Client;
let f: ReturnType<typeof factory>;
const ADDRESS = {
  first_name: 'Ada',
  last_name: 'Lovelace',
  line_1: '1 Main St',
  city: 'Milan',
  zip_code: '20100',
  country_code: 'IT',
  phone: '+39 02 000000',
};

useTestApp({}, (s) => ({ t, api } = s));
beforeAll(() => {
  live = client(t.app, t.tokens.live);
  f = factory(api);
});

const without = (o: Record<string, unknown>, k: string) =>
  Object.fromEntries(Object.entries(o).filter(([x]) => x !== k));
const model = () => f.inventoryModel();

describe('addresses', () => {
  it('creates with defaults and computed attributes', async () => {
    const res = await api.post('/api/addresses', doc('addresses', { ...ADDRESS, line_2: 'Floor 2', state_code: 'MI' }));
    expect(res.status).toBe(201);
    expect(res.body.data.attributes).toMatchObject({
      business: false,
      company: null,
      full_name: 'Ada Lovelace',
      email: null,
      notes: null,
      lat: null,
      lng: null,
      is_localized: false,
      is_geocoded: false,
      billing_info: null,
      metadata: {},
    });
    const biz = await api.post(
      '/api/addresses',
      doc('addresses', { ...without(without(ADDRESS, 'first_name'), 'last_name'), business: true, company: 'ACME' }),
    );
    expect(biz.status).toBe(201);
    expect(biz.body.data.attributes.full_name).toBe('ACME');
  });

  it('full_address and name follow the documented format (resources-schema.json examples)', async () => {
    const res = await api.post('/api/addresses', doc('addresses', { ...ADDRESS, line_2: 'Floor 2', state_code: 'MI' }));
    // schema example: '2883 Geraldine Lane Apt.23, 10013 New York NY (US) (212) 646-338-1228';
    // name = full_name + ', ' + full_address
    expect(res.body.data.attributes.full_address).toBe('1 Main St Floor 2, 20100 Milan MI (IT) +39 02 000000');
    expect(res.body.data.attributes.name).toBe('Ada Lovelace, 1 Main St Floor 2, 20100 Milan MI (IT) +39 02 000000');
  });

  it.each(['line_1', 'city', 'country_code', 'phone', 'zip_code', 'first_name', 'last_name'])(
    '422s without %s',
    async (k) => {
      expectInvalid(await api.post('/api/addresses', doc('addresses', without(ADDRESS, k))), `/data/attributes/${k}`);
    },
  );

  it('needs a company for a business address, no zip code where there is none, and valid values', async () => {
    expectInvalid(
      await api.post('/api/addresses', doc('addresses', { ...ADDRESS, business: true })),
      '/data/attributes/company',
    );
    expect(
      (await api.post('/api/addresses', doc('addresses', { ...without(ADDRESS, 'zip_code'), country_code: 'IE' })))
        .status,
    ).toBe(201);
    expectInvalid(
      await api.post('/api/addresses', doc('addresses', { ...ADDRESS, country_code: 'ita' })),
      '/data/attributes/country_code',
      'invalid',
    );
    expectInvalid(
      await api.post('/api/addresses', doc('addresses', { ...ADDRESS, lat: 91 })),
      '/data/attributes/lat',
      'less_than_or_equal_to',
    );
    expectInvalid(
      await api.post('/api/addresses', doc('addresses', { ...ADDRESS, business: 'no' })),
      '/data/attributes/business',
      'inclusion',
    );
  });

  it('updates, deletes, and refuses to delete an address a stock location uses (423, nothing deleted)', async () => {
    const id = await f.address();
    const u = await api.patch(
      `/api/addresses/${id}`,
      doc('addresses', { city: 'Turin', lat: 45.07, lng: 7.69 }, {}, id),
    );
    expect(u.status).toBe(200);
    expect(u.body.data.attributes).toMatchObject({ city: 'Turin', is_localized: true });
    expect(u.body.data.attributes.full_address).toContain('Turin');
    await f.create(api, 'stock_locations', { name: 'Uses address' }, { address: { type: 'addresses', id } });
    expectLocked(await api.delete(`/api/addresses/${id}`));
    expect((await api.get(`/api/addresses/${id}`)).status).toBe(200);
    const free = await f.address();
    expect((await api.delete(`/api/addresses/${free}`)).status).toBe(204);
    expect((await api.get(`/api/addresses/${free}`)).status).toBe(404);
  });
});

describe('stock_locations', () => {
  it('creates with defaults: label_format PDF, suppress_etd false, a number', async () => {
    const address = await f.address();
    const res = await api.post(
      '/api/stock_locations',
      doc('stock_locations', { name: 'Main' }, { address: to('addresses', address) }),
    );
    expect(res.status).toBe(201);
    expect(res.body.data.attributes).toMatchObject({
      name: 'Main',
      code: null,
      label_format: 'PDF',
      suppress_etd: false,
      number: expect.any(Number),
    });
    const inc = await api.get(`/api/stock_locations/${res.body.data.id}?include=address`);
    expect(inc.body.data.relationships.address.data).toEqual({ type: 'addresses', id: address });
  });

  it('422s without name or address, and on a bad label_format', async () => {
    const address = await f.address();
    expectInvalid(
      await api.post('/api/stock_locations', doc('stock_locations', {}, { address: to('addresses', address) })),
      '/data/attributes/name',
    );
    expectInvalid(
      await api.post('/api/stock_locations', doc('stock_locations', { name: 'x' })),
      '/data/relationships/address',
    );
    expectInvalid(
      await api.post('/api/stock_locations', doc('stock_locations', { name: 'x' }, { address: to('addresses', null) })),
      '/data/relationships/address',
    );
    expectInvalid(
      await api.post(
        '/api/stock_locations',
        doc('stock_locations', { name: 'x', label_format: 'JPG' }, { address: to('addresses', address) }),
      ),
      '/data/attributes/label_format',
      'inclusion',
    );
  });

  it('an empty document lists every missing required member in one 422', async () => {
    const res = await api.post('/api/stock_locations', doc('stock_locations', {}));
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: any) => e.source.pointer).sort()).toEqual([
      '/data/attributes/name',
      '/data/relationships/address',
    ]);
  });

  it('code is unique per mode: taken in test, allowed in live', async () => {
    await f.stockLocation({ code: 'dup-1' });
    const address = await f.address();
    const again = await api.post(
      '/api/stock_locations',
      doc('stock_locations', { name: 'x', code: 'dup-1' }, { address: to('addresses', address) }),
    );
    expectInvalid(again, '/data/attributes/code', 'taken');
    const other = await f.stockLocation({ code: 'dup-2' });
    expectInvalid(
      await api.patch(`/api/stock_locations/${other}`, doc('stock_locations', { code: 'dup-1' }, {}, other)),
      '/data/attributes/code',
      'taken',
    );
    const liveAddress = (await live.post('/api/addresses', doc('addresses', ADDRESS))).body.data.id;
    const inLive = await live.post(
      '/api/stock_locations',
      doc('stock_locations', { name: 'x', code: 'dup-1' }, { address: to('addresses', liveAddress) }),
    );
    expect(inLive.status).toBe(201);
    expect(inLive.body.data.meta.mode).toBe('live');
  });

  it('a relationship to another mode or a missing id is refused and writes nothing', async () => {
    const liveAddress = (await live.post('/api/addresses', doc('addresses', ADDRESS))).body.data.id;
    const before = await rowCount(t, 'stock_locations');
    for (const id of [liveAddress, 'missing123']) {
      const res = await api.post(
        '/api/stock_locations',
        doc('stock_locations', { name: 'x' }, { address: to('addresses', id) }),
      );
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    expect(await rowCount(t, 'stock_locations')).toBe(before);
  });

  it('updates and deletes; 423 while it has stock items, is in a model or a return location', async () => {
    const id = await f.stockLocation();
    const u = await api.patch(
      `/api/stock_locations/${id}`,
      doc('stock_locations', { name: 'Renamed', label_format: 'ZPL', suppress_etd: true }, {}, id),
    );
    expect(u.body.data.attributes).toMatchObject({ name: 'Renamed', label_format: 'ZPL', suppress_etd: true });
    const withStock = await f.stockLocation();
    await f.stockItem(await f.sku(), withStock, 1);
    const inModel = await f.stockLocation();
    await f.inventoryStockLocation(await model(), inModel, 1);
    const inReturns = await f.stockLocation();
    await f.create(
      api,
      'inventory_return_locations',
      { priority: 1 },
      {
        inventory_model: { type: 'inventory_models', id: await model() },
        stock_location: { type: 'stock_locations', id: inReturns },
      },
    );
    const blocked = [withStock, inModel, inReturns];
    const dels = [];
    for (const b of blocked) dels.push(await api.delete(`/api/stock_locations/${b}`));
    expect(dels.map((r) => r.status)).toEqual([423, 423, 423]);
    dels.forEach(expectLocked);
    for (const b of blocked) expect((await api.get(`/api/stock_locations/${b}`)).status).toBe(200);
    expect((await api.delete(`/api/stock_locations/${id}`)).status).toBe(204);
    expect((await api.get(`/api/stock_locations/${id}`)).status).toBe(404);
  });
});

describe('inventory_stock_locations and stock_levels', () => {
  it('creates with on_hold false, one per (model, location), and validates', async () => {
    const [m, sl] = [await model(), await f.stockLocation()];
    const rels = { inventory_model: to('inventory_models', m), stock_location: to('stock_locations', sl) };
    const res = await api.post(
      '/api/inventory_stock_locations',
      doc('inventory_stock_locations', { priority: 1 }, rels),
    );
    expect(res.status).toBe(201);
    expect(res.body.data.attributes).toMatchObject({ priority: 1, on_hold: false });
    expectInvalid(
      await api.post('/api/inventory_stock_locations', doc('inventory_stock_locations', { priority: 2 }, rels)),
      '/data/relationships/stock_location',
      'taken',
    );
    expectInvalid(
      await api.post('/api/inventory_stock_locations', doc('inventory_stock_locations', {}, rels)),
      '/data/attributes/priority',
    );
    expectInvalid(
      await api.post('/api/inventory_stock_locations', doc('inventory_stock_locations', { priority: 'first' }, rels)),
      '/data/attributes/priority',
      'not_a_number',
    );
    expectInvalid(
      await api.post(
        '/api/inventory_stock_locations',
        doc('inventory_stock_locations', { priority: 1, on_hold: 'yes' }, rels),
      ),
      '/data/attributes/on_hold',
      'inclusion',
    );
    for (const r of ['inventory_model', 'stock_location']) {
      expectInvalid(
        await api.post(
          '/api/inventory_stock_locations',
          doc('inventory_stock_locations', { priority: 3 }, without(rels, r)),
        ),
        `/data/relationships/${r}`,
      );
    }
    const id = res.body.data.id;
    const u = await api.patch(
      `/api/inventory_stock_locations/${id}`,
      doc('inventory_stock_locations', { priority: 5, on_hold: true }, {}, id),
    );
    expect(u.body.data.attributes).toMatchObject({ priority: 5, on_hold: true });
    expect((await api.delete(`/api/inventory_stock_locations/${id}`)).status).toBe(204);
    expect((await api.get(`/api/stock_locations/${sl}`)).status).toBe(200);
  });

  it('refuses a live stock location or a missing model and writes nothing', async () => {
    const liveAddress = (await live.post('/api/addresses', doc('addresses', ADDRESS))).body.data.id;
    const liveSl = (
      await live.post(
        '/api/stock_locations',
        doc('stock_locations', { name: 'L' }, { address: to('addresses', liveAddress) }),
      )
    ).body.data.id;
    const before = await rowCount(t, 'inventory_stock_locations');
    const m = await model();
    const a = await api.post(
      '/api/inventory_stock_locations',
      doc(
        'inventory_stock_locations',
        { priority: 1 },
        { inventory_model: to('inventory_models', m), stock_location: to('stock_locations', liveSl) },
      ),
    );
    const b = await api.post(
      '/api/inventory_stock_locations',
      doc(
        'inventory_stock_locations',
        { priority: 1 },
        {
          inventory_model: to('inventory_models', 'nope'),
          stock_location: to('stock_locations', await f.stockLocation()),
        },
      ),
    );
    for (const r of [a, b]) expect([400, 404, 422]).toContain(r.status);
    expect(await rowCount(t, 'inventory_stock_locations')).toBe(before);
  });

  it('include, stock_levels alias, priority sort and relationship filters over one model', async () => {
    const m = await model();
    const shared = await f.address();
    const sl = async (code: string) =>
      f.create(api, 'stock_locations', { name: code, code }, { address: { type: 'addresses', id: shared } });
    const [w1, w2] = [await sl('wh-1'), await sl('wh-2')];
    const i2 = await f.inventoryStockLocation(m, w2, 2);
    const i1 = await f.inventoryStockLocation(m, w1, 1);
    const res = await api.get(`/api/inventory_models/${m}?include=inventory_stock_locations.stock_location.address`);
    expect(res.status).toBe(200);
    expect(res.body.data.relationships.inventory_stock_locations.data).toEqual(
      expect.arrayContaining([
        { type: 'inventory_stock_locations', id: i1 },
        { type: 'inventory_stock_locations', id: i2 },
      ]),
    );
    const keys = res.body.included.map((r: any) => `${r.type}:${r.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(
      [
        `addresses:${shared}`,
        `inventory_stock_locations:${i1}`,
        `inventory_stock_locations:${i2}`,
        `stock_locations:${w1}`,
        `stock_locations:${w2}`,
      ].sort(),
    );
    const inc = (type: string, id: string) => res.body.included.find((r: any) => r.type === type && r.id === id);
    expect(inc('inventory_stock_locations', i1).relationships.stock_location.data).toEqual({
      type: 'stock_locations',
      id: w1,
    });
    expect(inc('stock_locations', w2).relationships.address.data).toEqual({ type: 'addresses', id: shared });

    const isl = await api.get(`/api/inventory_models/${m}/inventory_stock_locations?sort=priority`);
    expect(isl.body.data.map((d: any) => d.id)).toEqual([i1, i2]);
    expect(
      (await api.get(`/api/inventory_models/${m}/inventory_stock_locations?sort=-priority`)).body.data.map(
        (d: any) => d.id,
      ),
    ).toEqual([i2, i1]);
    const levels = await api.get(`/api/inventory_models/${m}/stock_levels?sort=priority`);
    expect(levels.status).toBe(200);
    expect(levels.body.data.map((d: any) => [d.type, d.id])).toEqual([
      ['stock_levels', i1],
      ['stock_levels', i2],
    ]);
    expect(levels.body.data[0].attributes).toMatchObject({ priority: 1, on_hold: false });

    const byCode = await api.get(
      '/api/inventory_models?filter[q][inventory_stock_locations_stock_location_code_eq]=wh-1',
    );
    expect(byCode.body.data.map((d: any) => d.id)).toEqual([m]);
  });

  it('deleting a model takes its inventory stock and return locations with it', async () => {
    const [m, sl] = [await model(), await f.stockLocation()];
    const isl = await f.inventoryStockLocation(m, sl, 1);
    const irl = await f.create(
      api,
      'inventory_return_locations',
      { priority: 1 },
      { inventory_model: { type: 'inventory_models', id: m }, stock_location: { type: 'stock_locations', id: sl } },
    );
    expect((await api.delete(`/api/inventory_models/${m}`)).status).toBe(204);
    expect((await api.get(`/api/inventory_stock_locations/${isl}`)).status).toBe(404);
    expect((await api.get(`/api/inventory_return_locations/${irl}`)).status).toBe(404);
    expect((await api.get(`/api/stock_locations/${sl}`)).status).toBe(200);
    expect((await api.delete(`/api/stock_locations/${sl}`)).status).toBe(204);
  });
});

describe('inventory_return_locations', () => {
  it('creates, validates, is unique per (model, location), sorts by priority, updates and deletes', async () => {
    const [m, a, b] = [await model(), await f.stockLocation(), await f.stockLocation()];
    const rels = (sl: string) => ({
      inventory_model: to('inventory_models', m),
      stock_location: to('stock_locations', sl),
    });
    const ra = await api.post(
      '/api/inventory_return_locations',
      doc('inventory_return_locations', { priority: 2 }, rels(a)),
    );
    expect(ra.status).toBe(201);
    expect(ra.body.data.attributes).toMatchObject({ priority: 2 });
    const rb = await api.post(
      '/api/inventory_return_locations',
      doc('inventory_return_locations', { priority: 1 }, rels(b)),
    );
    expectInvalid(
      await api.post('/api/inventory_return_locations', doc('inventory_return_locations', { priority: 3 }, rels(a))),
      '/data/relationships/stock_location',
      'taken',
    );
    expectInvalid(
      await api.post('/api/inventory_return_locations', doc('inventory_return_locations', {}, rels(a))),
      '/data/attributes/priority',
    );
    for (const r of ['inventory_model', 'stock_location']) {
      expectInvalid(
        await api.post(
          '/api/inventory_return_locations',
          doc('inventory_return_locations', { priority: 1 }, without(rels(a), r)),
        ),
        `/data/relationships/${r}`,
      );
    }
    const list = await api.get(`/api/inventory_models/${m}/inventory_return_locations?sort=priority`);
    expect(list.body.data.map((d: any) => d.id)).toEqual([rb.body.data.id, ra.body.data.id]);
    const id = ra.body.data.id;
    expect(
      (
        await api.patch(
          `/api/inventory_return_locations/${id}`,
          doc('inventory_return_locations', { priority: 0 }, {}, id),
        )
      ).body.data.attributes.priority,
    ).toBe(0);
    expect((await api.delete(`/api/inventory_return_locations/${id}`)).status).toBe(204);
    expect((await api.get(`/api/inventory_return_locations/${id}`)).status).toBe(404);
  });
});
