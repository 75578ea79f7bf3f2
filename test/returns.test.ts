import { describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { factory } from './helpers/factory';
import { type Client, doc } from './helpers/http';
import { network, order, stockOf, trigger } from './helpers/orders';
import { useTestApp } from './helpers/use-app';

/** Returns go to the model's return location by priority and restock once (docs/transfers-and-returns.md#returns). */
let t: TestApp;
let api: Client;
useTestApp({ clean: true }, (s) => ({ t, api } = s));

const rel = (type: string, id: string) => ({ data: { type, id } });

async function shippedOrder() {
  const n = await network(api, { strategy: 'no_split', stock: { X: { A: 10, B: 0 } } });
  const f = factory(api);
  // returns go to B first (priority 1), then A
  for (const [loc, priority] of [
    ['B', 1],
    ['A', 2],
  ] as const) {
    await f.create(
      api,
      'inventory_return_locations',
      { priority },
      {
        inventory_model: { type: 'inventory_models', id: n.model },
        stock_location: { type: 'stock_locations', id: n.loc[loc]! },
      },
    );
  }
  const id = await order(api, n, { X: 3 });
  await trigger(api, 'orders', id, '_place');
  await trigger(api, 'orders', id, '_approve');
  const [shipment] = (await api.get(`/api/orders/${id}/shipments`)).body.data;
  for (const s of ['_packing', '_ready_to_ship', '_ship'])
    expect((await trigger(api, 'shipments', shipment.id, s)).status).toBe(200);
  const [line] = (await api.get(`/api/orders/${id}/line_items`)).body.data;
  return { n, id, line: line.id as string };
}

describe('returns', () => {
  it('go to the highest-priority return location, accept at most what shipped, and restock once', async () => {
    const { n, id, line } = await shippedOrder();
    const ret = await api.post('/api/returns', doc('returns', {}, { order: rel('orders', id) }));
    expect(ret.status, JSON.stringify(ret.body)).toBe(201);
    const rid = ret.body.data.id;
    expect((await api.get(`/api/returns/${rid}/stock_location`)).body.data.id).toBe(n.loc.B);
    const over = await api.post(
      '/api/return_line_items',
      doc('return_line_items', { quantity: 4 }, { return: rel('returns', rid), line_item: rel('line_items', line) }),
    );
    expect(over.status).toBe(422);
    expect(over.body.errors[0]).toMatchObject({ source: { pointer: '/data/attributes/quantity' }, meta: { count: 3 } });
    expect(
      (
        await api.post(
          '/api/return_line_items',
          doc(
            'return_line_items',
            { quantity: 2 },
            { return: rel('returns', rid), line_item: rel('line_items', line) },
          ),
        )
      ).status,
    ).toBe(201);
    expect((await trigger(api, 'returns', rid, '_restock')).status).toBe(422); // not received yet
    for (const s of ['_request', '_approve', '_receive'])
      expect((await trigger(api, 'returns', rid, s)).status).toBe(200);
    expect((await trigger(api, 'returns', rid, '_restock')).status).toBe(200);
    await trigger(api, 'returns', rid, '_restock');
    expect(await stockOf(t, n.item['X@B']!)).toEqual({ quantity: 2, reserved: 0 });
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 7, reserved: 0 });
  });

  it('a return line restocks on its own into a location created on demand; a given stock location wins', async () => {
    const { n, id, line } = await shippedOrder();
    const f = factory(api);
    const c = await f.stockLocation();
    const rid = (
      await api.post(
        '/api/returns',
        doc('returns', {}, { order: rel('orders', id), stock_location: rel('stock_locations', c) }),
      )
    ).body.data.id;
    const lid = (
      await api.post(
        '/api/return_line_items',
        doc('return_line_items', { quantity: 3 }, { return: rel('returns', rid), line_item: rel('line_items', line) }),
      )
    ).body.data.id;
    for (const s of ['_request', '_approve', '_receive']) await trigger(api, 'returns', rid, s);
    expect((await trigger(api, 'return_line_items', lid, '_restock')).status).toBe(200);
    await trigger(api, 'return_line_items', lid, '_restock');
    const items = (await api.get(`/api/stock_locations/${c}/stock_items`)).body.data;
    expect(items.map((i: any) => [i.attributes.sku_code, i.attributes.quantity])).toEqual([[n.code('X'), 3]]);
  });
});
