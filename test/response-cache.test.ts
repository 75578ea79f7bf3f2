import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config';
import { connect } from '../src/db/client';
import { SingleCache } from '../src/http/single-cache';
import { commitsAreDurable } from '../src/query/probe';
import { skusResource as skusDef } from '../src/resources/catalog';
import { createTestDatabase, type TestApp } from './helpers/app';
import { factory } from './helpers/factory';
import { type Client, client, doc, remoteClient } from './helpers/http';
import { type ServerProcess, startServerProcess, stopServerProcess } from './helpers/server';
import { useTestApp } from './helpers/use-app';

/**
 * Single SKU reads are answered from memory while a probe finds nothing they depend on changed
 * (src/http/single-cache.ts). Every kind of write that changes the answer must show in the very
 * next read — in this process, and in another one whose memory no write passed through. Each
 * answer is compared with a third process that keeps nothing (RESPONSE_CACHE_MB=0).
 */
let t: TestApp;
let admin: Client;
let shop: Client;
let other: ServerProcess;
let reference: ServerProcess;
let token: string;
const ids: Record<string, string> = {};
const rel = (type: string, id: string) => ({ data: { type, id } });

useTestApp({}, (s) => ({ t, api: admin } = s));
beforeAll(async () => {
  const f = factory(admin);
  Object.assign(ids, await f.twoLocationMarket({ cutoff: 2, code: 'cache', quantities: [10, 20] }));
  ids.c = await f.stockLocation();
  ids.method = await f.shippingMethod({ price_amount_cents: 700 });
  ids.leadTime = await f.deliveryLeadTime(ids.a!, ids.method, 24, 48);
  token = await t.token(await t.application({ kind: 'sales_channel', role: undefined }), 'market:code:cache');
  shop = client(t.app, token);
  [other, reference] = await Promise.all([
    startServerProcess(t.dbUrl),
    startServerProcess(t.dbUrl, { RESPONSE_CACHE_MB: '0' }),
  ]);
}, 60_000);
afterAll(() => Promise.all([stopServerProcess(other?.proc), stopServerProcess(reference?.proc)]));

/** A body with its links' origin taken out: processes differ only there. */
const local = (body: unknown, origin: string) => JSON.parse(JSON.stringify(body).replaceAll(origin, ''));

const over = async (base: string, path: string, tok = token) => {
  const res = await remoteClient(base, tok).get(path);
  return { status: res.status, body: local(res.body, base) };
};

/** The same read through this process, the other one and the reference; the three must agree. */
async function readAll(path = `/api/skus/${ids.sku}`) {
  const here = await shop.get(path);
  const there = await over(other.url, path);
  const truth = await over(reference.url, path);
  expect({ status: here.status, body: local(here.body, 'http://localhost:80') }).toEqual(truth);
  expect(there).toEqual(truth);
  return truth;
}

const inventory = async () => (await readAll()).body.data.attributes.inventory;
const patch = (type: string, id: string, attributes: Record<string, unknown>) =>
  admin.patch(`/api/${type}/${id}`, doc(type, attributes, {}, id));

describe('the response cache', () => {
  it('answers an unchanged SKU from memory, the same bytes', async () => {
    const first = await shop.get(`/api/skus/${ids.sku}`);
    const hits = t.app.responseCache.stats.hits;
    const again = await shop.get(`/api/skus/${ids.sku}`);
    expect(t.app.responseCache.stats.hits).toBe(hits + 1);
    expect(again.body).toEqual(first.body);
    // commits elsewhere, one of them to another SKU's stock: the change feed lists only that SKU, so
    // it confirms this one without asking for its version
    await factory(admin).address();
    const elsewhere = await factory(admin).sku({});
    await factory(admin).stockItem(elsewhere, ids.a!, 3);
    const fromFeed = t.app.responseCache.stats.fromFeed;
    const after = await shop.get(`/api/skus/${ids.sku}`);
    expect(t.app.responseCache.stats.hits).toBe(hits + 2);
    expect(t.app.responseCache.stats.fromFeed).toBe(fromFeed + 1);
    expect(after.body).toEqual(first.body);
  });

  it('shows every kind of write in the next read, in this process and in another', async () => {
    const steps: Array<[string, () => Promise<unknown>, (inv: any, body: any) => void]> = [
      [
        'stock quantity',
        () => patch('stock_items', ids.itemA!, { quantity: 15 }),
        (inv) => expect(inv.levels[0].quantity).toBe(15),
      ],
      [
        'reserved counter',
        () => t.database.sql`update stock_items set reserved_quantity = 5 where id = ${ids.itemB!}`,
        (inv) => expect(inv.levels[1].quantity).toBe(15),
      ],
      [
        'SKU attribute',
        () => patch('skus', ids.sku!, { name: 'Renamed' }),
        (_inv, body) => expect(body.data.attributes.name).toBe('Renamed'),
      ],
      [
        'lead time',
        () => patch('delivery_lead_times', ids.leadTime!, { min_hours: 72, max_hours: 96 }),
        (inv) => expect(inv.levels[0].delivery_lead_times[0].min.hours).toBe(72),
      ],
      [
        'shipping method price',
        () => patch('shipping_methods', ids.method!, { price_amount_cents: 900 }),
        (inv) => expect(inv.levels[0].delivery_lead_times[0].shipping_method.price_amount_cents).toBe(900),
      ],
      [
        'priority',
        () => patch('inventory_stock_locations', ids.islA!, { priority: 3 }),
        (inv) => expect(inv.levels.map((l: any) => l.quantity)).toEqual([15, 15]),
      ],
      [
        'cutoff',
        () => patch('inventory_models', ids.model!, { stock_locations_cutoff: 1 }),
        (inv) => expect(inv.levels).toHaveLength(1),
      ],
      [
        'a location joins the model',
        () =>
          factory(admin)
            .inventoryStockLocation(ids.model!, ids.c!, 0)
            .then((id) => (ids.islC = id)),
        (inv) => expect(inv.quantity).toBe(0),
      ],
      [
        'a stock item appears',
        () =>
          factory(admin)
            .stockItem(ids.sku!, ids.c!, 7)
            .then((id) => (ids.itemC = id)),
        (inv) => expect(inv.quantity).toBe(7),
      ],
      ['a stock item goes', () => admin.delete(`/api/stock_items/${ids.itemC}`), (inv) => expect(inv.quantity).toBe(0)],
      [
        'a location leaves the model',
        () => admin.delete(`/api/inventory_stock_locations/${ids.islC}`),
        (inv) => expect(inv.quantity).toBe(15),
      ],
    ];
    for (const [what, write, check] of steps) {
      await readAll(); // both processes hold the current answer
      const res = (await write()) as { status?: number } | undefined;
      if (res && typeof res === 'object' && 'status' in res) expect(res.status, what).toBeLessThan(300);
      const { body } = await readAll();
      check(body.data.attributes.inventory, body);
    }
  });

  it('confirms kept answers by version when the change feed cannot be read', async () => {
    const first = await shop.get(`/api/skus/${ids.sku}`);
    await t.database.sql`alter table sku_changes_horizon rename to sku_changes_horizon_away`;
    try {
      const { hits, fromFeed } = t.app.responseCache.stats;
      const again = await shop.get(`/api/skus/${ids.sku}`);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect(t.app.responseCache.stats).toEqual({ hits: hits + 1, fromFeed });
      // and a write is still seen by the next read (the three processes agree)
      expect((await patch('skus', ids.sku!, { name: 'Read by version' })).status).toBe(200);
      expect((await readAll()).body.data.attributes.name).toBe('Read by version');
    } finally {
      await t.database.sql`alter table sku_changes_horizon_away rename to sku_changes_horizon`;
    }
  });

  it('stops serving a SKU when its market is disabled, and serves it again once enabled', async () => {
    await readAll();
    expect((await patch('markets', ids.market!, { _disable: true })).status).toBe(200);
    expect((await readAll()).status).not.toBe(200);
    expect((await patch('markets', ids.market!, { _enable: true })).status).toBe(200);
    expect((await readAll()).status).toBe(200);
  });

  it('stops counting a draft reservation the moment it expires, with no write in between', async () => {
    const res = await admin.post(
      '/api/stock_reservations',
      doc('stock_reservations', { quantity: 4 }, { stock_item: rel('stock_items', ids.itemB!) }),
    );
    expect(res.status).toBe(201);
    await t.database.sql`update stock_reservations set expires_at = now() + interval '1500 milliseconds'
        where id = ${res.body.data.id}`;
    const before = (await inventory()).quantity;
    await readAll(); // kept, and confirmed
    await new Promise((r) => setTimeout(r, 1700));
    expect((await inventory()).quantity).toBe(before + 4);
  });

  it('sees changes to draft reservations that move no counter', async () => {
    const res = await admin.post(
      '/api/stock_reservations',
      doc('stock_reservations', { quantity: 3 }, { stock_item: rel('stock_items', ids.itemB!) }),
    );
    expect(res.status).toBe(201);
    const draft = res.body.data.id as string;
    const counted = (await inventory()).quantity;
    // past its expiry the draft stops counting (nothing swept yet)...
    await t.database.sql`update stock_reservations set expires_at = now() - interval '1 second' where id = ${draft}`;
    expect((await inventory()).quantity).toBe(counted + 3);
    // ...and made pending again by a transaction that raced its expiry, it counts once more
    await t.database.sql`update stock_reservations set status = 'pending', expires_at = null where id = ${draft}`;
    expect((await inventory()).quantity).toBe(counted);
  });

  it('keeps answers apart by host, market and token scope, sparse fields and include', async () => {
    const viaHost = async (host: string) =>
      (await shop.call({ method: 'GET', url: `/api/skus/${ids.sku}`, headers: { host } })).body.data.links
        .self as string;
    expect(await viaHost('a.example')).toBe(`http://a.example/api/skus/${ids.sku}`);
    expect(await viaHost('b.example')).toBe(`http://b.example/api/skus/${ids.sku}`);
    expect(await viaHost('a.example')).toBe(`http://a.example/api/skus/${ids.sku}`);
    // a second market whose model ranks the locations the other way round
    const f = factory(admin);
    const model = await f.inventoryModel({ stock_locations_cutoff: 1 });
    await f.inventoryStockLocation(model, ids.a!, 1);
    await f.market(model, { code: 'cache-2' });
    const second = await t.token(
      await t.application({ kind: 'sales_channel', role: undefined }),
      'market:code:cache-2',
    );
    const first = (await readAll()).body.data.attributes.inventory;
    const other2 = (await over(other.url, `/api/skus/${ids.sku}`, second)).body.data.attributes.inventory;
    expect(other2).toEqual((await over(reference.url, `/api/skus/${ids.sku}`, second)).body.data.attributes.inventory);
    expect(other2).not.toEqual(first);
    expect((await over(other.url, `/api/skus/${ids.sku}`)).body.data.attributes.inventory).toEqual(first);

    const scoped = await t.token(
      await t.application({ kind: 'sales_channel', role: undefined }),
      `market:code:cache stock_location:id:${ids.a}`,
    );
    const wide = (await readAll()).body.data.attributes.inventory;
    const narrow = (await over(other.url, `/api/skus/${ids.sku}`, scoped)).body.data.attributes.inventory;
    expect(narrow).toEqual((await over(reference.url, `/api/skus/${ids.sku}`, scoped)).body.data.attributes.inventory);
    expect(narrow).not.toEqual(wide);
    const sparse = await readAll(`/api/skus/${ids.sku}?fields[skus]=name`);
    expect(Object.keys(sparse.body.data.attributes)).toEqual(['name']);
    const hits = t.app.responseCache.stats.hits;
    await shop.get(`/api/skus/${ids.sku}?include=stock_items`);
    const included = await readAll(`/api/skus/${ids.sku}?include=stock_items`);
    expect(included.body.included.length).toBeGreaterThan(0);
    expect(t.app.responseCache.stats.hits).toBe(hits); // included records are not covered by the version: never kept
  });
});

describe('the configuration counter', () => {
  it('moves at commit, so configuration writes in any order never deadlock on it', async () => {
    const [a, b] = [connect(t.dbUrl, 1), connect(t.dbUrl, 1)];
    const before = (await a.sql`select n from market_config_version`)[0]!.n;
    let other: Promise<unknown> = Promise.resolve();
    try {
      await a.sql.begin(async (ta) => {
        await ta`update inventory_stock_locations set priority = priority where id = ${ids.islB!}`;
        // B takes the shipping method and commits; A then needs that row
        other = b.sql.begin((tb) => tb`update shipping_methods set name = name where id = ${ids.method!}`);
        await new Promise((r) => setTimeout(r, 200));
        await ta`update shipping_methods set name = name where id = ${ids.method!}`;
      });
      await other;
      expect(Number((await a.sql`select n from market_config_version`)[0]!.n)).toBe(Number(before) + 3);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('its precondition', () => {
  it('stays off where commits are visible before they are durable (synchronous_commit = off)', async () => {
    const tdb = await createTestDatabase();
    const admin = connect(tdb.url, 1);
    await admin.sql.unsafe(`alter database ${new URL(tdb.url).pathname.slice(1)} set synchronous_commit = off`);
    await admin.close();
    const database = connect(tdb.url, 2);
    const app = await buildApp({
      config: loadConfig({ RATE_LIMITS: 'off', DATABASE_URL: tdb.url }),
      database,
      logger: false,
    });
    try {
      expect(await commitsAreDurable(database.sql)).toBe(false);
      expect(await commitsAreDurable(t.database.sql)).toBe(true);
      const caller = {
        mode: 'test',
        baseUrl: 'http://h',
        caller: { kind: 'sales_channel', marketIds: ['m'], stockLocationIds: [] },
      } as never;
      expect(t.app.responseCache.key(skusDef, caller, '/api/skus/x', {})).toBeDefined();
      expect(app.responseCache.key(skusDef, caller, '/api/skus/x', {})).toBeUndefined();
    } finally {
      await app.close();
      await database.close();
      await tdb.drop();
    }
  });
});

describe('its memory', () => {
  it('is bounded in bytes, refuses outsized bodies, and keeps only plain URLs and sparse fieldsets', () => {
    const cache = new SingleCache(undefined as never, 4096);
    // keys start with the cache's generation; an entry holds its body's UTF-8 bytes, key and version
    // (one byte a Latin-1 character) and 160 bytes of overhead: 'é' is two bytes in the body
    const row = { id: 'x', '~version': '1' };
    for (let i = 0; i < 20; i++)
      cache.keep(`0 k${String(i).padStart(2, '0')}`, row, 'é'.repeat(20) + 'x'.repeat(40), 0);
    const each = 80 + 5 + 1 + 160;
    expect(cache.size).toEqual({ entries: Math.floor(4096 / each), bytes: Math.floor(4096 / each) * each });
    cache.keep('0 big', row, 'x'.repeat(300), 0); // more than 1/16 of the budget
    expect(cache.size.entries).toBe(Math.floor(4096 / each));
    cache.clear();
    cache.keep('0 k00', { id: 'x', '~version': '1' }, 'x', 0); // read before the clear: not kept
    expect(cache.size.entries).toBe(0);
    const def = { cache: { when: () => true } } as never;
    const ctx = { mode: 'test', baseUrl: 'http://h', caller: { marketIds: ['m'], stockLocationIds: [] } } as never;
    expect(cache.key(def, ctx, '/api/skus/x', {})).toBeDefined();
    expect(cache.key(def, ctx, '/api/skus/x?fields[skus]=name', { 'fields[skus]': 'name' })).toBeDefined();
    expect(cache.key(def, ctx, '/api/skus/x?include=stock_items', { include: 'stock_items' })).toBeUndefined();
    expect(cache.key(def, ctx, '/api/skus/x?page[number]=7', { 'page[number]': '7' })).toBeUndefined();
    expect(new SingleCache(undefined as never, 0).key(def, ctx, '/api/skus/x', {})).toBeUndefined();
  });

  it('is emptied when a database connection closes (the server may have restarted or failed over)', async () => {
    await shop.get(`/api/skus/${ids.sku}`);
    await shop.get(`/api/skus/${ids.sku}`);
    expect(t.app.responseCache.size.entries).toBeGreaterThan(0);
    const killer = connect(t.dbUrl, 1);
    await killer.sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database()
      and application_name = 'allot' and pid <> pg_backend_pid()`;
    await killer.close();
    await expect.poll(() => t.app.responseCache.size.entries).toBe(0);
    // the pool reconnects (a request that meets a closed connection may fail meanwhile)
    await expect.poll(async () => (await shop.get(`/api/skus/${ids.sku}`)).status).toBe(200);
  });
});
