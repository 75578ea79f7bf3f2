import { beforeAll, describe, expect, it } from 'vitest';
import type { Credentials, TestApp } from './helpers/app';
import { rowCount } from './helpers/expect';
import { type Client, client, doc, type Res } from './helpers/http';
import { addLine, holdsOf, lineIds, marketCode, patch, rel, shipmentsOf } from './helpers/lifecycle';
import { type Network, network, order, stockOf, trigger } from './helpers/orders';
import { useTestApp } from './helpers/use-app';

/**
 * Who may do what to orders, line items and shipments (docs/wire-format.md#permissions), and that a
 * refusal changes nothing.
 */
let t: TestApp;
let api: Client;
let sc: Credentials;

useTestApp({ clean: true }, (s) => ({ t, api } = s));
beforeAll(async () => {
  sc = await t.application({ kind: 'sales_channel', role: undefined });
});

/** A sales channel token scoped to the network's market. */
const shopper = async (n: Network) => client(t.app, await t.token(sc, `market:code:${await marketCode(api, n)}`));
const unauthorized = (res: Res, what = '') => {
  expect(res.status, `${what} ${JSON.stringify(res.body)}`).toBe(401);
  expect(res.body.errors[0]).toMatchObject({ code: 'UNAUTHORIZED', status: '401' });
};
const notAllowed = (res: Res, name: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.errors[0]).toMatchObject({
    code: 'PARAM_NOT_ALLOWED',
    source: { pointer: `/data/attributes/${name}` },
  });
};
const attrs = async (id: string) => (await api.get(`/api/orders/${id}`)).body.data.attributes;

describe('a sales channel in its market', () => {
  it(`creates an order, adds and edits line items, places it, then reads the order, its line \
items and its shipment singly`, async () => {
    const n = await network(api, { stock: { X: { A: 10 }, Y: { A: 10 } } });
    const shop = await shopper(n);
    const created = await shop.post(
      '/api/orders',
      doc('orders', { customer_email: 'ada@example.com' }, { market: rel('markets', n.market) }),
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.data.id;
    expect((await api.get(`/api/orders/${id}/market`)).body.data.id).toBe(n.market);
    const x = await addLine(shop, id, { sku_code: n.code('X'), quantity: 3 });
    expect(x.status, JSON.stringify(x.body)).toBe(201);
    const y = await addLine(shop, id, { quantity: 1 }, { sku: rel('skus', n.sku.Y!) });
    expect(y.status, JSON.stringify(y.body)).toBe(201);
    expect((await patch(shop, 'line_items', x.body.data.id, { quantity: 4 })).status).toBe(200);
    expect((await shop.delete(`/api/line_items/${y.body.data.id}`)).status).toBe(204);
    const placed = await trigger(shop, 'orders', id, '_place');
    expect(placed.status, JSON.stringify(placed.body)).toBe(200);
    expect(placed.body.data.attributes).toMatchObject({ status: 'placed', payment_status: 'authorized' });
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 4 });

    expect((await shop.get(`/api/orders/${id}`)).status).toBe(200);
    expect((await shop.get(`/api/line_items/${x.body.data.id}`)).body.data.attributes.quantity).toBe(4);
    const [shipment] = await shipmentsOf(api, id);
    const read = await shop.get(`/api/shipments/${shipment!.id}`);
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body.data.attributes.status).toBe('upcoming');
    unauthorized(await shop.get('/api/shipments'), 'list shipments');
    unauthorized(await shop.get('/api/orders'), 'list orders');
    unauthorized(await trigger(shop, 'shipments', shipment!.id, '_picking'), 'shipment trigger');
  });

  it('cannot approve: _approve is prohibited (400 PARAM_NOT_ALLOWED) and nothing changes', async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const shop = await shopper(n);
    const id = await order(shop, n, { X: 4 });
    notAllowed(await trigger(shop, 'orders', id, '_approve'), '_approve');
    expect(await attrs(id)).toMatchObject({ status: 'draft' });
    expect((await trigger(shop, 'orders', id, '_place')).status).toBe(200);
    const before = await attrs(id);
    notAllowed(await trigger(shop, 'orders', id, '_approve'), '_approve');
    expect(await attrs(id)).toEqual(before);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 4 });
  });

  it('cannot send _reserve_stock, on create or update: 400, no line, no hold', async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const shop = await shopper(n);
    const id = await order(shop, n, {});
    const lines = await rowCount(t, 'line_items');
    notAllowed(await addLine(shop, id, { sku_code: n.code('X'), quantity: 2, _reserve_stock: true }), '_reserve_stock');
    expect(await rowCount(t, 'line_items')).toBe(lines);
    const line = (await addLine(shop, id, { sku_code: n.code('X'), quantity: 2 })).body.data.id;
    notAllowed(await patch(shop, 'line_items', line, { quantity: 5, _reserve_stock: true }), '_reserve_stock');
    expect((await api.get(`/api/line_items/${line}`)).body.data.attributes.quantity).toBe(2);
    expect(await holdsOf(api, 'orders', id)).toEqual([]);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 0 });
  });

  it('cannot update a placed order (401), nor cancel it; its line items stay as they are', async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const shop = await shopper(n);
    const id = await order(shop, n, { X: 4 });
    await trigger(shop, 'orders', id, '_place');
    const before = await attrs(id);
    unauthorized(await patch(shop, 'orders', id, { customer_email: 'eve@example.com' }), 'update placed');
    unauthorized(await trigger(shop, 'orders', id, '_cancel'), 'cancel placed');
    unauthorized(await trigger(shop, 'orders', id, '_place'), 'place placed');
    expect(await attrs(id)).toEqual(before);
    const [line] = await lineIds(api, id);
    for (const res of [
      await patch(shop, 'line_items', line!, { quantity: 1 }),
      await shop.delete(`/api/line_items/${line}`),
      await addLine(shop, id, { sku_code: n.code('X'), quantity: 1 }),
    ]) {
      expect([401, 422], JSON.stringify(res.body)).toContain(res.status);
    }
    expect(await lineIds(api, id)).toEqual([line]);
    expect((await api.get(`/api/line_items/${line}`)).body.data.attributes.quantity).toBe(4);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 4 });
  });

  it('cannot see an approved or cancelled order any more (401), nor its shipments', async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const shop = await shopper(n);
    const approved = await order(shop, n, { X: 1 });
    await trigger(shop, 'orders', approved, '_place');
    await trigger(api, 'orders', approved, '_approve');
    const cancelled = await order(shop, n, { X: 1 });
    await trigger(shop, 'orders', cancelled, '_place');
    await trigger(api, 'orders', cancelled, '_cancel');
    for (const id of [approved, cancelled]) {
      unauthorized(await shop.get(`/api/orders/${id}`), 'read');
      unauthorized(await shop.get(`/api/shipments/${(await shipmentsOf(api, id))[0]!.id}`), 'shipment');
    }
  });
});

describe("another market's orders", () => {
  const setup = async () => {
    const mine = await network(api, { stock: { X: { A: 10 } } });
    const theirs = await network(api, { stock: { X: { A: 10 } } });
    const id = await order(api, theirs, { X: 2 });
    return { theirs, shop: await shopper(mine), id, line: (await lineIds(api, id))[0]! };
  };
  const refused = (res: Res) => {
    expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  };

  it(`cannot be read, changed or placed by a sales channel scoped elsewhere, nor can it create \
orders there; nothing changes`, async () => {
    const { theirs, shop, id, line } = await setup();
    unauthorized(await shop.get(`/api/orders/${id}`), 'read');
    unauthorized(await shop.get(`/api/line_items/${line}`), 'read line');
    refused(await trigger(shop, 'orders', id, '_place'));
    refused(await patch(shop, 'line_items', line, { quantity: 1 }));
    refused(await shop.delete(`/api/line_items/${line}`));
    refused(await addLine(shop, id, { sku_code: theirs.code('X'), quantity: 1 }));
    const orders = await rowCount(t, 'orders');
    refused(await shop.post('/api/orders', doc('orders', {}, { market: rel('markets', theirs.market) })));
    expect(await rowCount(t, 'orders')).toBe(orders);
    expect(await attrs(id)).toMatchObject({ status: 'draft' });
    expect(await lineIds(api, id)).toEqual([line]);
    expect((await api.get(`/api/line_items/${line}`)).body.data.attributes.quantity).toBe(2);
    expect(await stockOf(t, theirs.item['X@A']!)).toEqual({ quantity: 10, reserved: 0 });
  });

  it(`writing to it is refused the way reading it is: 401 UNAUTHORIZED, not 404 \
(docs/wire-format.md#permissions)`, async () => {
    const { shop, id, line } = await setup();
    unauthorized(await trigger(shop, 'orders', id, '_place'), 'place');
    unauthorized(await patch(shop, 'line_items', line, { quantity: 1 }), 'update line');
    unauthorized(await shop.delete(`/api/line_items/${line}`), 'delete line');
    // the same for its own market's approved order, which it can no longer read (401)
    const own = await network(api, { stock: { X: { A: 10 } } });
    const me = await shopper(own);
    const approved = await order(me, own, { X: 1 });
    await trigger(me, 'orders', approved, '_place');
    await trigger(api, 'orders', approved, '_approve');
    unauthorized(await me.get(`/api/orders/${approved}`), 'read approved');
    unauthorized(await patch(me, 'orders', approved, { customer_email: 'eve@example.com' }), 'update approved');
  });
});

describe('integrations', () => {
  it('a read_only integration reads orders but cannot create, place, approve or delete them: 401', async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const ro = client(t.app, t.tokens.readOnly);
    const id = await order(api, n, { X: 2 });
    expect((await ro.get(`/api/orders/${id}`)).status).toBe(200);
    expect((await ro.get('/api/orders')).status).toBe(200);
    const orders = await rowCount(t, 'orders');
    unauthorized(await ro.post('/api/orders', doc('orders', {}, { market: rel('markets', n.market) })), 'create');
    unauthorized(await addLine(ro, id, { sku_code: n.code('X'), quantity: 1 }), 'add line');
    unauthorized(await trigger(ro, 'orders', id, '_place'), 'place');
    unauthorized(await ro.delete(`/api/orders/${id}`), 'delete');
    expect(await rowCount(t, 'orders')).toBe(orders);
    expect(await attrs(id)).toMatchObject({ status: 'draft' });
    await trigger(api, 'orders', id, '_place');
    unauthorized(await trigger(ro, 'orders', id, '_approve'), 'approve');
    unauthorized(await trigger(ro, 'orders', id, '_cancel'), 'cancel');
    expect(await attrs(id)).toMatchObject({ status: 'placed' });
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 2 });
  });

  it('a sales channel with no market in scope can do nothing with orders: 401', async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const bare = client(t.app, t.tokens.salesChannel);
    unauthorized(await bare.post('/api/orders', doc('orders', {}, { market: rel('markets', n.market) })), 'create');
    const id = await order(api, n, { X: 1 });
    unauthorized(await bare.get(`/api/orders/${id}`), 'read');
    unauthorized(await trigger(bare, 'orders', id, '_place'), 'place');
    expect(await attrs(id)).toMatchObject({ status: 'draft' });
  });
});
