import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { factory } from './helpers/factory';
import { type Client, doc, remoteClient } from './helpers/http';
import { type Network, network, order, stockOf, trigger } from './helpers/orders';
import { type ServerProcess, startServerProcess, stopServerProcess } from './helpers/server';
import { useTestApp } from './helpers/use-app';

/**
 * No overselling under any concurrency, on a real PostgreSQL (docs/reservations.md#no-oversell): 50
 * placements for 10 units over two locations; the same across two server processes; approve racing cancel.
 */
let t: TestApp;
let api: Client;
let other: ServerProcess;
/** The same admin, through the other process. */
let there: Client;
useTestApp({ clean: true }, (s) => ({ t, api } = s));
beforeAll(async () => {
  other = await startServerProcess(t.dbUrl, { DB_POOL_SIZE: '8' });
  there = remoteClient(other.url, t.tokens.admin);
}, 60_000);
afterAll(() => stopServerProcess(other?.proc));

/** `_place` through this process (inject) or the other one (HTTP). */
const place = (id: string, viaOther: boolean) =>
  (viaOther ? there : api).patch(`/api/orders/${id}`, doc('orders', { _place: true }, {}, id));

async function race(n: Network, quantities: number[], split: boolean) {
  const ids: string[] = [];
  for (const q of quantities) ids.push(await order(api, n, { X: q }));
  const results = await Promise.all(ids.map((id, i) => place(id, split && i % 2 === 1)));
  for (const r of results) {
    expect([200, 422], JSON.stringify(r.body)).toContain(r.status);
    if (r.status === 422) expect(r.body.errors[0].meta.error).toBe('out_of_stock');
  }
  return results.map((r, i) => ({ q: quantities[i]!, ok: r.status === 200 }));
}

const held = async (n: Network) =>
  (await stockOf(t, n.item['X@A']!)).reserved + (await stockOf(t, n.item['X@B']!)).reserved;

describe('concurrent placements for the last units', () => {
  it('50 one-unit orders for 10 units over two locations: exactly 10 succeed', async () => {
    const n = await network(api, { strategy: 'split_shipments', stock: { X: { A: 6, B: 4 } } });
    const outcome = await race(n, Array(50).fill(1), false);
    expect(outcome.filter((o) => o.ok)).toHaveLength(10);
    expect(await held(n)).toBe(10);
  });

  it('the same across two server processes on one database', async () => {
    const n = await network(api, { strategy: 'split_shipments', stock: { X: { A: 6, B: 4 } } });
    const outcome = await race(n, Array(50).fill(1), true);
    expect(outcome.filter((o) => o.ok)).toHaveLength(10);
    expect(await held(n)).toBe(10);
  });

  it('mixed sizes: what succeeds fits, and every refused order was larger than what is left', async () => {
    const n = await network(api, { strategy: 'split_shipments', stock: { X: { A: 6, B: 4 } } });
    const sizes = Array.from({ length: 30 }, (_, i) => 1 + (i % 3));
    const outcome = await race(n, sizes, true);
    const taken = outcome.filter((o) => o.ok).reduce((s, o) => s + o.q, 0);
    expect(taken).toBe(await held(n));
    expect(taken).toBeLessThanOrEqual(10);
    const refused = outcome.filter((o) => !o.ok).map((o) => o.q);
    expect(10 - taken).toBeLessThan(Math.min(...refused));
  });

  it('parallel _reserve_stock for the last units: exactly min(N, K) line items get holds', async () => {
    const n = await network(api, { strategy: 'no_split', stock: { X: { A: 5 } } });
    const orders = await Promise.all(
      Array.from({ length: 12 }, () =>
        api.post('/api/orders', doc('orders', {}, { market: { data: { type: 'markets', id: n.market } } })),
      ),
    );
    const results = await Promise.all(
      orders.map((o) =>
        api.post(
          '/api/line_items',
          doc(
            'line_items',
            { sku_code: n.code('X'), quantity: 1, _reserve_stock: true },
            { order: { data: { type: 'orders', id: o.body.data.id } } },
          ),
        ),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    expect(results.filter((r) => r.status === 422)).toHaveLength(7);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 5, reserved: 5 });
  });
});

describe('approve racing cancel on the same order', () => {
  it('ends approved or cancelled, never both, and stock matches the outcome', async () => {
    const n = await network(api, { strategy: 'split_shipments', stock: { X: { A: 20, B: 0 } } });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const id = await order(api, n, { X: 2 });
      expect((await place(id, false)).status).toBe(200);
      ids.push(id);
    }
    await Promise.all(
      ids.flatMap((id, i) => [
        api.patch(`/api/orders/${id}`, doc('orders', { _approve: true }, {}, id)),
        i % 2
          ? api.patch(`/api/orders/${id}`, doc('orders', { _cancel: true }, {}, id))
          : place(id, true).then(() => there.patch(`/api/orders/${id}`, doc('orders', { _cancel: true }, {}, id))),
      ]),
    );
    const statuses = await Promise.all(
      ids.map(async (id) => (await api.get(`/api/orders/${id}`)).body.data.attributes.status),
    );
    const approved = statuses.filter((s) => s === 'approved').length;
    expect(approved + statuses.filter((s) => s === 'cancelled').length).toBe(10);
    // cancelled orders gave everything back (restocked if approval had decremented); approved ones took 2 each
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 20 - 2 * approved, reserved: 0 });
  });
});

describe('shipment cancellation racing placements of the same SKUs', () => {
  it('never deadlocks: every cancel and every placement succeeds, and the counters add up', async () => {
    const n = await network(api, { stock: { X: { A: 500 }, Y: { A: 500 }, Z: { A: 500 }, W: { A: 500 } } });
    const lines = { W: 1, X: 1, Y: 1, Z: 1 };
    const placed: string[] = [];
    for (let i = 0; i < 12; i++) {
      const id = await order(api, n, lines);
      expect((await place(id, false)).status).toBe(200);
      placed.push(id);
    }
    const shipments = await t.database.sql`select id from shipments where order_id = any(${placed}::text[])`;
    const fresh: string[] = [];
    for (let i = 0; i < 12; i++) fresh.push(await order(api, n, lines));
    // each cancel gives four stock items back in one statement while placements lock the same four
    const results = await Promise.all([
      ...shipments.map((s, i) =>
        (i % 2 ? api : there).patch(`/api/shipments/${s.id}`, doc('shipments', { _cancel: true }, {}, s.id)),
      ),
      ...fresh.map((id, i) => place(id, i % 2 === 0)),
    ]);
    for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(200);
    for (const code of ['W', 'X', 'Y', 'Z'])
      expect(await stockOf(t, n.item[`${code}@A`]!)).toEqual({ quantity: 500, reserved: 12 });
  });
});

describe('return restock racing placements of the same SKUs', () => {
  it('never deadlocks: every restock and every placement succeeds, and the counters add up', async () => {
    const n = await network(api, { stock: { X: { A: 500 }, Y: { A: 500 }, Z: { A: 500 }, W: { A: 500 } } });
    await factory(api).create(
      api,
      'inventory_return_locations',
      { priority: 1 },
      {
        inventory_model: { type: 'inventory_models', id: n.model },
        stock_location: { type: 'stock_locations', id: n.loc.A! },
      },
    );
    const lines = { W: 1, X: 1, Y: 1, Z: 1 };
    const rel = (type: string, id: string) => ({ data: { type, id } });
    const returns: string[] = [];
    for (let i = 0; i < 20; i++) {
      const id = await order(api, n, lines);
      for (const s of ['_place', '_approve']) expect((await trigger(api, 'orders', id, s)).status).toBe(200);
      const [shipment] = (await api.get(`/api/orders/${id}/shipments`)).body.data;
      for (const s of ['_packing', '_ready_to_ship', '_ship'])
        expect((await trigger(api, 'shipments', shipment.id, s)).status).toBe(200);
      const rid = (await api.post('/api/returns', doc('returns', {}, { order: rel('orders', id) }))).body.data.id;
      for (const li of (await api.get(`/api/orders/${id}/line_items`)).body.data) {
        expect(
          (
            await api.post(
              '/api/return_line_items',
              doc(
                'return_line_items',
                { quantity: 1 },
                { return: rel('returns', rid), line_item: rel('line_items', li.id) },
              ),
            )
          ).status,
        ).toBe(201);
      }
      for (const s of ['_request', '_approve', '_receive'])
        expect((await trigger(api, 'returns', rid, s)).status).toBe(200);
      returns.push(rid);
    }
    const fresh: string[] = [];
    for (let i = 0; i < 20; i++) fresh.push(await order(api, n, lines));
    // each restock adds to four stock items in one statement while placements lock the same four
    const restock = (rid: string, viaOther: boolean) => trigger(viaOther ? there : api, 'returns', rid, '_restock');
    const results = await Promise.all([
      ...returns.map((rid, i) => restock(rid, i % 2 === 1)),
      ...fresh.map((id, i) => place(id, i % 2 === 0)),
    ]);
    for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(200);
    // 20 shipped and returned, 20 held by the new placements
    for (const code of ['W', 'X', 'Y', 'Z'])
      expect(await stockOf(t, n.item[`${code}@A`]!)).toEqual({ quantity: 500, reserved: 20 });
  });
});
