import { describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { type Client, doc } from './helpers/http';
import { network, order, stockOf, trigger } from './helpers/orders';
import { useTestApp } from './helpers/use-app';

let t: TestApp;
let api: Client;
useTestApp({ clean: true }, (s) => ({ t, api } = s));

const shipmentsOf = async (orderId: string) =>
  (await api.get(`/api/orders/${orderId}/shipments?include=stock_line_items,stock_location&sort=number`)).body;

describe('placing an order (docs/placement-and-strategies.md#placement)', () => {
  it('split_shipments: S1@A {X3, Y2}, S2@B {X2}, pending holds, stock untouched', async () => {
    const n = await network(api, { strategy: 'split_shipments', stock: { X: { A: 3, B: 10 }, Y: { A: 2, B: 0 } } });
    const id = await order(api, n, { X: 5, Y: 2 });
    const placed = await trigger(api, 'orders', id, '_place');
    expect(placed.status, JSON.stringify(placed.body)).toBe(200);
    expect(placed.body.data.attributes).toMatchObject({
      status: 'placed',
      payment_status: 'authorized',
      fulfillment_status: 'unfulfilled',
    });
    const doc = await shipmentsOf(id);
    const shape = doc.data.map((s: any) => {
      const slis = doc.included.filter(
        (i: any) =>
          i.type === 'stock_line_items' && s.relationships.stock_line_items.data.some((d: any) => d.id === i.id),
      );
      return [
        s.relationships.stock_location.data.id,
        s.attributes.status,
        slis
          .map((i: any) => `${i.attributes.sku_code.split('-')[0]}${i.attributes.quantity}`)
          .sort()
          .join(','),
      ];
    });
    expect(shape).toEqual([
      [n.loc.A, 'upcoming', 'X3,Y2'],
      [n.loc.B, 'upcoming', 'X2'],
    ]);
    expect(doc.data[0].attributes.allocation.strategy).toBe('split_shipments');
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 3, reserved: 3 });
    expect(await stockOf(t, n.item['X@B']!)).toEqual({ quantity: 10, reserved: 2 });
  });

  it('no_split refuses what the primary cannot cover: 422 naming the SKU, nothing changes', async () => {
    const n = await network(api, { strategy: 'no_split', stock: { X: { A: 3, B: 10 }, Y: { A: 2, B: 0 } } });
    const id = await order(api, n, { X: 3, Y: 2 });
    await api.patch(
      `/api/line_items/${(await api.get(`/api/orders/${id}/line_items`)).body.data[0].id}`,
      doc('line_items', { quantity: 5 }, {}, (await api.get(`/api/orders/${id}/line_items`)).body.data[0].id),
    );
    const res = await trigger(api, 'orders', id, '_place');
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({
      code: 'VALIDATION_ERROR',
      meta: { error: 'out_of_stock', value: n.code('X'), count: 3 },
    });
    expect((await api.get(`/api/orders/${id}`)).body.data.attributes.status).toBe('draft');
    expect((await api.get(`/api/orders/${id}/shipments`)).body.data).toEqual([]);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 3, reserved: 0 });
  });
});

describe('reservations, approval, cancellation (docs/reservations.md#worked-example)', () => {
  it(`reserve 3, resize to 4, place, approve: quantity 6, nothing reserved; a \
second approve changes nothing`, async () => {
    const n = await network(api, { strategy: 'no_split', stock: { X: { A: 10 } } });
    const id = await order(api, n, { X: 3 }, true);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 3 });
    const line = (await api.get(`/api/orders/${id}/line_items`)).body.data[0].id;
    const upd = await api.patch(
      `/api/line_items/${line}`,
      doc('line_items', { quantity: 4, _reserve_stock: true }, {}, line),
    );
    expect(upd.status, JSON.stringify(upd.body)).toBe(200);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 4 });
    const holds = (await api.get(`/api/line_items/${line}/stock_reservations`)).body.data;
    expect(holds.map((h: any) => [h.attributes.status, h.attributes.quantity])).toEqual([['draft', 4]]);
    expect((await trigger(api, 'orders', id, '_place')).status).toBe(200);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 4 });
    const pending = (await api.get(`/api/orders/${id}/stock_reservations`)).body.data;
    expect(pending.map((h: any) => [h.attributes.status, h.attributes.quantity, h.attributes.expires_at])).toEqual([
      ['pending', 4, null],
    ]);
    expect((await trigger(api, 'orders', id, '_approve')).status).toBe(200);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 6, reserved: 0 });
    expect((await trigger(api, 'orders', id, '_approve')).status).toBe(200);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 6, reserved: 0 });
  });

  it('cancelling a placed order releases its holds; cancelling an approved one restocks once', async () => {
    const n = await network(api, { strategy: 'no_split', stock: { X: { A: 10 } } });
    const placed = await order(api, n, { X: 4 });
    await trigger(api, 'orders', placed, '_place');
    expect((await trigger(api, 'orders', placed, '_cancel')).body.data.attributes.status).toBe('cancelled');
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 0 });
    const approved = await order(api, n, { X: 4 });
    await trigger(api, 'orders', approved, '_place');
    await trigger(api, 'orders', approved, '_approve');
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 6, reserved: 0 });
    await trigger(api, 'orders', approved, '_cancel');
    await trigger(api, 'orders', approved, '_cancel');
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 0 });
  });
});

describe('stock items a placement refers to (migration 0020: their keys are checked at COMMIT)', () => {
  it('a held stock item cannot be deleted, and no writer can refer to a missing one', async () => {
    const n = await network(api, { strategy: 'split_shipments', stock: { X: { A: 3, B: 0 } } });
    const id = await order(api, n, { X: 2 });
    expect((await trigger(api, 'orders', id, '_place')).status).toBe(200);
    expect((await api.delete(`/api/stock_items/${n.item['X@A']}`)).status).toBe(423);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 3, reserved: 2 });
    const [r] = await t.database.sql`select * from stock_reservations where order_id = ${id}`;
    // SQL typed by hand: the deferred key still refuses a reservation of a stock item that does not exist
    const dangling = t.database.sql.begin(
      (tx) => tx`update stock_reservations set stock_item_id = 'NO_SUCH_ITEM' where id = ${r!.id}`,
    );
    await expect(dangling).rejects.toMatchObject({ code: '23503' });
    expect((await t.database.sql`select stock_item_id from stock_reservations where id = ${r!.id}`)[0]).toEqual({
      stock_item_id: n.item['X@A'],
    });
  });
});
