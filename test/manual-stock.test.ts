import { describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import type { Client } from './helpers/http';
import { network, order, stockOf, trigger } from './helpers/orders';
import { useTestApp } from './helpers/use-app';

/**
 * docs/reservations.md#manual-decrement: approval leaves stock alone; shipments and stock line
 * items decrement once.
 */
let t: TestApp;
let api: Client;
useTestApp({ clean: true }, (s) => ({ t, api } = s));

const placedAndApproved = async (qty: number) => {
  const n = await network(api, { strategy: 'no_split', manual: true, stock: { X: { A: 10 } } });
  const id = await order(api, n, { X: qty });
  await trigger(api, 'orders', id, '_place');
  expect((await trigger(api, 'orders', id, '_approve')).status).toBe(200);
  const [shipment] = (await api.get(`/api/orders/${id}/shipments`)).body.data;
  return { n, id, shipment: shipment.id as string };
};

describe('manual stock decrement', () => {
  it('after approval quantity 10, reserved 4; shipment _decrement_stock → 6 and 0, once', async () => {
    const { n, shipment } = await placedAndApproved(4);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 4 });
    expect((await trigger(api, 'shipments', shipment, '_decrement_stock')).status).toBe(200);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 6, reserved: 0 });
    await trigger(api, 'shipments', shipment, '_decrement_stock');
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 6, reserved: 0 });
  });

  it('_release_stock drops the hold, _reserve_stock takes it again, on a stock line item', async () => {
    const { n, shipment } = await placedAndApproved(3);
    const [sli] = (await api.get(`/api/shipments/${shipment}/stock_line_items`)).body.data;
    await trigger(api, 'stock_line_items', sli.id, '_release_stock');
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 0 });
    await trigger(api, 'stock_line_items', sli.id, '_reserve_stock');
    await trigger(api, 'stock_line_items', sli.id, '_reserve_stock');
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 3 });
    await trigger(api, 'stock_line_items', sli.id, '_decrement_stock');
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 7, reserved: 0 });
  });

  it('is refused before fulfillment starts (placed, not approved), and for sales channels', async () => {
    const n = await network(api, { strategy: 'no_split', manual: true, stock: { X: { A: 10 } } });
    const id = await order(api, n, { X: 2 });
    await trigger(api, 'orders', id, '_place');
    const [shipment] = (await api.get(`/api/orders/${id}/shipments`)).body.data;
    const res = await trigger(api, 'shipments', shipment.id, '_decrement_stock');
    expect(res.status).toBe(422);
    expect(res.body.errors[0].source.pointer).toBe('/data/attributes/_decrement_stock');
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 2 });
  });
});
