import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Credentials, type TestApp } from './helpers/app';
import { rowCount } from './helpers/expect';
import { factory } from './helpers/factory';
import { client, doc, type Client, type Res } from './helpers/http';

/** Sales channel scopes (spec §2.2) and the permissions table (spec §2.5), both ways, through the API. */
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
  const r = await t.app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'client_credentials', ...creds, scope } });
  return { status: r.statusCode, body: r.json() };
};
const as = async (scope?: string) => client(t.app, await t.token(sc, scope));

beforeAll(async () => {
  t = await createTestApp();
  admin = client(t.app, t.tokens.admin);
  const f = factory(admin);
  id.im1 = await f.inventoryModel(); // A (1), B (2)
  id.im2 = await f.inventoryModel(); // C
  for (const k of ['a', 'b', 'c']) id[k] = await f.stockLocation({ code: `wh-${k}` });
  id.isl = await f.inventoryStockLocation(id.im1, id.a, 1);
  await f.inventoryStockLocation(id.im1, id.b, 2);
  await f.inventoryStockLocation(id.im2, id.c, 1);
  id.irl = await f.create(admin, 'inventory_return_locations', { priority: 1 }, { inventory_model: { type: 'inventory_models', id: id.im1 }, stock_location: { type: 'stock_locations', id: id.a } });
  for (const [k, model] of [['eu', id.im1], ['eu2', id.im1], ['us', id.im2], ['off', id.im1], ['tmp', id.im1]] as const) id[k] = await f.market(model, { code: k });
  await admin.patch(`/api/markets/${id.off}`, doc('markets', { _disable: true }, {}, id.off));
  id.cat = await f.shippingCategory();
  for (const code of ['X', 'Z', 'Y', 'W']) id[code.toLowerCase()] = await f.sku({ code }, id.cat);
  id.xa = await f.stockItem(id.x, id.a, 5);
  id.xb = await f.stockItem(id.x, id.b, 3);
  id.xc = await f.stockItem(id.x, id.c, 50);
  id.za = await f.stockItem(id.z, id.a, 0); // sellable at quantity 0
  id.yc = await f.stockItem(id.y, id.c, 9); // Y only outside eu's model; W has no stock at all
  id.smAll = await f.shippingMethod({ name: 'Standard', price_amount_cents: 700 });
  id.smEu = await f.shippingMethod({ name: 'Express', price_amount_cents: 1200 }, id.eu);
  id.smUs = await f.shippingMethod({ name: 'US only' }, id.us);
  id.smOff = await f.shippingMethod({ name: 'Gone', price_amount_cents: 100 });
  await admin.patch(`/api/shipping_methods/${id.smOff}`, doc('shipping_methods', { _disable: true }, {}, id.smOff));
  id.dAll = await f.deliveryLeadTime(id.a, id.smAll, 72, 120);
  id.dEu = await f.deliveryLeadTime(id.a, id.smEu, 48, 72);
  id.dUs = await f.deliveryLeadTime(id.c, id.smUs, 24, 48);
  id.dOff = await f.deliveryLeadTime(id.a, id.smOff, 24, 24);
  id.addr = (await admin.get(`/api/stock_locations/${id.a}?include=address`)).body.included[0].id;
  id.rs = (await admin.get(`/api/stock_items/${id.xa}?include=reserved_stock`)).body.included[0].id;
  const live = factory(client(t.app, t.tokens.live));
  id.live = await live.market(await live.inventoryModel(), { code: 'live-only' });
  sc = await t.application({ kind: 'sales_channel', role: undefined });
});
afterAll(() => t.close());

/** One existing record of every type, and a valid create / update payload for it. */
const targets = (): Record<string, string> => ({
  inventory_models: id.im1, inventory_stock_locations: id.isl, inventory_return_locations: id.irl, stock_locations: id.a, addresses: id.addr,
  shipping_categories: id.cat, skus: id.x, stock_items: id.xa, markets: id.eu, shipping_methods: id.smAll, delivery_lead_times: id.dAll,
});
const writes = (): Record<string, [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>]> => ({
  inventory_models: [{ name: 'Hack' }, {}, { name: 'Hack' }],
  inventory_stock_locations: [{ priority: 9 }, { inventory_model: rel('inventory_models', id.im2), stock_location: rel('stock_locations', id.a) }, { priority: 7 }],
  inventory_return_locations: [{ priority: 9 }, { inventory_model: rel('inventory_models', id.im2), stock_location: rel('stock_locations', id.a) }, { priority: 7 }],
  stock_locations: [{ name: 'Hack' }, { address: rel('addresses', id.addr) }, { name: 'Hack' }],
  addresses: [{ first_name: 'H', last_name: 'K', line_1: '1 St', city: 'Rome', zip_code: '00100', country_code: 'IT', phone: '1' }, {}, { city: 'Hack' }],
  shipping_categories: [{ name: 'Hack' }, {}, { name: 'Hack' }],
  skus: [{ code: 'HACK', name: 'Hack' }, { shipping_category: rel('shipping_categories', id.cat) }, { name: 'Hack' }],
  stock_items: [{ quantity: 1 }, { sku: rel('skus', id.w), stock_location: rel('stock_locations', id.a) }, { quantity: 999 }],
  markets: [{ name: 'Hack', code: 'hack' }, { inventory_model: rel('inventory_models', id.im1) }, { _disable: true }],
  shipping_methods: [{ name: 'Hack', currency_code: 'EUR', price_amount_cents: 1 }, {}, { price_amount_cents: 1 }],
  delivery_lead_times: [{ min_hours: 1, max_hours: 2 }, { stock_location: rel('stock_locations', id.b), shipping_method: rel('shipping_methods', id.smAll) }, { min_hours: 0 }],
});
const snapshot = async () => ({
  counts: await Promise.all(Object.keys(targets()).map((table) => rowCount(t, table))),
  records: await Promise.all(Object.entries(targets()).map(async ([type, rid]) => (await admin.get(`/api/${type}/${rid}`)).body.data.attributes)),
});
/** POST, PATCH and DELETE on every type → 401, and the database is as it was. */
async function refusesEveryWrite(api: Client) {
  const before = await snapshot();
  for (const [type, [attributes, relationships, update]] of Object.entries(writes())) {
    const rid = targets()[type]!;
    unauthorized(await api.post(`/api/${type}`, doc(type, attributes, relationships)), `POST ${type}`);
    unauthorized(await api.patch(`/api/${type}/${rid}`, doc(type, update, {}, rid)), `PATCH ${type}`);
    unauthorized(await api.delete(`/api/${type}/${rid}`), `DELETE ${type}`);
  }
  expect(await snapshot()).toEqual(before);
}
const everyType = () => ({ ...targets(), reserved_stocks: id.rs, stock_levels: id.isl });

describe('POST /oauth/token with a scope', () => {
  it('accepts markets by id and code, with stock locations by id and code, and echoes the scope', async () => {
    for (const scope of [`market:id:${id.eu}`, 'market:code:eu', `market:code:eu stock_location:id:${id.a}`, 'market:code:eu stock_location:code:wh-b', 'market:code:eu market:code:eu2']) {
      const res = await tokenRes(scope);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.scope).toBe(scope);
    }
    const claims = decodeJwt((await tokenRes('market:code:eu stock_location:code:wh-b')).body.access_token) as any;
    expect(claims.market).toMatchObject({ id: [id.eu], stock_location_ids: [id.b] });
  });

  it('400s an unknown, disabled or live market, a lone or foreign stock location, garbage, and markets of two models', async () => {
    for (const scope of [
      'market:code:nope', `market:id:${id.off}`, 'market:code:off', `market:id:${id.live}`, 'market:code:live-only',
      'stock_location:code:wh-a', 'market:code:eu stock_location:code:wh-c', `market:code:eu stock_location:id:${id.c}`, 'market:code:eu stock_location:code:nope',
      'market', 'market:eu', 'market:code:', 'market:name:eu', 'warehouse:code:wh-a', 'hello world', 'market:code:eu market:code:us',
    ]) {
      const res = await tokenRes(scope);
      expect(res.status, `${scope} ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ code: expect.any(String), title: expect.any(String), detail: expect.any(String), status: 400 })]);
      expect(res.body.access_token).toBeUndefined();
    }
  });
});

describe('a sales channel with a market in scope (spec §2.5)', () => {
  it('lists and retrieves only SKUs sellable in the market, quantity 0 included', async () => {
    const api = await as('market:code:eu');
    const list = await api.get('/api/skus');
    expect(list.status).toBe(200);
    expect(idsOf(list)).toEqual([id.x, id.z]);
    expect(list.body.meta.record_count).toBe(2);
    expect(idsOf(await api.get('/api/skus?filter[q][code_in]=Y,W'))).toEqual([]);
    const x = await api.get(`/api/skus/${id.x}`);
    expect(x.body.data.attributes.inventory).toMatchObject({ available: true, quantity: 8, levels: [{ quantity: 5 }, { quantity: 3, delivery_lead_times: [] }] });
    expect(x.body.data.attributes.inventory.levels[0].delivery_lead_times.map((l: any) => l.shipping_method.name)).toEqual(['Standard', 'Express']);
    expect((await api.get(`/api/skus/${id.z}`)).body.data.attributes.inventory).toMatchObject({ available: false, quantity: 0 });
    unauthorized(await api.get(`/api/skus/${id.y}`));
    unauthorized(await api.get(`/api/skus/${id.w}`));
  });

  it("retrieves single stock items of the market's locations only, and never lists them", async () => {
    const api = await as('market:code:eu');
    for (const k of ['xa', 'xb', 'za']) expect((await api.get(`/api/stock_items/${id[k]}`)).body.data.attributes).toMatchObject({ quantity: expect.any(Number) });
    unauthorized(await api.get(`/api/stock_items/${id.xc}`));
    unauthorized(await api.get(`/api/stock_items/${id.yc}`));
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
    unauthorized(await api.get(`/api/shipping_methods/${id.smUs}`), 'other market');
    unauthorized(await api.get(`/api/shipping_methods/${id.smOff}`), 'disabled');
    unauthorized(await api.get('/api/shipping_methods'));
  });

  it('lists and retrieves the delivery lead times of usable shipping methods only', async () => {
    const api = await as('market:code:eu');
    const list = await api.get('/api/delivery_lead_times');
    expect(list.status).toBe(200);
    expect(idsOf(list)).toEqual([id.dAll, id.dEu]);
    expect((await api.get(`/api/delivery_lead_times/${id.dEu}`)).body.data.attributes).toMatchObject({ min_hours: 48, max_days: 3 });
    unauthorized(await api.get(`/api/delivery_lead_times/${id.dUs}`));
    unauthorized(await api.get(`/api/delivery_lead_times/${id.dOff}`));
  });

  it('401s every action on the types it may not read, existing id or not', async () => {
    const api = await as('market:code:eu');
    const hidden = ['inventory_models', 'inventory_stock_locations', 'stock_levels', 'inventory_return_locations', 'stock_locations', 'addresses', 'shipping_categories', 'reserved_stocks'];
    for (const type of hidden) {
      unauthorized(await api.get(`/api/${type}`), type);
      unauthorized(await api.get(`/api/${type}/${everyType()[type as keyof ReturnType<typeof everyType>]}`), type);
      unauthorized(await api.get(`/api/${type}/nosuchid`), type);
    }
  });

  it('401s any write on any type and writes nothing', async () => {
    await refusesEveryWrite(await as('market:code:eu'));
  });

  it('401s an include of a type it may not read; includes of readable types are scoped', async () => {
    const api = await as('market:code:eu');
    for (const url of [`/api/skus/${id.x}?include=stock_items.reserved_stock`, `/api/skus/${id.x}?include=shipping_category`, '/api/skus?include=shipping_category', `/api/stock_items/${id.xa}?include=stock_location`, `/api/markets/${id.eu}?include=inventory_model`, `/api/delivery_lead_times/${id.dAll}?include=stock_location`]) {
      unauthorized(await api.get(url), url);
    }
    const withItems = await api.get(`/api/skus/${id.x}?include=stock_items`);
    expect(withItems.body.included.map((i: any) => i.id).sort()).toEqual([id.xa, id.xb].sort());
    expect((await api.get(`/api/stock_items/${id.xa}?include=sku`)).body.included).toEqual([expect.objectContaining({ type: 'skus', id: id.x })]);
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
    unauthorized(await api.get(`/api/stock_items/${id.xa}`));
    const x = await api.get(`/api/skus/${id.x}?include=stock_items`);
    expect(x.body.data.attributes.inventory).toEqual({ available: true, quantity: 3, levels: [{ quantity: 3, delivery_lead_times: [] }] });
    expect(x.body.included.map((i: any) => i.id)).toEqual([id.xb]);
  });

  it('two markets sharing a model see the same sellable SKUs', async () => {
    expect(idsOf(await (await as('market:code:eu market:code:eu2')).get('/api/skus'))).toEqual([id.x, id.z]);
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

  it('after its market is disabled, the token sees neither the market nor its shipping methods and lead times', async () => {
    const api = await as('market:code:eu2');
    expect((await api.get(`/api/markets/${id.eu2}`)).status).toBe(200);
    await admin.patch(`/api/markets/${id.eu2}`, doc('markets', { _disable: true }, {}, id.eu2));
    const seen = async () => ({
      market: (await api.get(`/api/markets/${id.eu2}`)).status,
      shippingMethod: (await api.get(`/api/shipping_methods/${id.smAll}`)).status,
      leadTimes: idsOf(await api.get('/api/delivery_lead_times')),
    });
    expect(await seen()).toEqual({ market: 401, shippingMethod: 401, leadTimes: [] });
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
});
