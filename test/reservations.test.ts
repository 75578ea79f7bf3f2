import { describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import type { Client } from './helpers/http';
import {
  addLine,
  emptyOrder,
  expect422,
  holdsOf,
  inventoryOf,
  lineIds,
  patch,
  secondsUntil,
  setExpiry,
} from './helpers/lifecycle';
import { network, order, stockOf, trigger } from './helpers/orders';
import { useTestApp } from './helpers/use-app';

/** Draft holds (docs/reservations.md#drafts, docs/reservations.md#expiry) as a client sees them. */
let t: TestApp;
let api: Client;
useTestApp({ clean: true }, (s) => ({ t, api } = s));

const shape = (hs: Awaited<ReturnType<typeof holdsOf>>) => hs.map((h) => [h.status, h.quantity, h.stock_item]);

describe('_reserve_stock', () => {
  it(`creates draft holds expiring after the model's stock_reservation_cutoff, split in priority order when \
the first location is short`, async () => {
    const n = await network(api, {
      strategy: 'split_shipments',
      reservationCutoff: 600,
      stock: { X: { A: 3, B: 10 } },
    });
    const id = await order(api, n, { X: 5 }, true);
    const holds = await holdsOf(api, 'orders', id);
    expect(shape(holds)).toEqual([
      ['draft', 3, n.item['X@A']],
      ['draft', 2, n.item['X@B']],
    ]);
    for (const h of holds) {
      expect(Math.abs(secondsUntil(h.expires_at!) - 600)).toBeLessThan(5);
      expect(Date.parse(h.expires_at!) - Date.parse(h.created_at)).toBe(600_000);
    }
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 3, reserved: 3 });
    expect(await stockOf(t, n.item['X@B']!)).toEqual({ quantity: 10, reserved: 2 });
    const [line] = await lineIds(api, id);
    expect(shape(await holdsOf(api, 'line_items', line!))).toEqual(shape(holds));
  });

  it("another order's draft holds reduce what the shopper sees and what a second order may add", async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    expect(await inventoryOf(t, n, 'X')).toBe(10);
    await order(api, n, { X: 4 }, true);
    expect(await inventoryOf(t, n, 'X')).toBe(6);
    const second = await emptyOrder(api, n);
    expect422(await addLine(api, second, { sku_code: n.code('X'), quantity: 7 }), '/data/attributes/quantity', {
      error: 'less_than_or_equal_to',
      value: 7,
      count: 6,
    });
    expect((await addLine(api, second, { sku_code: n.code('X'), quantity: 6, _reserve_stock: true })).status).toBe(201);
    expect(await inventoryOf(t, n, 'X')).toBe(0);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 10 });
  });

  it("another order's draft holds count when an order that already had its lines is placed", async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const late = await order(api, n, { X: 6 });
    await order(api, n, { X: 5 }, true);
    const res = await trigger(api, 'orders', late, '_place');
    expect422(res, '/data/relationships/line_items', { error: 'out_of_stock', value: n.code('X'), count: 5 });
    expect((await api.get(`/api/orders/${late}`)).body.data.attributes.status).toBe('draft');
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 5 });
  });

  it(`a shopper's own holds never block their own order: holding every unit, the line can be \
renewed and the order placed`, async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const id = await order(api, n, { X: 10 }, true);
    const [line] = await lineIds(api, id);
    const renewed = await patch(api, 'line_items', line!, { quantity: 10, _reserve_stock: true });
    expect(renewed.status, JSON.stringify(renewed.body)).toBe(200);
    expect((await patch(api, 'line_items', line!, { quantity: 9 })).status).toBe(200);
    expect((await patch(api, 'line_items', line!, { quantity: 10 })).status).toBe(200);
    const placed = await trigger(api, 'orders', id, '_place');
    expect(placed.status, JSON.stringify(placed.body)).toBe(200);
    expect(shape(await holdsOf(api, 'orders', id))).toEqual([['pending', 10, n.item['X@A']]]);
    expect((await holdsOf(api, 'orders', id))[0]!.expires_at).toBeNull();
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 10 });
  });

  it('resizing the line with _reserve_stock replaces its holds and renews them: no double counting', async () => {
    const n = await network(api, { reservationCutoff: 900, stock: { X: { A: 10 } } });
    const id = await order(api, n, { X: 3 }, true);
    const [line] = await lineIds(api, id);
    await setExpiry(t, id, '10 seconds');
    const grown = await patch(api, 'line_items', line!, { quantity: 5, _reserve_stock: true });
    expect(grown.status, JSON.stringify(grown.body)).toBe(200);
    const holds = await holdsOf(api, 'line_items', line!);
    expect(shape(holds)).toEqual([['draft', 5, n.item['X@A']]]);
    expect(Math.abs(secondsUntil(holds[0]!.expires_at!) - 900)).toBeLessThan(5);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 5 });
    // a plain quantity change rebuilds the holds too
    expect((await patch(api, 'line_items', line!, { quantity: 2 })).status).toBe(200);
    expect(shape(await holdsOf(api, 'orders', id))).toEqual([['draft', 2, n.item['X@A']]]);
    expect(await inventoryOf(t, n, 'X')).toBe(8);
  });
});

describe('expiry (docs/reservations.md#expiry: only drafts expire; boundary ±1 s)', () => {
  it('a draft past expires_at stops counting at once, and the next order uses the freed units', async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const first = await order(api, n, { X: 10 }, true);
    expect(await inventoryOf(t, n, 'X')).toBe(0);
    await setExpiry(t, first, '-1 second');
    expect(await inventoryOf(t, n, 'X')).toBe(10);
    const second = await emptyOrder(api, n);
    const line = await addLine(api, second, { sku_code: n.code('X'), quantity: 10 });
    expect(line.status, JSON.stringify(line.body)).toBe(201);
    const placed = await trigger(api, 'orders', second, '_place');
    expect(placed.status, JSON.stringify(placed.body)).toBe(200);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 10 });
    // the order whose hold lapsed cannot place any more
    const late = await trigger(api, 'orders', first, '_place');
    expect422(late, '/data/relationships/line_items', { error: 'out_of_stock', count: 0 });
    expect((await api.get(`/api/orders/${first}`)).body.data.attributes.status).toBe('draft');
  });

  it('a lapsed draft at the first location does not send the next order to the second', async () => {
    const n = await network(api, { strategy: 'split_shipments', stock: { X: { A: 5, B: 5 } } });
    const first = await order(api, n, { X: 5 }, true);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 5, reserved: 5 });
    await setExpiry(t, first, '-1 second');
    // placement's first plan is made on what it read, where the lapsed draft must not count either
    const second = await order(api, n, { X: 5 });
    const placed = await trigger(api, 'orders', second, '_place');
    expect(placed.status, JSON.stringify(placed.body)).toBe(200);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 5, reserved: 5 });
    expect(await stockOf(t, n.item['X@B']!)).toEqual({ quantity: 5, reserved: 0 });
  });

  it(`a lapsed draft stops counting in reserved_stock.quantity (Σ active reservations, \
docs/reservations.md#counters) at once too`, async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const first = await order(api, n, { X: 4 }, true);
    const reserved = async () =>
      (await api.get(`/api/stock_items/${n.item['X@A']}/reserved_stock`)).body.data.attributes.quantity;
    expect(await reserved()).toBe(4);
    await setExpiry(t, first, '-1 second');
    expect(await inventoryOf(t, n, 'X')).toBe(10);
    expect(await reserved()).toBe(0);
  });

  it("a lapsed draft frees its units for another order's _reserve_stock too", async () => {
    const n = await network(api, { stock: { X: { A: 6 } } });
    const first = await order(api, n, { X: 6 }, true);
    await setExpiry(t, first, '-1 second');
    await order(api, n, { X: 6 }, true);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 6, reserved: 6 });
    expect(await holdsOf(api, 'orders', first)).toEqual([]);
  });

  it('a draft that expires in 2 s still counts, for line items and for placement', async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const placing = await order(api, n, { X: 4 }); // its line came before the hold
    const first = await order(api, n, { X: 7 }, true);
    await setExpiry(t, first, '2 seconds');
    expect(await inventoryOf(t, n, 'X')).toBe(3);
    const second = await emptyOrder(api, n);
    expect422(await addLine(api, second, { sku_code: n.code('X'), quantity: 4 }), '/data/attributes/quantity', {
      error: 'less_than_or_equal_to',
      value: 4,
      count: 3,
    });
    expect422(await trigger(api, 'orders', placing, '_place'), '/data/relationships/line_items', {
      error: 'out_of_stock',
      count: 3,
    });
    expect(shape(await holdsOf(api, 'orders', first))).toEqual([['draft', 7, n.item['X@A']]]);
  });

  it("changing the model's stock_reservation_cutoff affects only new holds", async () => {
    const n = await network(api, { reservationCutoff: 3600, stock: { X: { A: 10 } } });
    const old = await order(api, n, { X: 2 }, true);
    const [before] = await holdsOf(api, 'orders', old);
    const changed = await patch(api, 'inventory_models', n.model, { stock_reservation_cutoff: 120 });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect((await holdsOf(api, 'orders', old))[0]!.expires_at).toBe(before!.expires_at);
    const fresh = await order(api, n, { X: 2 }, true);
    const [now] = await holdsOf(api, 'orders', fresh);
    expect(Math.abs(secondsUntil(before!.expires_at!) - 3600)).toBeLessThan(10);
    expect(Math.abs(secondsUntil(now!.expires_at!) - 120)).toBeLessThan(5);
  });
});
