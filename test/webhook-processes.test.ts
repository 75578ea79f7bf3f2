import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { factory } from './helpers/factory';
import { type Client, doc, remoteClient } from './helpers/http';
import { expectClean, network, order, trigger } from './helpers/orders';
import { type Receiver, startReceiver } from './helpers/receiver';
import { exited, type ServerProcess, startServerProcess, stopServerProcess } from './helpers/server';
import { useTestApp } from './helpers/use-app';
import { deliveriesOf, eventually, FAST_WEBHOOKS, webhook } from './helpers/webhooks';

// Delivery across processes: server processes on one database, a receiver on 127.0.0.1. This
// file's own app looks for due events once a minute, so the child processes do the delivering.
const IDLE = { ...FAST_WEBHOOKS, WEBHOOK_POLL_MS: '60000' };
// the delivering children wait the real 5 s for an answer: on a loaded machine the fast settings'
// 300 ms can expire on a receiver that did get the event, and the retry is a second, honest try
const DELIVERING = { ...FAST_WEBHOOKS, WEBHOOK_TIMEOUT_MS: '5000' };
let t: TestApp;
let api: Client;
let rx: Receiver;
const children: ServerProcess[] = [];
useTestApp({ env: IDLE }, (s) => ({ t, api } = s));
beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(async () => {
  for (const c of children) await stopServerProcess(c.proc);
  await rx?.close();
});
const child = async (env: Record<string, string>) => {
  const c = await startServerProcess(t.dbUrl, { ...env, DB_POOL_SIZE: '10' });
  children.push(c);
  return c;
};

describe('a server killed between commit and delivery', () => {
  it('leaves the event recorded; a server started later delivers it', { timeout: 60_000 }, async () => {
    const n = await network(api, { stock: { X: { A: 3 } } });
    const w = await webhook(api, 'orders.place', rx.url);
    const id = await order(api, n, { X: 1 });
    const doomed = await child(IDLE);
    const placed = await remoteClient(doomed.url, t.tokens.admin).patch(
      `/api/orders/${id}`,
      doc('orders', { _place: true }, {}, id),
    );
    expect(placed.status).toBe(200);
    doomed.proc.kill('SIGKILL');
    await exited(doomed.proc);
    children.splice(children.indexOf(doomed), 1);
    expect(await deliveriesOf(t, w.id)).toEqual([
      { topic: 'orders.place', status: 'pending', attempts: 0, resource_id: id },
    ]);
    expect(rx.received).toEqual([]);
    await child(DELIVERING);
    await rx.until((r) => r.some((x) => x.json.data.id === id));
    await api.delete(`/api/webhooks/${w.id}`);
  });
});

describe('two processes delivering', () => {
  it('send each event once per try', { timeout: 60_000 }, async () => {
    if (children.length < 2) await child(DELIVERING);
    const n = await network(api, { stock: { X: { A: 100 } } });
    const w = await webhook(api, 'orders.create', rx.url);
    const ids = await Promise.all(Array.from({ length: 40 }, () => order(api, n, {})));
    await eventually(async () => (await deliveriesOf(t, w.id)).every((d) => d.status === 'delivered'));
    const got = rx.received.filter((r) => r.topic === 'orders.create').map((r) => r.json.data.id);
    expect(got.sort()).toEqual([...ids].sort());
    expect((await deliveriesOf(t, w.id)).every((d) => d.attempts === 1)).toBe(true);
    const [{ count }] = await t.database
      .sql`select count(*)::int as count from event_callbacks where webhook_id = ${w.id}`;
    expect(count).toBe(40);
    await api.delete(`/api/webhooks/${w.id}`);
  });
});

describe('stock events from the ledger', () => {
  it('a placement storm on one SKU across two processes: one out_of_stock per market, \
one back_in_stock per market, one notify', {
    timeout: 120_000,
  }, async () => {
    while (children.length < 2) await child(DELIVERING);
    const [p1, p2] = children.map((c) => remoteClient(c.url, t.tokens.admin));
    const n = await network(api, { strategy: 'split_shipments', stock: { X: { A: 90, B: 60 } } });
    const market2 = await factory(api).market(n.model);
    // the watchers have seen the SKU's first stock in both markets before anyone listens
    await eventually(async () => {
      const [{ count }] = await t.database
        .sql`select count(*)::int as count from sku_market_stock where sku_id = ${n.sku.X!}`;
      return count === 2;
    });
    const out = await webhook(api, 'skus.out_of_stock', rx.url);
    const back = await webhook(api, 'skus.back_in_stock', rx.url);
    const notify = await webhook(api, 'in_stock_subscriptions.notify', rx.url);
    const ids = await Promise.all(Array.from({ length: 200 }, () => order(api, n, { X: 1 })));
    const results = await Promise.all(ids.map((id, i) => trigger(i % 2 ? p1! : p2!, 'orders', id, '_place')));
    const placed = ids.filter((_, i) => results[i]!.status === 200);
    expect(placed).toHaveLength(150);
    expect(results.every((r) => r.status === 200 || r.status === 422)).toBe(true);
    const sub = await api.post(
      '/api/in_stock_subscriptions',
      doc(
        'in_stock_subscriptions',
        { customer_email: 'ada@example.test', sku_code: n.code('X') },
        { market: { data: { type: 'markets', id: n.market } } },
      ),
    );
    expect(sub.status).toBe(201);
    const ofSku = (topic: string) => rx.received.filter((r) => r.topic === topic && r.json.data.id === n.sku.X);
    await eventually(async () => ofSku('skus.out_of_stock').length === 2);
    expect(
      ofSku('skus.out_of_stock')
        .map((r) => r.json.meta.market_id)
        .sort(),
    ).toEqual([n.market, market2].sort());
    expect(ofSku('skus.out_of_stock').map((r) => r.json.data.attributes.inventory.quantity)).toEqual([0, 0]);
    expect((await trigger(api, 'orders', placed[0]!, '_cancel')).status).toBe(200);
    await eventually(async () => ofSku('skus.back_in_stock').length === 2);
    await rx.until((r) => r.some((x) => x.topic === 'in_stock_subscriptions.notify'));
    await new Promise((r) => setTimeout(r, 500)); // a few more rounds of the watchers: nothing more comes
    expect(ofSku('skus.out_of_stock')).toHaveLength(2);
    expect(
      ofSku('skus.back_in_stock')
        .map((r) => r.json.meta.market_id)
        .sort(),
    ).toEqual([n.market, market2].sort());
    const notified = rx.received.filter((r) => r.topic === 'in_stock_subscriptions.notify');
    expect(notified.map((r) => r.json.data.id)).toEqual([sub.body.data.id]);
    expect(notified[0]!.json.data.attributes.status).toBe('notified');
    for (const w of [out, back, notify]) await api.delete(`/api/webhooks/${w.id}`);
    await expectClean(t);
  });
});
