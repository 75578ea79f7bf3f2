import { describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { factory } from './helpers/factory';
import type { Client } from './helpers/http';
import { expect422, holdsOf, patch, rel, shipmentsOf, stockLineItemsOf } from './helpers/lifecycle';
import { type Network, network, order, stockOf, trigger } from './helpers/orders';
import { useTestApp } from './helpers/use-app';

/**
 * Shipments (docs/transfers-and-returns.md#shipment-states,
 * docs/placement-and-strategies.md#categories): the state machine, cancelling one, and how the plan
 * shapes them.
 */
let t: TestApp;
let api: Client;
useTestApp({ clean: true }, (s) => ({ t, api } = s));

const STAMPS = [
  'on_hold_at',
  'picking_at',
  'packing_at',
  'ready_to_ship_at',
  'shipped_at',
  'delivered_at',
  'cancelled_at',
];
const state = async (id: string) => {
  const a = (await api.get(`/api/shipments/${id}`)).body.data.attributes;
  return Object.fromEntries(['status', ...STAMPS].map((k) => [k, a[k]]));
};
const placed = async (n: Network, lines: Record<string, number>, approve = true) => {
  const id = await order(api, n, lines);
  expect((await trigger(api, 'orders', id, '_place')).status).toBe(200);
  if (approve) expect((await trigger(api, 'orders', id, '_approve')).status).toBe(200);
  return { id, shipments: await shipmentsOf(api, id) };
};

describe('the shipment state machine (docs/transfers-and-returns.md#shipment-states)', () => {
  it(`picking → on_hold → picking → packing → picking → packing → ready_to_ship → shipped → delivered; illegal \
triggers 422, repeats harmless`, async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const { id: orderId, shipments } = await placed(n, { X: 3 });
    const s = shipments[0]!.id;
    expect(await state(s)).toMatchObject({ status: 'picking', picking_at: expect.any(String), on_hold_at: null });
    const step = async (name: string, to: string, stamp?: string) => {
      const res = await trigger(api, 'shipments', s, name);
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body.data.attributes.status).toBe(to);
      if (stamp) expect(res.body.data.attributes[stamp], name).toEqual(expect.any(String));
    };
    const illegal = async (...names: string[]) => {
      const before = (await api.get(`/api/shipments/${s}`)).body.data.attributes;
      for (const name of names)
        expect422(await trigger(api, 'shipments', s, name), `/data/attributes/${name}`, {
          error: 'invalid_transition',
        });
      expect((await api.get(`/api/shipments/${s}`)).body.data.attributes).toEqual(before);
    };
    const repeat = async (name: string) => {
      const before = await state(s);
      const res = await trigger(api, 'shipments', s, name);
      expect(res.status, `${name} again: ${JSON.stringify(res.body)}`).toBe(200);
      expect(await state(s)).toEqual(before);
    };
    await illegal('_upcoming', '_ready_to_ship', '_ship', '_deliver');
    await repeat('_picking');
    await step('_on_hold', 'on_hold', 'on_hold_at');
    await repeat('_on_hold');
    await illegal('_packing', '_ready_to_ship', '_ship', '_deliver', '_upcoming');
    await step('_picking', 'picking');
    await step('_packing', 'packing', 'packing_at');
    await repeat('_packing');
    await illegal('_on_hold', '_ship', '_deliver');
    await step('_picking', 'picking');
    await step('_packing', 'packing');
    await step('_ready_to_ship', 'ready_to_ship', 'ready_to_ship_at');
    await repeat('_ready_to_ship');
    await illegal('_picking', '_on_hold', '_deliver');
    await step('_ship', 'shipped', 'shipped_at');
    await repeat('_ship');
    await illegal('_cancel', '_picking', '_ready_to_ship');
    // a shipped order cannot be cancelled any more
    expect422(await trigger(api, 'orders', orderId, '_cancel'), '/data/attributes/_cancel');
    await step('_deliver', 'delivered', 'delivered_at');
    await repeat('_deliver');
    await illegal('_cancel', '_ship', '_picking', '_on_hold');
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 7, reserved: 0 });
    expect((await api.get(`/api/orders/${orderId}`)).body.data.attributes.status).toBe('approved');
  });

  it('the order is fulfilled once every shipment has shipped (docs/transfers-and-returns.md#fulfilment)', async () => {
    const n = await network(api, { strategy: 'split_shipments', stock: { X: { A: 3, B: 10 } } });
    const { id, shipments } = await placed(n, { X: 5 });
    expect((await api.get(`/api/orders/${id}`)).body.data.attributes.fulfillment_status).toBe('in_progress');
    for (const [i, s] of shipments.entries()) {
      for (const name of ['_packing', '_ready_to_ship', '_ship'])
        expect((await trigger(api, 'shipments', s.id, name)).status).toBe(200);
      const expected = i === shipments.length - 1 ? 'fulfilled' : 'in_progress';
      expect(
        (await api.get(`/api/orders/${id}`)).body.data.attributes.fulfillment_status,
        `after shipment ${i + 1}`,
      ).toBe(expected);
    }
  });

  it(`_cancel from every cancellable state; a cancelled shipment takes no further trigger and \
_cancel again is harmless`, async () => {
    const n = await network(api, { stock: { X: { A: 50 } } });
    const paths: Record<string, string[]> = {
      picking: [],
      on_hold: ['_on_hold'],
      packing: ['_packing'],
      ready_to_ship: ['_packing', '_ready_to_ship'],
    };
    for (const [from, path] of Object.entries(paths)) {
      const s = (await placed(n, { X: 1 })).shipments[0]!.id;
      for (const name of path) expect((await trigger(api, 'shipments', s, name)).status).toBe(200);
      const res = await trigger(api, 'shipments', s, '_cancel');
      expect(res.status, `${from}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body.data.attributes).toMatchObject({ status: 'cancelled', cancelled_at: expect.any(String) });
      expect((await trigger(api, 'shipments', s, '_cancel')).status).toBe(200);
      for (const name of ['_picking', '_on_hold', '_packing', '_ship'])
        expect422(await trigger(api, 'shipments', s, name), `/data/attributes/${name}`);
    }
    // each cancelled shipment of an approved order put its unit back, once
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 50, reserved: 0 });
  });
});

describe('cancelling one shipment', () => {
  it('of a placed order: its holds are released, the other shipment keeps its own', async () => {
    const n = await network(api, { strategy: 'split_shipments', stock: { X: { A: 3, B: 10 } } });
    const { id, shipments } = await placed(n, { X: 5 }, false);
    expect(shipments.map((s) => [s.location, s.status, s.lines])).toEqual([
      [n.loc.A, 'upcoming', ['X×3']],
      [n.loc.B, 'upcoming', ['X×2']],
    ]);
    const res = await trigger(api, 'shipments', shipments[0]!.id, '_cancel');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 3, reserved: 0 });
    expect(await stockOf(t, n.item['X@B']!)).toEqual({ quantity: 10, reserved: 2 });
    expect((await holdsOf(api, 'orders', id)).map((h) => [h.status, h.quantity, h.stock_item])).toEqual([
      ['pending', 2, n.item['X@B']],
    ]);
  });

  it('of a placed order, then approving: only the live shipment is decremented', async () => {
    const n = await network(api, { strategy: 'split_shipments', stock: { X: { A: 3, B: 10 } } });
    const { id, shipments } = await placed(n, { X: 5 }, false);
    expect((await trigger(api, 'shipments', shipments[0]!.id, '_cancel')).status).toBe(200);
    expect((await trigger(api, 'orders', id, '_approve')).status).toBe(200);
    expect((await shipmentsOf(api, id)).map((s) => s.status)).toEqual(['cancelled', 'picking']);
    expect(await stockOf(t, n.item['X@B']!)).toEqual({ quantity: 8, reserved: 0 });
    // the cancelled shipment's 3 units were never shipped: A must still have them
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 3, reserved: 0 });
  });

  it('of an approved order: its units are restocked once, even when the order is cancelled afterwards', async () => {
    const n = await network(api, { strategy: 'split_shipments', stock: { X: { A: 3, B: 10 } } });
    const { id, shipments } = await placed(n, { X: 5 });
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 0, reserved: 0 });
    expect((await trigger(api, 'shipments', shipments[0]!.id, '_cancel')).status).toBe(200);
    expect((await trigger(api, 'shipments', shipments[0]!.id, '_cancel')).status).toBe(200);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 3, reserved: 0 });
    expect(await stockOf(t, n.item['X@B']!)).toEqual({ quantity: 8, reserved: 0 });
    expect((await trigger(api, 'orders', id, '_cancel')).status).toBe(200);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 3, reserved: 0 });
    expect(await stockOf(t, n.item['X@B']!)).toEqual({ quantity: 10, reserved: 0 });
  });
});

describe('how the plan shapes shipments (docs/placement-and-strategies.md)', () => {
  const twoCategories = async (strategy: string) => {
    const n = await network(api, { strategy, stock: { X: { A: 10 }, Y: { A: 10 } } });
    const other = await factory(api).shippingCategory();
    expect(
      (await patch(api, 'skus', n.sku.Y!, {}, { shipping_category: rel('shipping_categories', other) })).status,
    ).toBe(200);
    return { n, other };
  };

  it('split_shipments: one shipment per (location, shipping category)', async () => {
    const { n, other } = await twoCategories('split_shipments');
    const { shipments } = await placed(n, { X: 2, Y: 1 }, false);
    expect(
      shipments.map((s) => [s.location, s.category, s.lines]).sort((a, b) => (a[2]![0]! < b[2]![0]! ? -1 : 1)),
    ).toEqual([
      [n.loc.A, n.category, ['X×2']],
      [n.loc.A, other, ['Y×1']],
    ]);
  });

  it('no_split: one shipment, whatever the categories, with no category', async () => {
    const { n } = await twoCategories('no_split');
    const { shipments } = await placed(n, { X: 2, Y: 1 }, false);
    expect(shipments.map((s) => [s.location, s.category, s.lines])).toEqual([[n.loc.A, null, ['X×2', 'Y×1']]]);
  });

  it(`do_not_ship: stock line items with no shipment, still held and decremented; \
not_required when every line is`, async () => {
    const n = await network(api, { stock: { X: { A: 10 }, G: { A: 10 } } });
    expect((await patch(api, 'skus', n.sku.G!, { do_not_ship: true })).status).toBe(200);
    const mixed = await placed(n, { X: 2, G: 3 }, false);
    expect(mixed.shipments.map((s) => s.lines)).toEqual([['X×2']]);
    expect(await stockLineItemsOf(api, mixed.id)).toEqual([
      { sku: 'G', quantity: 3, shipment: null, stock_item: n.item['G@A'] },
      { sku: 'X', quantity: 2, shipment: mixed.shipments[0]!.id, stock_item: n.item['X@A'] },
    ]);
    expect(await stockOf(t, n.item['G@A']!)).toEqual({ quantity: 10, reserved: 3 });
    expect((await api.get(`/api/orders/${mixed.id}`)).body.data.attributes.fulfillment_status).toBe('unfulfilled');

    const only = await placed(n, { G: 4 }, false);
    expect(only.shipments).toEqual([]);
    expect((await api.get(`/api/orders/${only.id}`)).body.data.attributes.fulfillment_status).toBe('not_required');
    expect(await stockOf(t, n.item['G@A']!)).toEqual({ quantity: 10, reserved: 7 });
    const approved = await trigger(api, 'orders', only.id, '_approve');
    expect(approved.body.data.attributes).toMatchObject({ status: 'approved', fulfillment_status: 'not_required' });
    expect(await stockOf(t, n.item['G@A']!)).toEqual({ quantity: 6, reserved: 3 });
  });

  it('do_not_track: stock line items without a stock item, shipped from the primary, never decremented', async () => {
    const n = await network(api, { stock: { X: { A: 10 }, F: { A: 1 } } });
    expect((await patch(api, 'skus', n.sku.F!, { do_not_track: true })).status).toBe(200);
    const { id, shipments } = await placed(n, { X: 2, F: 5 });
    expect(shipments.map((s) => [s.location, s.lines])).toEqual([[n.loc.A, ['F×5', 'X×2']]]);
    expect(await stockLineItemsOf(api, id)).toEqual([
      { sku: 'F', quantity: 5, shipment: shipments[0]!.id, stock_item: null },
      { sku: 'X', quantity: 2, shipment: shipments[0]!.id, stock_item: n.item['X@A'] },
    ]);
    expect(await stockOf(t, n.item['F@A']!)).toEqual({ quantity: 1, reserved: 0 });
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 8, reserved: 0 });
    expect((await trigger(api, 'orders', id, '_cancel')).status).toBe(200);
    expect(await stockOf(t, n.item['F@A']!)).toEqual({ quantity: 1, reserved: 0 });
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 0 });
  });

  it(`a shipment from an on_hold inventory stock location goes on_hold at approval, the \
others picking; each says why`, async () => {
    const n = await network(api, { strategy: 'split_shipments', onHold: ['A'], stock: { X: { A: 3, B: 10 } } });
    const { id } = await placed(n, { X: 5 });
    const shipments = await shipmentsOf(api, id);
    expect(shipments.map((s) => [s.location, s.status])).toEqual([
      [n.loc.A, 'on_hold'],
      [n.loc.B, 'picking'],
    ]);
    expect(shipments[0]!.attributes).toMatchObject({ on_hold_at: expect.any(String), picking_at: null });
    expect(shipments[1]!.attributes).toMatchObject({ on_hold_at: null, picking_at: expect.any(String) });
    for (const s of shipments) {
      expect(s.attributes.allocation).toMatchObject({
        strategy: 'split_shipments',
        explanation: expect.stringMatching(/\S/),
      });
    }
    expect((await api.get(`/api/shipments/${shipments[0]!.id}/inventory_stock_location`)).body.data.id).toBe(n.isl.A);
    expect((await trigger(api, 'shipments', shipments[0]!.id, '_picking')).body.data.attributes.status).toBe('picking');
  });
});
