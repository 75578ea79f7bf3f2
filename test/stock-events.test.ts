import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepExpired } from '../src/services/stock';
import type { TestApp } from './helpers/app';
import { type Client, client, doc } from './helpers/http';
import { expect422 } from './helpers/lifecycle';
import { network, trigger } from './helpers/orders';
import { type Receiver, startReceiver } from './helpers/receiver';
import { useTestApp } from './helpers/use-app';
import { eventually, FAST_WEBHOOKS, webhook } from './helpers/webhooks';

let t: TestApp;
let api: Client;
let rx: Receiver;
useTestApp({ env: FAST_WEBHOOKS }, (s) => ({ t, api } = s));
beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(() => rx?.close());

const subscribe = (c: Client, attrs: Record<string, unknown>, market: string) =>
  c.post(
    '/api/in_stock_subscriptions',
    doc('in_stock_subscriptions', attrs, { market: { data: { type: 'markets', id: market } } }),
  );
/** The watcher has seen every (SKU, market) pair of these SKUs. */
const settled = (skuIds: string[]) =>
  eventually(async () => {
    const [{ count }] = await t.database
      .sql`select count(*)::int as count from sku_market_stock where sku_id = any(${skuIds})`;
    return count === skuIds.length;
  });
const received = (topic: string, id: string) => rx.received.filter((r) => r.topic === topic && r.json.data.id === id);

describe('in_stock_subscriptions', () => {
  it('takes sku_code or the sku, a market and a threshold (default 1); needs an email', async () => {
    const n = await network(api, { stock: { X: { A: 0 } } });
    const a = await subscribe(api, { customer_email: 'a@example.test', sku_code: n.code('X') }, n.market);
    expect(a.status).toBe(201);
    expect(a.body.data.attributes).toMatchObject({ status: 'active', stock_threshold: 1, sku_code: n.code('X') });
    const b = await api.post(
      '/api/in_stock_subscriptions',
      doc(
        'in_stock_subscriptions',
        { customer_email: 'b@example.test', stock_threshold: 3 },
        {
          market: { data: { type: 'markets', id: n.market } },
          sku: { data: { type: 'skus', id: n.sku.X } },
        },
      ),
    );
    expect(b.body.data.attributes).toMatchObject({ stock_threshold: 3, sku_code: n.code('X') });
    expect422(await subscribe(api, { sku_code: n.code('X') }, n.market), '/data/attributes/customer_email');
    expect422(
      await subscribe(api, { customer_email: 'c@example.test', sku_code: 'nope' }, n.market),
      '/data/attributes/sku_code',
    );
    expect422(
      await subscribe(api, { customer_email: 'c@example.test', sku_code: n.code('X'), stock_threshold: 0 }, n.market),
      '/data/attributes/stock_threshold',
    );
  });

  it("lets a sales channel of the market subscribe (and read its subscription), not another market's", async () => {
    const n = await network(api, { stock: { X: { A: 0 } } });
    const code = (await api.get(`/api/markets/${n.market}`)).body.data.attributes.code;
    const creds = await t.application({ kind: 'sales_channel', role: undefined });
    const sc = client(t.app, await t.token(creds, `market:code:${code}`));
    const own = await subscribe(sc, { customer_email: 'sc@example.test', sku_code: n.code('X') }, n.market);
    expect(own.status).toBe(201);
    expect((await sc.get(`/api/in_stock_subscriptions/${own.body.data.id}`)).status).toBe(200);
    expect((await sc.get('/api/in_stock_subscriptions')).status).toBe(401);
    const other = await network(api, { stock: { Y: { A: 0 } } });
    const theirs = await subscribe(sc, { customer_email: 'sc@example.test', sku_code: other.code('Y') }, other.market);
    expect(theirs.status).toBe(404); // a market out of its scope does not exist for it, as for orders
    expect(theirs.body.errors[0].source.pointer).toBe('/data/relationships/market/data/id');
  });

  it('fires activate and deactivate; notifies once when availability reaches the threshold', async () => {
    const n = await network(api, { stock: { X: { A: 0 } } });
    const hooks = await Promise.all(
      ['activate', 'deactivate', 'notify'].map((v) => webhook(api, `in_stock_subscriptions.${v}`, rx.url)),
    );
    const sub = (
      await subscribe(api, { customer_email: 'n@example.test', sku_code: n.code('X'), stock_threshold: 3 }, n.market)
    ).body.data.id;
    await trigger(api, 'in_stock_subscriptions', sub, '_deactivate');
    await trigger(api, 'in_stock_subscriptions', sub, '_activate');
    await rx.until(() => received('in_stock_subscriptions.activate', sub).length === 1);
    expect(received('in_stock_subscriptions.deactivate', sub)).toHaveLength(1);
    await api.patch(`/api/stock_items/${n.item['X@A']}`, doc('stock_items', { quantity: 2 }, {}, n.item['X@A']));
    await new Promise((r) => setTimeout(r, 300));
    expect((await api.get(`/api/in_stock_subscriptions/${sub}`)).body.data.attributes.status).toBe('active');
    await api.patch(`/api/stock_items/${n.item['X@A']}`, doc('stock_items', { quantity: 5 }, {}, n.item['X@A']));
    await rx.until(() => received('in_stock_subscriptions.notify', sub).length === 1);
    expect((await api.get(`/api/in_stock_subscriptions/${sub}`)).body.data.attributes.status).toBe('notified');
    await api.patch(`/api/stock_items/${n.item['X@A']}`, doc('stock_items', { quantity: 9 }, {}, n.item['X@A']));
    await new Promise((r) => setTimeout(r, 300));
    expect(received('in_stock_subscriptions.notify', sub)).toHaveLength(1);
    for (const h of hooks) await api.delete(`/api/webhooks/${h.id}`);
  });
});

describe('skus.out_of_stock and skus.back_in_stock', () => {
  it('misses no ledger row of a transaction that commits after a later one', async () => {
    const n = await network(api, { stock: { X: { A: 2 }, Y: { A: 2 } } });
    await settled([n.sku.X!, n.sku.Y!]);
    const out = await webhook(api, 'skus.out_of_stock', rx.url);
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    // an early transaction takes X's last units and stays open while a later one empties Y and commits
    const early = t.database.sql.begin(async (tx) => {
      await tx`update stock_items set quantity = 0 where id = ${n.item['X@A']!}`;
      await held;
    });
    await new Promise((r) => setTimeout(r, 100));
    await api.patch(`/api/stock_items/${n.item['Y@A']}`, doc('stock_items', { quantity: 0 }, {}, n.item['Y@A']));
    await new Promise((r) => setTimeout(r, 300)); // watcher rounds pass meanwhile
    release();
    await early;
    await rx.until(
      () =>
        received('skus.out_of_stock', n.sku.X!).length === 1 && received('skus.out_of_stock', n.sku.Y!).length === 1,
    );
    const [x] = received('skus.out_of_stock', n.sku.X!);
    expect(x!.json.meta).toEqual({ market_id: n.market });
    expect(x!.json.data.attributes.inventory).toMatchObject({ available: false, quantity: 0 });
    await api.delete(`/api/webhooks/${out.id}`);
  });

  it('follows a draft reservation that expires: back in stock once the sweep frees it', async () => {
    const n = await network(api, { stock: { X: { A: 1 } } });
    await settled([n.sku.X!]);
    const hooks = [await webhook(api, 'skus.out_of_stock', rx.url), await webhook(api, 'skus.back_in_stock', rx.url)];
    const r = await api.post(
      '/api/stock_reservations',
      doc('stock_reservations', { quantity: 1 }, { stock_item: { data: { type: 'stock_items', id: n.item['X@A'] } } }),
    );
    expect(r.status).toBe(201);
    await rx.until(() => received('skus.out_of_stock', n.sku.X!).length === 1);
    await t.database
      .sql`update stock_reservations set expires_at = now() - interval '1 second' where id = ${r.body.data.id}`;
    // what the background sweeper does every 30 s
    await t.database.db.transaction((tx) => sweepExpired(tx, 'test', [n.item['X@A']!]));
    await rx.until(() => received('skus.back_in_stock', n.sku.X!).length === 1);
    for (const h of hooks) await api.delete(`/api/webhooks/${h.id}`);
  });
});
