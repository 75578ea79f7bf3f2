import { afterEach, describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { type Client, client, doc } from './helpers/http';
import { expect422, inventoryOf, patch, rel, secondsUntil } from './helpers/lifecycle';
import { expectClean, type Network, network, order, stockOf } from './helpers/orders';
import { useTestApp } from './helpers/use-app';

/** The stock_reservations endpoint (docs/reservations.md#generic-holds): holds an integration manages itself. */
let t: TestApp;
let api: Client;
useTestApp({}, (s) => ({ t, api } = s));
afterEach(async () => {
  try {
    await expectClean(t);
  } finally {
    // a test that drifted a counter has failed already; put the counters back so the next test starts clean
    await t.database
      .sql`update stock_items si set reserved_quantity = coalesce((select sum(quantity) from stock_reservations r
        where r.stock_item_id = si.id), 0)`;
  }
});

describe('the stock_reservations endpoint (integration only)', () => {
  const reservedStock = async (item: string) =>
    (await api.get(`/api/stock_items/${item}/reserved_stock`)).body.data.attributes.quantity;

  it(`POST creates a draft, PATCH resizes, _pending stops its expiry, DELETE \
releases; reserved_stocks follows`, async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const item = n.item['X@A']!;
    const created = await api.post(
      '/api/stock_reservations',
      doc('stock_reservations', { quantity: 4 }, { stock_item: rel('stock_items', item) }),
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.data.attributes).toMatchObject({ status: 'draft', quantity: 4 });
    expect(secondsUntil(created.body.data.attributes.expires_at)).toBeGreaterThan(60);
    const id = created.body.data.id;
    expect((await api.get(`/api/stock_reservations/${id}/sku`)).body.data.id).toBe(n.sku.X);
    expect(await reservedStock(item)).toBe(4);
    expect(await inventoryOf(t, n, 'X')).toBe(6);

    const resized = await patch(api, 'stock_reservations', id, { quantity: 7 });
    expect(resized.status, JSON.stringify(resized.body)).toBe(200);
    expect(await reservedStock(item)).toBe(7);
    expect((await patch(api, 'stock_reservations', id, { quantity: 2 })).body.data.attributes.quantity).toBe(2);
    expect(await reservedStock(item)).toBe(2);

    const pending = await patch(api, 'stock_reservations', id, { _pending: true });
    expect(pending.status, JSON.stringify(pending.body)).toBe(200);
    expect(pending.body.data.attributes).toMatchObject({ status: 'pending', quantity: 2, expires_at: null });
    expect(await reservedStock(item)).toBe(2);

    const del = await api.delete(`/api/stock_reservations/${id}`);
    expect(del.status, JSON.stringify(del.body)).toBe(204);
    expect((await api.get(`/api/stock_reservations/${id}`)).status).toBe(404);
    expect(await reservedStock(item)).toBe(0);
    expect(await stockOf(t, item)).toEqual({ quantity: 10, reserved: 0 });
  });

  it('more than is available: 422 on quantity, nothing held (on create and on resize)', async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const item = n.item['X@A']!;
    await order(api, n, { X: 3 }, true);
    const over = await api.post(
      '/api/stock_reservations',
      doc('stock_reservations', { quantity: 8 }, { stock_item: rel('stock_items', item) }),
    );
    expect422(over, '/data/attributes/quantity', { error: 'less_than_or_equal_to', count: 7 });
    const ok = await api.post(
      '/api/stock_reservations',
      doc('stock_reservations', { quantity: 7 }, { stock_item: rel('stock_items', item) }),
    );
    expect(ok.status).toBe(201);
    expect422(await patch(api, 'stock_reservations', ok.body.data.id, { quantity: 8 }), '/data/attributes/quantity', {
      error: 'less_than_or_equal_to',
    });
    expect((await api.get(`/api/stock_reservations/${ok.body.data.id}`)).body.data.attributes.quantity).toBe(7);
    expect(await stockOf(t, item)).toEqual({ quantity: 10, reserved: 10 });
  });

  it(`sales channels and read_only integrations cannot create reservations; sales \
channels cannot read them: 401`, async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const market = (await api.get(`/api/markets/${n.market}`)).body.data.attributes.code;
    const sc = client(
      t.app,
      await t.token(await t.application({ kind: 'sales_channel', role: undefined }), `market:code:${market}`),
    );
    const body = doc('stock_reservations', { quantity: 1 }, { stock_item: rel('stock_items', n.item['X@A']!) });
    for (const caller of [sc, client(t.app, t.tokens.salesChannel), client(t.app, t.tokens.readOnly)]) {
      const res = await caller.post('/api/stock_reservations', body);
      expect(res.status, JSON.stringify(res.body)).toBe(401);
      expect(res.body.errors[0].code).toBe('UNAUTHORIZED');
    }
    const id = (await api.post('/api/stock_reservations', body)).body.data.id;
    expect((await sc.get(`/api/stock_reservations/${id}`)).status).toBe(401);
    expect((await sc.get('/api/stock_reservations')).status).toBe(401);
    expect((await sc.delete(`/api/stock_reservations/${id}`)).status).toBe(401);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 1 });
  });
});

describe('a generic draft past expires_at is gone (docs/reservations.md#expiry: deleted, stock released)', () => {
  /** X@A 10: another order holds `others`, and a generic draft of 4 has just lapsed. */
  const lapsed = async (others: number) => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    if (others) await order(api, n, { X: others }, true);
    const res = await api.post(
      '/api/stock_reservations',
      doc('stock_reservations', { quantity: 4 }, { stock_item: rel('stock_items', n.item['X@A']!) }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await t.database
      .sql`update stock_reservations set expires_at = now() - interval '1 second' where id = ${res.body.data.id}`;
    expect(await inventoryOf(t, n, 'X')).toBe(10 - others);
    return { n, id: res.body.data.id as string };
  };
  const held = async (n: Network, others: number) => {
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: others });
    expect(await inventoryOf(t, n, 'X')).toBe(10 - others);
  };

  it('_pending cannot bring it back: 404, and its units stay free', async () => {
    const { n, id } = await lapsed(0);
    const res = await patch(api, 'stock_reservations', id, { _pending: true });
    expect(res.status, JSON.stringify(res.body)).toBe(404);
    expect(await inventoryOf(t, n, 'X')).toBe(10);
  });

  it('resizing it: 404, no 500, and the counters stay right', async () => {
    const { n, id } = await lapsed(3);
    const res = await patch(api, 'stock_reservations', id, { quantity: 6 });
    expect(res.status, JSON.stringify(res.body)).toBe(404);
    await held(n, 3);
  });

  it('deleting it releases nothing twice: other orders keep their holds', async () => {
    const { n, id } = await lapsed(6);
    const res = await api.delete(`/api/stock_reservations/${id}`);
    expect([204, 404], JSON.stringify(res.body)).toContain(res.status);
    await held(n, 6);
  });
});
