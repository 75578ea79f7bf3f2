import { describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { type Client, doc } from './helpers/http';
import { network, order, stockOf, trigger } from './helpers/orders';
import { useTestApp } from './helpers/use-app';

/** ship_from_primary's transfers, through the API (docs/placement-and-strategies.md#ship-from-primary). */
let t: TestApp;
let api: Client;
useTestApp({ clean: true }, (s) => ({ t, api } = s));

const get = async (url: string) => (await api.get(url)).body.data;

describe('ship_from_primary (docs/transfers-and-returns.md#order-transfers)', () => {
  it(`place: S1@A {X3, Y2} and T1 B→A X×2 upcoming, holding 2 on X@B; approve: S1 on_hold, T1 picking; \
complete: stock moves, S1 picks`, async () => {
    const n = await network(api, { strategy: 'ship_from_primary', stock: { X: { A: 3, B: 10 }, Y: { A: 2, B: 0 } } });
    const id = await order(api, n, { X: 5, Y: 2 });
    expect((await trigger(api, 'orders', id, '_place')).status).toBe(200);
    const [s1] = await get(`/api/orders/${id}/shipments`);
    const [t1] = await get(`/api/orders/${id}/stock_transfers`);
    expect(t1.attributes).toMatchObject({ status: 'upcoming', quantity: 2, sku_code: n.code('X') });
    expect((await get(`/api/stock_transfers/${t1.id}/origin_stock_location`)).id).toBe(n.loc.B);
    expect((await get(`/api/stock_transfers/${t1.id}/shipment`)).id).toBe(s1.id);
    expect(await stockOf(t, n.item['X@B']!)).toEqual({ quantity: 10, reserved: 2 });

    await trigger(api, 'orders', id, '_approve');
    expect((await get(`/api/shipments/${s1.id}`)).attributes.status).toBe('on_hold');
    expect((await get(`/api/stock_transfers/${t1.id}`)).attributes.status).toBe('picking');
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 0, reserved: 0 });

    expect((await trigger(api, 'stock_transfers', t1.id, '_in_transit')).status).toBe(200);
    expect((await trigger(api, 'stock_transfers', t1.id, '_complete')).body.data.attributes.status).toBe('completed');
    expect(await stockOf(t, n.item['X@B']!)).toEqual({ quantity: 8, reserved: 0 });
    // arrived at A and, the order being approved, taken straight off again for S1
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 0, reserved: 0 });
    const slis = await get(`/api/shipments/${s1.id}/stock_line_items`);
    expect(slis.map((s: any) => `${s.attributes.sku_code.split('-')[0]}${s.attributes.quantity}`).sort()).toEqual([
      'X2',
      'X3',
      'Y2',
    ]);
    expect((await get(`/api/shipments/${s1.id}`)).attributes.status).toBe('picking');
    expect((await trigger(api, 'stock_transfers', t1.id, '_complete')).status).toBe(200); // harmless repeat
    expect(await stockOf(t, n.item['X@B']!)).toEqual({ quantity: 8, reserved: 0 });
  });

  it(`put_stock_transfers_on_hold puts the transfers on hold with their shipment; cancelling the \
order releases the origin`, async () => {
    const n = await network(api, { strategy: 'ship_from_primary', stock: { X: { A: 1, B: 5 } } });
    await api.patch(
      `/api/inventory_models/${n.model}`,
      doc('inventory_models', { put_stock_transfers_on_hold: true }, {}, n.model),
    );
    const id = await order(api, n, { X: 3 });
    await trigger(api, 'orders', id, '_place');
    await trigger(api, 'orders', id, '_approve');
    const [t1] = await get(`/api/orders/${id}/stock_transfers`);
    expect(t1.attributes.status).toBe('on_hold');
    expect((await trigger(api, 'stock_transfers', t1.id, '_complete')).status).toBe(422);
    await trigger(api, 'orders', id, '_cancel');
    expect((await get(`/api/stock_transfers/${t1.id}`)).attributes.status).toBe('cancelled');
    expect(await stockOf(t, n.item['X@B']!)).toEqual({ quantity: 5, reserved: 0 });
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 1, reserved: 0 });
  });
});

describe('ship_from_first_available_or_primary', () => {
  it('the first location that covers the whole order ships it, without transfers', async () => {
    const n = await network(api, {
      strategy: 'ship_from_first_available_or_primary',
      stock: { X: { A: 3, B: 10 }, Y: { A: 2, B: 2 } },
    });
    const id = await order(api, n, { X: 5, Y: 2 });
    await trigger(api, 'orders', id, '_place');
    const shipments = await get(`/api/orders/${id}/shipments?include=stock_location`);
    expect(shipments.map((s: any) => s.relationships.stock_location.data.id)).toEqual([n.loc.B]);
    expect(await get(`/api/orders/${id}/stock_transfers`)).toEqual([]);
  });
});

describe('standalone stock transfers', () => {
  it('hold nothing while draft, hold the origin from upcoming (refused beyond availability), rebuild the hold on \
resize, and move stock on completion', async () => {
    const n = await network(api, { strategy: 'no_split', stock: { X: { A: 4, B: 0 } } });
    const rels = {
      origin_stock_location: { data: { type: 'stock_locations', id: n.loc.A } },
      destination_stock_location: { data: { type: 'stock_locations', id: n.loc.B } },
    };
    const res = await api.post(
      '/api/stock_transfers',
      doc('stock_transfers', { sku_code: n.code('X'), quantity: 5 }, rels),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const tid = res.body.data.id;
    expect(res.body.data.attributes.status).toBe('draft');
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 4, reserved: 0 });
    expect((await trigger(api, 'stock_transfers', tid, '_upcoming')).status).toBe(422); // 5 wanted, 4 on hand
    await api.patch(`/api/stock_transfers/${tid}`, doc('stock_transfers', { quantity: 3 }, {}, tid));
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 4, reserved: 0 });
    expect((await trigger(api, 'stock_transfers', tid, '_complete')).status).toBe(422); // draft cannot complete
    expect((await trigger(api, 'stock_transfers', tid, '_upcoming')).status).toBe(200);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 4, reserved: 3 });
    await api.patch(`/api/stock_transfers/${tid}`, doc('stock_transfers', { quantity: 2 }, {}, tid));
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 4, reserved: 2 });
    for (const step of ['_picking', '_in_transit', '_complete'])
      expect((await trigger(api, 'stock_transfers', tid, step)).status).toBe(200);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 2, reserved: 0 });
    expect(await stockOf(t, n.item['X@B']!)).toEqual({ quantity: 2, reserved: 0 });
    expect(
      (await api.patch(`/api/stock_transfers/${tid}`, doc('stock_transfers', { quantity: 1 }, {}, tid))).status,
    ).toBe(422);
  });
});
