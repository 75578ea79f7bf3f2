import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { expectInvalid, expectLocked, rowCount, to } from './helpers/expect';
import { factory } from './helpers/factory';
import { type Client, client, doc } from './helpers/http';
import { useTestApp } from './helpers/use-app';

/**
 * shipping_categories, skus, stock_items, reserved_stocks (docs/reservations.md#counters,
 * docs/reservations.md#stock-item-quantity).
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

const ids = (res: { body: any }) => res.body.data.map((d: any) => d.id).sort();
const sorted = (...xs: string[]) => [...xs].sort();

describe('shipping_categories', () => {
  it('creates, validates, keeps code unique, updates, and deletes only when no SKU uses it', async () => {
    const res = await api.post(
      '/api/shipping_categories',
      doc('shipping_categories', { name: 'Merch', code: 'merch' }),
    );
    expect(res.status).toBe(201);
    expect(res.body.data.attributes).toMatchObject({ name: 'Merch', code: 'merch', reference: null, metadata: {} });
    expectInvalid(
      await api.post('/api/shipping_categories', doc('shipping_categories', { code: 'x' })),
      '/data/attributes/name',
    );
    expectInvalid(
      await api.post('/api/shipping_categories', doc('shipping_categories', { name: 'Other', code: 'merch' })),
      '/data/attributes/code',
      'taken',
    );
    const id = res.body.data.id;
    expect(
      (await api.patch(`/api/shipping_categories/${id}`, doc('shipping_categories', { name: 'Apparel' }, {}, id))).body
        .data.attributes.name,
    ).toBe('Apparel');
    const sku = await f.sku({}, id);
    expectLocked(await api.delete(`/api/shipping_categories/${id}`));
    expect((await api.get(`/api/skus/${sku}/shipping_category`)).body.data.id).toBe(id);
    const unused = await f.shippingCategory();
    expect((await api.delete(`/api/shipping_categories/${unused}`)).status).toBe(204);
  });
});

describe('skus', () => {
  it('creates with defaults: do_not_ship and do_not_track false, inventory null without a market', async () => {
    const cat = await f.shippingCategory();
    const res = await api.post(
      '/api/skus',
      doc('skus', { code: 'TSHIRT-M', name: 'T-shirt' }, { shipping_category: to('shipping_categories', cat) }),
    );
    expect(res.status).toBe(201);
    expect(res.body.data.attributes).toMatchObject({
      code: 'TSHIRT-M',
      name: 'T-shirt',
      description: null,
      image_url: null,
      pieces_per_pack: null,
      weight: null,
      unit_of_weight: null,
      hs_tariff_number: null,
      do_not_ship: false,
      do_not_track: false,
      inventory: null,
    });
  });

  it('422s without code, name or shipping category (unless do_not_ship), and on bad values', async () => {
    const cat = { shipping_category: to('shipping_categories', await f.shippingCategory()) };
    expectInvalid(await api.post('/api/skus', doc('skus', { name: 'x' }, cat)), '/data/attributes/code');
    expectInvalid(await api.post('/api/skus', doc('skus', { code: 'NO-NAME' }, cat)), '/data/attributes/name');
    expectInvalid(
      await api.post('/api/skus', doc('skus', { code: 'NO-CAT', name: 'x' })),
      '/data/relationships/shipping_category',
    );
    expect((await api.post('/api/skus', doc('skus', { code: 'DIGITAL', name: 'x', do_not_ship: true }))).status).toBe(
      201,
    );
    for (const [k, v, error] of [
      ['unit_of_weight', 'kg', 'inclusion'],
      ['pieces_per_pack', 0, 'greater_than_or_equal_to'],
      ['weight', -1, 'greater_than_or_equal_to'],
      ['do_not_track', 'no', 'inclusion'],
    ] as const) {
      expectInvalid(
        await api.post('/api/skus', doc('skus', { code: `BAD-${k}`, name: 'x', [k]: v }, cat)),
        `/data/attributes/${k}`,
        error,
      );
    }
  });

  it('code is unique; a shipping category of another mode or a missing one writes nothing', async () => {
    await f.sku({ code: 'UNIQ' });
    expectInvalid(
      await api.post('/api/skus', doc('skus', { code: 'UNIQ', name: 'x', do_not_ship: true })),
      '/data/attributes/code',
      'taken',
    );
    const liveCat = (await live.post('/api/shipping_categories', doc('shipping_categories', { name: 'L' }))).body.data
      .id;
    expect(
      (
        await live.post(
          '/api/skus',
          doc('skus', { code: 'UNIQ', name: 'x' }, { shipping_category: to('shipping_categories', liveCat) }),
        )
      ).status,
    ).toBe(201);
    const before = await rowCount(t, 'skus');
    for (const id of [liveCat, 'missing123']) {
      const res = await api.post(
        '/api/skus',
        doc('skus', { code: `REL-${id}`, name: 'x' }, { shipping_category: to('shipping_categories', id) }),
      );
      expect([400, 404, 422]).toContain(res.status);
    }
    expect(await rowCount(t, 'skus')).toBe(before);
  });

  it('updates; deletes only without stock items (423, nothing deleted)', async () => {
    const id = await f.sku();
    const u = await api.patch(
      `/api/skus/${id}`,
      doc('skus', { name: 'Renamed', weight: 1.5, unit_of_weight: 'gr', do_not_track: true }, {}, id),
    );
    expect(u.status).toBe(200);
    expect(u.body.data.attributes).toMatchObject({
      name: 'Renamed',
      weight: 1.5,
      unit_of_weight: 'gr',
      do_not_track: true,
    });
    const stocked = await f.sku();
    const item = await f.stockItem(stocked, await f.stockLocation(), 3);
    expectLocked(await api.delete(`/api/skus/${stocked}`));
    expect((await api.get(`/api/skus/${stocked}`)).status).toBe(200);
    expect((await api.get(`/api/stock_items/${item}`)).status).toBe(200);
    expect((await api.delete(`/api/skus/${id}`)).status).toBe(204);
    expect((await api.get(`/api/skus/${id}`)).status).toBe(404);
  });

  it('filters by codes and by stock item quantity through the relationship', async () => {
    const [a, b] = [await f.sku({ code: 'F-A' }), await f.sku({ code: 'F-B' })];
    await f.sku({ code: 'F-C' });
    expect(ids(await api.get('/api/skus?filter[codes]=F-A,F-B'))).toEqual(sorted(a, b));
    const sl = await f.stockLocation();
    await f.stockItem(a, sl, 10);
    await f.stockItem(b, sl, 5);
    expect(ids(await api.get('/api/skus?filter[q][stock_items_quantity_gt]=5'))).toEqual([a]);
    expect(ids(await api.get('/api/skus?filter[q][code_start]=F-&sort=-code'))).toHaveLength(3);
  });

  it('code_start is a case-insensitive prefix, wildcards literal, non-ASCII included, as ILIKE', async () => {
    const made: Record<string, string> = {};
    for (const code of ['Pre-Ab1', 'PRE-AB2', 'pre-ac', 'pre_ab', 'pre%ab', 'Été-1', 'été-2', 'Xpre-ab'])
      made[code] = await f.sku({ code });
    const codes = async (prefix: string) =>
      (await api.get(`/api/skus?filter[q][code_start]=${encodeURIComponent(prefix)}&sort=code`)).body.data
        .map((d: { attributes: { code: string } }) => d.attributes.code)
        .sort();
    expect(await codes('pre-ab')).toEqual(['PRE-AB2', 'Pre-Ab1']);
    expect(await codes('PRE-A')).toEqual(['PRE-AB2', 'Pre-Ab1', 'pre-ac']);
    expect(await codes('pre_')).toEqual(['pre_ab']);
    expect(await codes('pre%')).toEqual(['pre%ab']);
    expect(await codes('ÉTÉ')).toEqual(['Été-1', 'été-2']);
    expect(await codes('pre-ac')).toEqual(['pre-ac']);
  });
});

describe('stock_items', () => {
  it('creates with relationships and returns sku_code; sku_code alone sets the sku', async () => {
    const [sku, sl] = [await f.sku({ code: 'SI-1' }), await f.stockLocation()];
    const res = await api.post(
      '/api/stock_items',
      doc('stock_items', { quantity: 7 }, { sku: to('skus', sku), stock_location: to('stock_locations', sl) }),
    );
    expect(res.status).toBe(201);
    expect(res.body.data.attributes).toMatchObject({ quantity: 7, sku_code: 'SI-1' });
    const other = await f.stockLocation();
    const byCode = await api.post(
      '/api/stock_items',
      doc('stock_items', { quantity: 2, sku_code: 'SI-1' }, { stock_location: to('stock_locations', other) }),
    );
    expect(byCode.status).toBe(201);
    expect(byCode.body.data.attributes.sku_code).toBe('SI-1');
    expect((await api.get(`/api/stock_items/${byCode.body.data.id}/sku`)).body.data.id).toBe(sku);
    expect((await api.get(`/api/stock_items/${byCode.body.data.id}`)).body.data.attributes.sku_code).toBe('SI-1');
  });

  it(`422s on a missing quantity, stock location or sku, a negative quantity, an unknown \
sku_code; writes nothing`, async () => {
    const [sku, sl] = [await f.sku(), await f.stockLocation()];
    const rels = { sku: to('skus', sku), stock_location: to('stock_locations', sl) };
    const before = await rowCount(t, 'stock_items');
    expectInvalid(await api.post('/api/stock_items', doc('stock_items', {}, rels)), '/data/attributes/quantity');
    expectInvalid(
      await api.post('/api/stock_items', doc('stock_items', { quantity: 1 }, { sku: rels.sku })),
      '/data/relationships/stock_location',
    );
    expectInvalid(
      await api.post('/api/stock_items', doc('stock_items', { quantity: 1 }, { stock_location: rels.stock_location })),
      '/data/relationships/sku',
    );
    expectInvalid(
      await api.post('/api/stock_items', doc('stock_items', { quantity: -1 }, rels)),
      '/data/attributes/quantity',
      'greater_than_or_equal_to',
    );
    expectInvalid(
      await api.post('/api/stock_items', doc('stock_items', { quantity: 1.5 }, rels)),
      '/data/attributes/quantity',
      'not_an_integer',
    );
    expectInvalid(
      await api.post(
        '/api/stock_items',
        doc('stock_items', { quantity: 1, sku_code: 'NOPE' }, { stock_location: rels.stock_location }),
      ),
      '/data/attributes/sku_code',
      'invalid',
    );
    const liveSku = (await live.post('/api/skus', doc('skus', { code: 'LIVE-ONLY', name: 'x', do_not_ship: true })))
      .body.data.id;
    expectInvalid(
      await api.post(
        '/api/stock_items',
        doc('stock_items', { quantity: 1, sku_code: 'LIVE-ONLY' }, { stock_location: rels.stock_location }),
      ),
      '/data/attributes/sku_code',
      'invalid',
    );
    expect([400, 404, 422]).toContain(
      (await api.post('/api/stock_items', doc('stock_items', { quantity: 1 }, { ...rels, sku: to('skus', liveSku) })))
        .status,
    );
    expect(await rowCount(t, 'stock_items')).toBe(before);
  });

  it('an empty document lists every missing required member in one 422', async () => {
    const res = await api.post('/api/stock_items', doc('stock_items', {}));
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: any) => e.source.pointer).sort()).toEqual([
      '/data/attributes/quantity',
      '/data/relationships/sku',
      '/data/relationships/stock_location',
    ]);
  });

  it('is unique per (sku, stock location); updates quantity and sku_code; deletes', async () => {
    const [sku, sl] = [await f.sku(), await f.stockLocation()];
    const id = await f.stockItem(sku, sl, 1);
    const dup = await api.post(
      '/api/stock_items',
      doc('stock_items', { quantity: 2 }, { sku: to('skus', sku), stock_location: to('stock_locations', sl) }),
    );
    expectInvalid(dup, '/data/relationships/sku', 'taken');
    await f.sku({ code: 'SI-SWAP' });
    const u = await api.patch(
      `/api/stock_items/${id}`,
      doc('stock_items', { quantity: 9, sku_code: 'SI-SWAP' }, {}, id),
    );
    expect(u.status).toBe(200);
    expect(u.body.data.attributes).toMatchObject({ quantity: 9, sku_code: 'SI-SWAP' });
    expectInvalid(
      await api.patch(`/api/stock_items/${id}`, doc('stock_items', { quantity: -3 }, {}, id)),
      '/data/attributes/quantity',
      'greater_than_or_equal_to',
    );
    expect((await api.get(`/api/stock_items/${id}`)).body.data.attributes.quantity).toBe(9);
    expect((await api.delete(`/api/stock_items/${id}`)).status).toBe(204);
    expect((await api.get(`/api/stock_items/${id}`)).status).toBe(404);
  });

  it('filters by sku codes, on the list and under a stock location', async () => {
    const sl = await f.stockLocation();
    const [a, b, c] = [await f.sku({ code: 'Q-A' }), await f.sku({ code: 'Q-B' }), await f.sku({ code: 'Q-C' })];
    const [ia, ib] = [await f.stockItem(a, sl, 1), await f.stockItem(b, sl, 2)];
    await f.stockItem(c, sl, 3);
    const elsewhere = await f.stockItem(a, await f.stockLocation(), 4);
    expect(ids(await api.get(`/api/stock_locations/${sl}/stock_items?filter[q][sku_code_in]=Q-A,Q-B`))).toEqual(
      sorted(ia, ib),
    );
    expect(ids(await api.get('/api/stock_items?filter[sku_codes]=Q-A'))).toEqual(sorted(ia, elsewhere));
    expect(
      (await api.get(`/api/stock_locations/${sl}/stock_items?sort=-quantity`)).body.data.map(
        (d: any) => d.attributes.quantity,
      ),
    ).toEqual([3, 2, 1]);
  });
});

describe('reserved_stocks', () => {
  it('one per stock item, quantity 0, reachable as related and included', async () => {
    const sku = await f.sku();
    const id = await f.stockItem(sku, await f.stockLocation(), 5);
    const rs = await api.get(`/api/stock_items/${id}/reserved_stock`);
    expect(rs.status).toBe(200);
    expect(rs.body.data).toMatchObject({ type: 'reserved_stocks', attributes: { quantity: 0 } });
    const inc = await api.get(`/api/stock_items/${id}?include=reserved_stock`);
    expect(inc.body.data.relationships.reserved_stock.data).toEqual({ type: 'reserved_stocks', id: rs.body.data.id });
    expect(inc.body.included).toEqual([
      expect.objectContaining({
        type: 'reserved_stocks',
        id: rs.body.data.id,
        attributes: expect.objectContaining({ quantity: 0 }),
      }),
    ]);
    const again = await api.get(`/api/reserved_stocks/${rs.body.data.id}`);
    expect(again.body.data.attributes.quantity).toBe(0);
    expect((await api.get(`/api/reserved_stocks/${rs.body.data.id}/stock_item`)).body.data.id).toBe(id);
    expect((await api.get(`/api/reserved_stocks/${rs.body.data.id}/sku`)).body.data.id).toBe(sku);
    const list = await api.get('/api/reserved_stocks');
    expect(list.body.meta.record_count).toBe((await api.get('/api/stock_items')).body.meta.record_count);
  });

  it('reflects reserved units; _validate refuses a quantity below them', async () => {
    const id = await f.stockItem(await f.sku(), await f.stockLocation(), 5);
    await t.database.sql`update stock_items set reserved_quantity = 3 where id = ${id}`;
    expect((await api.get(`/api/stock_items/${id}/reserved_stock`)).body.data.attributes.quantity).toBe(3);
    expectInvalid(
      await api.patch(`/api/stock_items/${id}`, doc('stock_items', { quantity: 2, _validate: true }, {}, id)),
      '/data/attributes/quantity',
      'greater_than_or_equal_to',
    );
    expect((await api.get(`/api/stock_items/${id}`)).body.data.attributes.quantity).toBe(5);
  });

  it('is read-only: POST, PATCH and DELETE are 405', async () => {
    const id = await f.stockItem(await f.sku(), await f.stockLocation(), 1);
    const rs = (await api.get(`/api/stock_items/${id}/reserved_stock`)).body.data.id;
    const post = await api.post(
      '/api/reserved_stocks',
      doc('reserved_stocks', { quantity: 1 }, { stock_item: to('stock_items', id) }),
    );
    const patch = await api.patch(`/api/reserved_stocks/${rs}`, doc('reserved_stocks', { quantity: 1 }, {}, rs));
    const del = await api.delete(`/api/reserved_stocks/${rs}`);
    for (const r of [post, patch, del]) expect(r.status).toBe(405);
    expect((await api.get(`/api/reserved_stocks/${rs}`)).body.data.attributes.quantity).toBe(0);
  });
});
