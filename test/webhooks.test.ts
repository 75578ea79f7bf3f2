import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { type Client, client, doc } from './helpers/http';
import { expect422 } from './helpers/lifecycle';
import { network, order, trigger } from './helpers/orders';
import { type Receiver, startReceiver } from './helpers/receiver';
import { useTestApp } from './helpers/use-app';
import { deliveriesOf, eventually, FAST_WEBHOOKS, webhook } from './helpers/webhooks';

let t: TestApp;
let api: Client;
let rx: Receiver;
useTestApp({ env: FAST_WEBHOOKS }, (s) => ({ t, api } = s));
beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(() => rx?.close());

const verify = (body: string, secret: string) => createHmac('sha256', secret).update(body).digest('base64');

describe('webhooks, events, event_callbacks as resources', () => {
  it('creates a webhook with a generated secret and a closed circuit; the topic is one of the events', async () => {
    const w = await webhook(api, 'orders.place', rx.url, { name: 'erp', include_resources: ['line_items'] });
    expect(w).toMatchObject({
      name: 'erp',
      topic: 'orders.place',
      callback_url: rx.url,
      include_resources: ['line_items'],
      circuit_state: 'closed',
      circuit_failure_count: 0,
      disabled_at: null,
    });
    expect(w.shared_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const ev = await api.get('/api/events?filter[q][name_eq]=orders.place&include=webhooks');
    expect(ev.body.data).toHaveLength(1);
    expect(ev.body.included.map((x: { id: string }) => x.id)).toContain(w.id);
    const names = (await api.get('/api/events?page[size]=25&filter[q][name_start]=skus')).body.data.map(
      (e: { attributes: { name: string } }) => e.attributes.name,
    );
    expect(names.sort()).toEqual(['skus.back_in_stock', 'skus.out_of_stock']);
    await api.delete(`/api/webhooks/${w.id}`);
  });

  it('refuses unknown topics, non-http(s) or credentialed URLs and \
include paths the resource lacks (422)', async () => {
    const bad = (attrs: Record<string, unknown>) => api.post('/api/webhooks', doc('webhooks', attrs));
    expect422(await bad({ topic: 'orders.explode', callback_url: rx.url }), '/data/attributes/topic');
    expect422(await bad({ topic: 'orders.place', callback_url: 'ftp://127.0.0.1/x' }), '/data/attributes/callback_url');
    expect422(
      await bad({ topic: 'orders.place', callback_url: 'https://user:pw@example.test/h' }),
      '/data/attributes/callback_url',
    );
    expect422(await bad({ topic: 'orders.place', callback_url: 'not a url' }), '/data/attributes/callback_url');
    expect422(
      await bad({ topic: 'orders.place', callback_url: rx.url, include_resources: ['line_items.nope'] }),
      '/data/attributes/include_resources',
    );
    expect422(
      await bad({ topic: 'orders.place', callback_url: rx.url, include_resources: 'line_items' }),
      '/data/attributes/include_resources',
    );
  });

  it('lets read_only integrations read and nothing more; sales channels see nothing', async () => {
    const w = await webhook(api, 'orders.cancel', rx.url);
    const ro = client(t.app, t.tokens.readOnly);
    expect((await ro.get(`/api/webhooks/${w.id}`)).status).toBe(200);
    expect(
      (await ro.post('/api/webhooks', doc('webhooks', { topic: 'orders.place', callback_url: rx.url }))).status,
    ).toBe(401);
    const sc = client(t.app, t.tokens.salesChannel);
    for (const type of ['webhooks', 'events', 'event_callbacks'])
      expect((await sc.get(`/api/${type}`)).status).toBe(401);
    const live = client(t.app, t.tokens.live);
    expect((await live.get(`/api/webhooks/${w.id}`)).status).toBe(404);
    await api.delete(`/api/webhooks/${w.id}`);
  });
});

describe('delivery', () => {
  it('POSTs the resource as GET ?include= answers it, signed with the shared secret; \
each try is an event callback', async () => {
    const n = await network(api, { stock: { X: { A: 5 } } });
    const w = await webhook(api, 'orders.place', rx.url, { include_resources: ['line_items', 'shipments'] });
    const id = await order(api, n, { X: 2 });
    expect((await trigger(api, 'orders', id, '_place')).status).toBe(200);
    const [got] = (await rx.until((r) => r.some((x) => x.json.data.id === id))).filter((x) => x.json.data.id === id);
    expect(got!.topic).toBe('orders.place');
    expect(got!.contentType).toBe('application/vnd.api+json');
    expect(got!.signature).toBe(verify(got!.body, w.shared_secret));
    const read = await api.get(`/api/orders/${id}?include=line_items,shipments`);
    const sorted = (d: any) => ({ ...d, included: [...d.included].sort((a, b) => a.id.localeCompare(b.id)) });
    expect(sorted(got!.json)).toEqual(sorted(read.body));
    expect(got!.json.included.map((x: { type: string }) => x.type).sort()).toEqual(['line_items', 'shipments']);
    // the try that got the 204 (on a loaded machine an earlier one may have run out of its 300 ms)
    const cb = await eventually(async () => {
      const r = await api.get(`/api/webhooks/${w.id}/last_event_callbacks`);
      return r.body.data.find((c: { attributes: { response_code: string } }) => c.attributes.response_code === '204');
    });
    expect(cb.attributes).toMatchObject({ callback_url: rx.url, response_code: '204' });
    expect(sorted(cb.attributes.payload)).toEqual(sorted(read.body));
    await api.delete(`/api/webhooks/${w.id}`);
  });

  it('sends nothing for a write that rolls back', async () => {
    const n = await network(api, { stock: { X: { A: 1, B: 0 } } });
    const w = await webhook(api, 'stock_transfers.upcoming', rx.url);
    const transfer = async (quantity: number) => {
      const res = await api.post(
        '/api/stock_transfers',
        doc(
          'stock_transfers',
          { sku_code: n.code('X'), quantity },
          {
            origin_stock_location: { data: { type: 'stock_locations', id: n.loc.A } },
            destination_stock_location: { data: { type: 'stock_locations', id: n.loc.B } },
          },
        ),
      );
      expect(res.status).toBe(201); // a draft holds nothing (docs/transfers-and-returns.md)
      return res.body.data.id as string;
    };
    const tooMany = await transfer(5);
    // the status changed (and recorded its event), then the hold failed: the whole write rolls back
    expect((await trigger(api, 'stock_transfers', tooMany, '_upcoming')).status).toBe(422);
    const [{ status }] = await t.database.sql`select status from stock_transfers where id = ${tooMany}`;
    expect(status).toBe('draft');
    expect(await deliveriesOf(t, w.id)).toEqual([]);
    // the same write that commits is sent
    const fits = await transfer(1);
    expect((await trigger(api, 'stock_transfers', fits, '_upcoming')).status).toBe(200);
    await rx.until((r) => r.some((x) => x.json.data.id === fits));
    expect((await deliveriesOf(t, w.id)).map((d) => d.resource_id)).toEqual([fits]);
    await api.delete(`/api/webhooks/${w.id}`);
  });

  it('records what the services change too: placing creates upcoming shipments, approving picks them', async () => {
    const n = await network(api, { strategy: 'split_shipments', stock: { X: { A: 1, B: 5 } } });
    const hooks = await Promise.all(
      ['shipments.create', 'shipments.upcoming', 'shipments.picking'].map((topic) => webhook(api, topic, rx.url)),
    );
    const id = await order(api, n, { X: 3 });
    await trigger(api, 'orders', id, '_place');
    await trigger(api, 'orders', id, '_approve');
    const shipments = (await api.get(`/api/orders/${id}/shipments`)).body.data.map((x: { id: string }) => x.id).sort();
    expect(shipments).toHaveLength(2);
    const of = (topic: string) =>
      rx.received.filter((r) => r.topic === topic && shipments.includes(r.json.data.id)).map((r) => r.json.data.id);
    await rx.until(() => of('shipments.picking').length === 2);
    for (const topic of ['shipments.create', 'shipments.upcoming', 'shipments.picking'])
      expect(of(topic).sort(), topic).toEqual(shipments);
    const picked = rx.received.find((r) => r.topic === 'shipments.picking' && r.json.data.id === shipments[0]);
    expect(picked!.json.data.attributes.status).toBe('picking');
    for (const h of hooks) await api.delete(`/api/webhooks/${h.id}`);
  });

  it("records a table's events once an enabled webhook listens to one of its topics, \
whatever other tables have", async () => {
    const n = await network(api, { stock: { X: { A: 5 } } });
    const onOrders = await webhook(api, 'orders.place', rx.url, { _disable: true });
    const onShipments = await webhook(api, 'shipments.create', rx.url);
    const first = await order(api, n, { X: 1 });
    await trigger(api, 'orders', first, '_place');
    // the disabled webhook gets nothing; the shipments one gets the shipment, though orders has no listener
    expect(await deliveriesOf(t, onOrders.id)).toEqual([]);
    const [shipment] = (await api.get(`/api/orders/${first}/shipments`)).body.data;
    expect((await deliveriesOf(t, onShipments.id)).map((d) => [d.topic, d.resource_id])).toEqual([
      ['shipments.create', shipment.id],
    ]);
    expect((await trigger(api, 'webhooks', onOrders.id, '_enable')).status).toBe(200);
    const second = await order(api, n, { X: 1 });
    await trigger(api, 'orders', second, '_place');
    expect((await deliveriesOf(t, onOrders.id)).map((d) => [d.topic, d.resource_id])).toEqual([
      ['orders.place', second],
    ]);
    for (const h of [onOrders, onShipments]) await api.delete(`/api/webhooks/${h.id}`);
  });
});
