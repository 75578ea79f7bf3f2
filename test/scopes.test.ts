import { decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Credentials, TestApp } from './helpers/app';
import { rowCount } from './helpers/expect';
import { factory } from './helpers/factory';
import { type Client, client, doc, type Res } from './helpers/http';
import { useTestApp } from './helpers/use-app';

/**
 * Sales channel scopes (docs/wire-format.md#scopes) and the permissions table
 * (docs/wire-format.md#permissions), both ways, through the API.
 */
let t: TestApp;
let admin: Client;
let sc: Credentials;
const id: Record<string, string> = {};
const rel = (type: string, rid: string) => ({ data: { type, id: rid } });
const idsOf = (res: Res) => (res.body.data as any[]).map((d) => d.id);
const unauthorized = (res: Res, what = '') => {
  expect(res.status, `${what} ${JSON.stringify(res.body)}`).toBe(401);
  expect(res.body.errors[0]).toMatchObject({ code: 'UNAUTHORIZED', status: '401' });
};
const tokenRes = async (scope: string, creds: Credentials = sc) => {
  const r = await t.app.inject({
    method: 'POST',
    url: '/oauth/token',
    payload: { grant_type: 'client_credentials', ...creds, scope },
  });
  return { status: r.statusCode, body: r.json() };
};
const as = async (scope?: string) => client(t.app, await t.token(sc, scope));

useTestApp({}, (s) => ({ t, api: admin } = s));
beforeAll(async () => {
  const f = factory(admin);
  id.im1 = await f.inventoryModel(); // A (1), B (2)
  id.im2 = await f.inventoryModel(); // C
  for (const k of ['a', 'b', 'c']) id[k] = await f.stockLocation({ code: `wh-${k}` });
  id.isl = await f.inventoryStockLocation(id.im1, id.a, 1);
  await f.inventoryStockLocation(id.im1, id.b, 2);
  await f.inventoryStockLocation(id.im2, id.c, 1);
  id.irl = await f.create(
    admin,
    'inventory_return_locations',
    { priority: 1 },
    {
      inventory_model: { type: 'inventory_models', id: id.im1 },
      stock_location: { type: 'stock_locations', id: id.a },
    },
  );
  for (const [k, model] of [
    ['eu', id.im1],
    ['eu2', id.im1],
    ['us', id.im2],
    ['off', id.im1],
    ['tmp', id.im1],
  ] as const)
    id[k] = await f.market(model, { code: k });
  await admin.patch(`/api/markets/${id.off}`, doc('markets', { _disable: true }, {}, id.off));
  id.cat = await f.shippingCategory();
  for (const code of ['X', 'Z', 'Y', 'W']) id[code.toLowerCase()] = await f.sku({ code }, id.cat);
  // X in A, B (eu's model) and C; Z only in A at quantity 0 (still sellable); Y only in C; W nowhere
  for (const [k, sku, loc, q] of [
    ['xa', 'x', 'a', 5],
    ['xb', 'x', 'b', 3],
    ['xc', 'x', 'c', 50],
    ['za', 'z', 'a', 0],
    ['yc', 'y', 'c', 9],
  ] as const)
    id[k] = await f.stockItem(id[sku], id[loc], q);
  for (const [k, name, cents, market] of [
    ['smAll', 'Standard', 700],
    ['smEu', 'Express', 1200, id.eu],
    ['smUs', 'US only', 900, id.us],
    ['smOff', 'Gone', 100],
  ] as const) {
    id[k] = await f.shippingMethod({ name, price_amount_cents: cents }, market);
  }
  await admin.patch(`/api/shipping_methods/${id.smOff}`, doc('shipping_methods', { _disable: true }, {}, id.smOff));
  for (const [k, loc, sm, min, max] of [
    ['dAll', 'a', 'smAll', 72, 120],
    ['dEu', 'a', 'smEu', 48, 72],
    ['dUs', 'c', 'smUs', 24, 48],
    ['dOff', 'a', 'smOff', 24, 24],
  ] as const) {
    id[k] = await f.deliveryLeadTime(id[loc], id[sm], min, max);
  }
  id.addr = (await admin.get(`/api/stock_locations/${id.a}?include=address`)).body.included[0].id;
  id.rs = (await admin.get(`/api/stock_items/${id.xa}?include=reserved_stock`)).body.included[0].id;
  const live = factory(client(t.app, t.tokens.live));
  id.live = await live.market(await live.inventoryModel(), { code: 'live-only' });
  sc = await t.application({ kind: 'sales_channel', role: undefined });
});

/** One existing record of every type, and a valid create / update payload for it. */
const targets = (): Record<string, string> => ({
  inventory_models: id.im1,
  inventory_stock_locations: id.isl,
  inventory_return_locations: id.irl,
  stock_locations: id.a,
  addresses: id.addr,
  shipping_categories: id.cat,
  skus: id.x,
  stock_items: id.xa,
  markets: id.eu,
  shipping_methods: id.smAll,
  delivery_lead_times: id.dAll,
});
const writes = (): Record<string, [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>]> => ({
  inventory_models: [{ name: 'Hack' }, {}, { name: 'Hack' }],
  inventory_stock_locations: [
    { priority: 9 },
    { inventory_model: rel('inventory_models', id.im2), stock_location: rel('stock_locations', id.a) },
    { priority: 7 },
  ],
  inventory_return_locations: [
    { priority: 9 },
    { inventory_model: rel('inventory_models', id.im2), stock_location: rel('stock_locations', id.a) },
    { priority: 7 },
  ],
  stock_locations: [{ name: 'Hack' }, { address: rel('addresses', id.addr) }, { name: 'Hack' }],
  addresses: [
    {
      first_name: 'H',
      last_name: 'K',
      line_1: '1 St',
      city: 'Rome',
      zip_code: '00100',
      country_code: 'IT',
      phone: '1',
    },
    {},
    { city: 'Hack' },
  ],
  shipping_categories: [{ name: 'Hack' }, {}, { name: 'Hack' }],
  skus: [{ code: 'HACK', name: 'Hack' }, { shipping_category: rel('shipping_categories', id.cat) }, { name: 'Hack' }],
  stock_items: [
    { quantity: 1 },
    { sku: rel('skus', id.w), stock_location: rel('stock_locations', id.a) },
    { quantity: 999 },
  ],
  markets: [{ name: 'Hack', code: 'hack' }, { inventory_model: rel('inventory_models', id.im1) }, { _disable: true }],
  shipping_methods: [{ name: 'Hack', currency_code: 'EUR', price_amount_cents: 1 }, {}, { price_amount_cents: 1 }],
  delivery_lead_times: [
    { min_hours: 1, max_hours: 2 },
    { stock_location: rel('stock_locations', id.b), shipping_method: rel('shipping_methods', id.smAll) },
    { min_hours: 0 },
  ],
});
const snapshot = async () => ({
  counts: await Promise.all(Object.keys(targets()).map((table) => rowCount(t, table))),
  records: await Promise.all(
    Object.entries(targets()).map(async ([type, rid]) => (await admin.get(`/api/${type}/${rid}`)).body.data.attributes),
  ),
});
/**
 * POST, PATCH and DELETE on every type → 401, and the database is as it was. `creates`: types the
 * caller may create (a sales channel creates its shoppers' addresses), whose POST is not tried.
 */
async function refusesEveryWrite(api: Client, creates: string[] = []) {
  const before = await snapshot();
  for (const [type, [attributes, relationships, update]] of Object.entries(writes())) {
    const rid = targets()[type]!;
    if (!creates.includes(type))
      unauthorized(await api.post(`/api/${type}`, doc(type, attributes, relationships)), `POST ${type}`);
    unauthorized(await api.patch(`/api/${type}/${rid}`, doc(type, update, {}, rid)), `PATCH ${type}`);
    unauthorized(await api.delete(`/api/${type}/${rid}`), `DELETE ${type}`);
  }
  expect(await snapshot()).toEqual(before);
}
const everyType = (): Record<string, string> => ({ ...targets(), reserved_stocks: id.rs, stock_levels: id.isl });

describe('POST /oauth/token with a scope', () => {
  it('accepts markets by id and code, with stock locations by id and code, and echoes the scope', async () => {
    for (const scope of [
      `market:id:${id.eu}`,
      'market:code:eu',
      `market:code:eu stock_location:id:${id.a}`,
      'market:code:eu stock_location:code:wh-b',
      'market:code:eu market:code:eu2',
    ]) {
      const res = await tokenRes(scope);
      expect([res.status, res.body.scope], JSON.stringify(res.body)).toEqual([200, scope]);
    }
    const claims = decodeJwt((await tokenRes('market:code:eu stock_location:code:wh-b')).body.access_token) as any;
    expect(claims.market).toMatchObject({ id: [id.eu], stock_location_ids: [id.b] });
    // two markets sharing a model: the same sellable SKUs
    expect(idsOf(await (await as('market:code:eu market:code:eu2')).get('/api/skus'))).toEqual([id.x, id.z]);
  });

  it(`400s an unknown, disabled or live market, a lone or foreign stock location, garbage, \
and markets of two models`, async () => {
    for (const scope of [
      'market:code:nope',
      `market:id:${id.off}`,
      'market:code:off',
      `market:id:${id.live}`,
      'market:code:live-only',
      'stock_location:code:wh-a',
      'market:code:eu stock_location:code:wh-c',
      `market:code:eu stock_location:id:${id.c}`,
      'market:code:eu stock_location:code:nope',
      'market',
      'market:eu',
      'market:code:',
      'market:name:eu',
      'warehouse:code:wh-a',
      'hello world',
      'market:code:eu market:code:us',
    ]) {
      const res = await tokenRes(scope);
      expect(res.status, `${scope} ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body).toEqual({
        errors: [
          expect.objectContaining({
            code: expect.any(String),
            title: expect.any(String),
            detail: expect.any(String),
            status: 400,
          }),
        ],
      });
    }
  });
});

describe('a sales channel with a market in scope (docs/wire-format.md#permissions)', () => {
  it('lists and retrieves only SKUs sellable in the market, quantity 0 included', async () => {
    const api = await as('market:code:eu');
    const list = await api.get('/api/skus');
    expect([list.status, idsOf(list), list.body.meta.record_count]).toEqual([200, [id.x, id.z], 2]);
    expect(idsOf(await api.get('/api/skus?filter[q][code_in]=Y,W'))).toEqual([]);
    const x = await api.get(`/api/skus/${id.x}`);
    expect(x.body.data.attributes.inventory).toMatchObject({
      available: true,
      quantity: 8,
      levels: [{ quantity: 5 }, { quantity: 3, delivery_lead_times: [] }],
    });
    expect(
      x.body.data.attributes.inventory.levels[0].delivery_lead_times.map((l: any) => l.shipping_method.name),
    ).toEqual(['Standard', 'Express']);
    expect((await api.get(`/api/skus/${id.z}`)).body.data.attributes.inventory).toMatchObject({
      available: false,
      quantity: 0,
    });
    for (const k of ['y', 'w']) unauthorized(await api.get(`/api/skus/${id[k]}`), k);
  });

  it("retrieves single stock items of the market's locations only, and never lists them", async () => {
    const api = await as('market:code:eu');
    for (const k of ['xa', 'xb', 'za'])
      expect((await api.get(`/api/stock_items/${id[k]}`)).body.data.attributes).toMatchObject({
        quantity: expect.any(Number),
      });
    for (const k of ['xc', 'yc']) unauthorized(await api.get(`/api/stock_items/${id[k]}`), k);
    unauthorized(await api.get('/api/stock_items'));
    unauthorized(await api.get(`/api/skus/${id.x}/stock_items`));
  });

  it('retrieves its own market and usable shipping methods, lists neither', async () => {
    const api = await as('market:code:eu');
    expect((await api.get(`/api/markets/${id.eu}`)).body.data.attributes.code).toBe('eu');
    for (const m of ['eu2', 'us', 'off']) unauthorized(await api.get(`/api/markets/${id[m]}`), m);
    unauthorized(await api.get('/api/markets'));
    expect((await api.get(`/api/shipping_methods/${id.smAll}`)).body.data.attributes.name).toBe('Standard');
    expect((await api.get(`/api/shipping_methods/${id.smEu}`)).body.data.attributes.name).toBe('Express');
    // other market, disabled
    for (const k of ['smUs', 'smOff']) unauthorized(await api.get(`/api/shipping_methods/${id[k]}`), k);
    unauthorized(await api.get('/api/shipping_methods'));
  });

  it('lists and retrieves the delivery lead times of usable shipping methods only', async () => {
    const api = await as('market:code:eu');
    const list = await api.get('/api/delivery_lead_times');
    expect([list.status, idsOf(list)]).toEqual([200, [id.dAll, id.dEu]]);
    expect((await api.get(`/api/delivery_lead_times/${id.dEu}`)).body.data.attributes).toMatchObject({
      min_hours: 48,
      max_days: 3,
    });
    for (const k of ['dUs', 'dOff']) unauthorized(await api.get(`/api/delivery_lead_times/${id[k]}`), k);
  });

  it('401s every action on the types it may not read, existing id or not', async () => {
    const api = await as('market:code:eu');
    const hidden = [
      'inventory_models',
      'inventory_stock_locations',
      'stock_levels',
      'inventory_return_locations',
      'stock_locations',
      'shipping_categories',
      'reserved_stocks',
    ];
    for (const type of hidden) {
      unauthorized(await api.get(`/api/${type}`), type);
      unauthorized(await api.get(`/api/${type}/${everyType()[type]}`), type);
      unauthorized(await api.get(`/api/${type}/nosuchid`), type);
    }
    // addresses: its shoppers' only (test/orders-checkout.test.ts), never a stock location's
    unauthorized(await api.get('/api/addresses'));
    unauthorized(await api.get(`/api/addresses/${id.addr}`));
    unauthorized(await api.get(`/api/stock_locations/${id.a}/address`));
  });

  it('401s any write on any type but an address of its own, and writes nothing', async () => {
    await refusesEveryWrite(await as('market:code:eu'), ['addresses']);
  });

  it('401s an include of a type it may not read; includes of readable types are scoped', async () => {
    const api = await as('market:code:eu');
    for (const url of [
      `/api/skus/${id.x}?include=stock_items.reserved_stock`,
      `/api/skus/${id.x}?include=shipping_category`,
      '/api/skus?include=shipping_category',
      `/api/stock_items/${id.xa}?include=stock_location`,
      `/api/markets/${id.eu}?include=inventory_model`,
      `/api/delivery_lead_times/${id.dAll}?include=stock_location`,
    ]) {
      unauthorized(await api.get(url), url);
    }
    const withItems = await api.get(`/api/skus/${id.x}?include=stock_items`);
    expect(withItems.body.included.map((i: any) => i.id).sort()).toEqual([id.xa, id.xb].sort());
    expect((await api.get(`/api/stock_items/${id.xa}?include=sku`)).body.included).toEqual([
      expect.objectContaining({ type: 'skus', id: id.x }),
    ]);
  });

  it('filters through relationships match only what the scope shows, and reveal nothing it hides', async () => {
    const api = await as('market:code:eu');
    expect(idsOf(await api.get('/api/skus?filter[q][stock_items_quantity_eq]=5'))).toEqual([id.x]);
    const hiddenName = (await admin.get(`/api/stock_locations/${id.c}`)).body.data.attributes.name;
    const catName = (await admin.get(`/api/shipping_categories/${id.cat}`)).body.data.attributes.name;
    const leaks: Record<string, string[]> = {};
    for (const q of [
      'stock_items_quantity_eq]=50',
      `stock_items_stock_location_id_eq]=${id.c}`,
      `stock_items_stock_location_name_eq]=${hiddenName}`,
      `shipping_category_name_eq]=${catName}`,
    ]) {
      const res = await api.get(`/api/skus?filter[q][${q}`);
      if (res.status !== 401 && idsOf(res).length) leaks[q] = idsOf(res); // refused or empty are both fine
    }
    expect(leaks).toEqual({});
  });
});

describe('other sales channel tokens', () => {
  it('without a market (none or market:all): 401 everywhere', async () => {
    const tokens = [t.tokens.salesChannel, await t.token(sc), await t.token(sc, 'market:all')];
    expect((await tokenRes('market:all')).body.scope).toBe('market:all');
    for (const token of tokens) {
      const api = client(t.app, token);
      for (const [type, rid] of Object.entries(everyType())) {
        unauthorized(await api.get(`/api/${type}`), type);
        unauthorized(await api.get(`/api/${type}/${rid}`), type);
      }
    }
    await refusesEveryWrite(client(t.app, tokens[1]!));
  });

  it('scoped to a stock location: only its stock items, SKUs and availability level', async () => {
    const api = await as('market:code:eu stock_location:code:wh-b');
    expect(idsOf(await api.get('/api/skus'))).toEqual([id.x]);
    unauthorized(await api.get(`/api/skus/${id.z}`));
    expect((await api.get(`/api/stock_items/${id.xb}`)).status).toBe(200);
    for (const k of ['xa', 'za']) unauthorized(await api.get(`/api/stock_items/${id[k]}`), k);
    const x = await api.get(`/api/skus/${id.x}?include=stock_items`);
    expect(x.body.data.attributes.inventory).toEqual({
      available: true,
      quantity: 3,
      levels: [{ quantity: 3, delivery_lead_times: [] }],
    });
    expect(x.body.included.map((i: any) => i.id)).toEqual([id.xb]);
  });

  it('after its market is disabled, a token issued before sees no SKUs, stock items or availability', async () => {
    const api = await as('market:code:tmp');
    expect(idsOf(await api.get('/api/skus'))).toEqual([id.x, id.z]);
    await admin.patch(`/api/markets/${id.tmp}`, doc('markets', { _disable: true }, {}, id.tmp));
    const list = await api.get('/api/skus?fields[skus]=code,inventory');
    expect([list.status, list.body.data]).toEqual([200, []]);
    unauthorized(await api.get(`/api/skus/${id.x}`));
    unauthorized(await api.get(`/api/stock_items/${id.xa}`));
    expect((await tokenRes('market:code:tmp')).status).toBe(400);
  });

  it(`after its market is disabled, the token sees neither the market nor its \
shipping methods and lead times`, async () => {
    const api = await as('market:code:eu2');
    expect((await api.get(`/api/markets/${id.eu2}`)).status).toBe(200);
    await admin.patch(`/api/markets/${id.eu2}`, doc('markets', { _disable: true }, {}, id.eu2));
    const market = (await api.get(`/api/markets/${id.eu2}`)).status;
    const shippingMethod = (await api.get(`/api/shipping_methods/${id.smAll}`)).status;
    const leadTimes = idsOf(await api.get('/api/delivery_lead_times'));
    expect({ market, shippingMethod, leadTimes }).toEqual({ market: 401, shippingMethod: 401, leadTimes: [] });
  });
});

describe('read_only integration tokens', () => {
  it('list and retrieve every type, includes too', async () => {
    const ro = client(t.app, t.tokens.readOnly);
    for (const [type, rid] of Object.entries(everyType())) {
      expect((await ro.get(`/api/${type}`)).body.meta.record_count, type).toBeGreaterThan(0);
      expect((await ro.get(`/api/${type}/${rid}`)).body.data.id, type).toBe(rid);
    }
    const x = await ro.get(`/api/skus/${id.x}?include=stock_items.reserved_stock,shipping_category`);
    expect(x.body.included).toHaveLength(3 + 3 + 1);
  });

  it('write nothing: 401 on every POST, PATCH and DELETE', async () => {
    await refusesEveryWrite(client(t.app, t.tokens.readOnly));
  });

  it('the refused writes are valid documents: the same POSTs and PATCHes succeed for an admin', async () => {
    for (const [type, [attributes, relationships, update]] of Object.entries(writes())) {
      const rid = targets()[type]!;
      expect((await admin.post(`/api/${type}`, doc(type, attributes, relationships))).status, `POST ${type}`).toBe(201);
      expect((await admin.patch(`/api/${type}/${rid}`, doc(type, update, {}, rid))).status, `PATCH ${type}`).toBe(200);
    }
  });
});
