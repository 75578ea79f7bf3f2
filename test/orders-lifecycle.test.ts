import { describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { expectLocked } from './helpers/expect';
import type { Client } from './helpers/http';
import { emptyOrder, expect422, holdsOf, lineIds, shipmentsOf, stockLineItemsOf } from './helpers/lifecycle';
import { network, order, stockOf, trigger } from './helpers/orders';
import { useTestApp } from './helpers/use-app';

/**
 * Orders (docs/reservations.md: approval, cancellation, manual decrement): deletion, repeated and
 * illegal triggers, manual decrement.
 */
let t: TestApp;
let api: Client;
useTestApp({ clean: true }, (s) => ({ t, api } = s));

const statusOf = async (id: string) => (await api.get(`/api/orders/${id}`)).body.data.attributes;
/** Everything the order owns that a repeated trigger must not duplicate. */
const footprint = async (id: string) => ({
  order: await statusOf(id),
  holds: await holdsOf(api, 'orders', id),
  shipments: (await shipmentsOf(api, id)).map((s) => [s.id, s.status, s.lines]),
  slis: await stockLineItemsOf(api, id),
});

describe('deleting an order', () => {
  it('a placed order cannot be deleted: 423, and it keeps its holds and shipments', async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const id = await order(api, n, { X: 4 });
    await trigger(api, 'orders', id, '_place');
    const before = await footprint(id);
    expectLocked(await api.delete(`/api/orders/${id}`));
    expect(await footprint(id)).toEqual(before);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 4 });
    await trigger(api, 'orders', id, '_approve');
    expectLocked(await api.delete(`/api/orders/${id}`));
    await trigger(api, 'orders', id, '_cancel');
    expectLocked(await api.delete(`/api/orders/${id}`));
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 0 });
  });

  it('a draft can be deleted: its line items go and its draft holds are released', async () => {
    const n = await network(api, { stock: { X: { A: 10 }, Y: { A: 5 } } });
    const id = await order(api, n, { X: 4, Y: 5 }, true);
    const lines = await lineIds(api, id);
    expect(await stockOf(t, n.item['Y@A']!)).toEqual({ quantity: 5, reserved: 5 });
    const del = await api.delete(`/api/orders/${id}`);
    expect(del.status, JSON.stringify(del.body)).toBe(204);
    expect((await api.get(`/api/orders/${id}`)).status).toBe(404);
    for (const l of lines) expect((await api.get(`/api/line_items/${l}`)).status).toBe(404);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 0 });
    expect(await stockOf(t, n.item['Y@A']!)).toEqual({ quantity: 5, reserved: 0 });
    expect(await t.database.sql`select id from stock_reservations where order_id = ${id}`).toHaveLength(0);
    // the units are for sale again
    const next = await order(api, n, { Y: 5 });
    expect((await trigger(api, 'orders', next, '_place')).status).toBe(200);
  });
});

describe('repeated triggers are harmless (docs/transfers-and-returns.md#triggers)', () => {
  it('_place twice: no second set of holds, shipments or stock line items', async () => {
    const n = await network(api, { strategy: 'split_shipments', stock: { X: { A: 3, B: 10 } } });
    const id = await order(api, n, { X: 5 }, true);
    expect((await trigger(api, 'orders', id, '_place')).status).toBe(200);
    const once = await footprint(id);
    expect(once.holds.map((h) => [h.status, h.quantity])).toEqual([
      ['pending', 3],
      ['pending', 2],
    ]);
    const again = await trigger(api, 'orders', id, '_place');
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.data.attributes.status).toBe('placed');
    // nothing changed, updated_at included
    expect(await footprint(id)).toEqual(once);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 3, reserved: 3 });
    expect(await stockOf(t, n.item['X@B']!)).toEqual({ quantity: 10, reserved: 2 });
  });

  it('each trigger that changes the order moves its updated_at', async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const id = await order(api, n, { X: 1 });
    const stamps = [(await statusOf(id)).updated_at];
    for (const name of ['_place', '_approve', '_cancel']) {
      const res = await trigger(api, 'orders', id, name);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data.attributes.updated_at).toBe((await statusOf(id)).updated_at);
      stamps.push(res.body.data.attributes.updated_at);
    }
    for (let i = 1; i < stamps.length; i++) expect(Date.parse(stamps[i]!)).toBeGreaterThan(Date.parse(stamps[i - 1]!));
  });

  it('_approve twice decrements once; _cancel twice restocks once', async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const id = await order(api, n, { X: 4 });
    await trigger(api, 'orders', id, '_place');
    for (let i = 0; i < 2; i++) {
      const res = await trigger(api, 'orders', id, '_approve');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data.attributes).toMatchObject({ status: 'approved', fulfillment_status: 'in_progress' });
      expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 6, reserved: 0 });
    }
    for (let i = 0; i < 2; i++) {
      const res = await trigger(api, 'orders', id, '_cancel');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data.attributes).toMatchObject({
        status: 'cancelled',
        payment_status: 'voided',
        cancelled_at: expect.any(String),
      });
      expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 0 });
    }
    expect((await shipmentsOf(api, id)).map((s) => s.status)).toEqual(['cancelled']);
  });

  it('the same trigger sent twice at once (a client retry) still applies once', async () => {
    const n = await network(api, { strategy: 'split_shipments', stock: { X: { A: 3, B: 10 } } });
    const id = await order(api, n, { X: 5 });
    const places = await Promise.all([trigger(api, 'orders', id, '_place'), trigger(api, 'orders', id, '_place')]);
    expect(places.map((r) => r.status)).toEqual([200, 200]);
    expect((await holdsOf(api, 'orders', id)).map((h) => h.quantity)).toEqual([3, 2]);
    expect((await shipmentsOf(api, id)).map((s) => s.lines)).toEqual([['X×3'], ['X×2']]);
    const approvals = await Promise.all([
      trigger(api, 'orders', id, '_approve'),
      trigger(api, 'orders', id, '_approve'),
    ]);
    expect(approvals.map((r) => r.status)).toEqual([200, 200]);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 0, reserved: 0 });
    expect(await stockOf(t, n.item['X@B']!)).toEqual({ quantity: 8, reserved: 0 });
    const cancels = await Promise.all([trigger(api, 'orders', id, '_cancel'), trigger(api, 'orders', id, '_cancel')]);
    expect(cancels.map((r) => r.status)).toEqual([200, 200]);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 3, reserved: 0 });
    expect(await stockOf(t, n.item['X@B']!)).toEqual({ quantity: 10, reserved: 0 });
  });

  it("_cancel twice on a placed order releases once and leaves the others' holds alone", async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const other = await order(api, n, { X: 3 });
    await trigger(api, 'orders', other, '_place');
    const id = await order(api, n, { X: 4 });
    await trigger(api, 'orders', id, '_place');
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 7 });
    for (let i = 0; i < 2; i++) expect((await trigger(api, 'orders', id, '_cancel')).status).toBe(200);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 3 });
    expect(await holdsOf(api, 'orders', id)).toEqual([]);
  });
});

describe('illegal order transitions: 422 on the trigger, nothing changes', () => {
  it('_approve on a draft', async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const id = await order(api, n, { X: 4 }, true);
    const before = await footprint(id);
    expect422(await trigger(api, 'orders', id, '_approve'), '/data/attributes/_approve', {
      error: 'invalid_transition',
    });
    expect(await footprint(id)).toEqual(before);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 4 });
  });

  it('_place, _approve on a cancelled order', async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const id = await order(api, n, { X: 4 });
    await trigger(api, 'orders', id, '_place');
    await trigger(api, 'orders', id, '_cancel');
    const before = await footprint(id);
    expect422(await trigger(api, 'orders', id, '_place'), '/data/attributes/_place', { error: 'invalid_transition' });
    expect422(await trigger(api, 'orders', id, '_approve'), '/data/attributes/_approve', {
      error: 'invalid_transition',
    });
    expect(await footprint(id)).toEqual(before);
    expect(before.order.status).toBe('cancelled');
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 0 });
  });

  it('_place on an approved order', async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const id = await order(api, n, { X: 4 });
    await trigger(api, 'orders', id, '_place');
    await trigger(api, 'orders', id, '_approve');
    expect422(await trigger(api, 'orders', id, '_place'), '/data/attributes/_place', { error: 'invalid_transition' });
    expect((await statusOf(id)).status).toBe('approved');
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 6, reserved: 0 });
  });

  it('an empty order cannot be placed', async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const id = await emptyOrder(api, n);
    expect422(await trigger(api, 'orders', id, '_place'), '/data/relationships/line_items', { error: 'blank' });
    expect(await statusOf(id)).toMatchObject({ status: 'draft', payment_status: 'unpaid', placed_at: null });
    expect(await shipmentsOf(api, id)).toEqual([]);
  });
});

describe('manual_stock_decrement (docs/reservations.md#manual-decrement)', () => {
  it('approval leaves quantity untouched and the holds in place; cancelling then releases them', async () => {
    const n = await network(api, { manual: true, stock: { X: { A: 10 } } });
    const id = await order(api, n, { X: 4 });
    await trigger(api, 'orders', id, '_place');
    const approved = await trigger(api, 'orders', id, '_approve');
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.data.attributes.status).toBe('approved');
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 4 });
    expect((await holdsOf(api, 'orders', id)).map((h) => [h.status, h.quantity, h.expires_at])).toEqual([
      ['pending', 4, null],
    ]);
    expect((await shipmentsOf(api, id)).map((s) => s.status)).toEqual(['picking']);
    expect((await trigger(api, 'orders', id, '_approve')).status).toBe(200);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 4 });
    expect((await trigger(api, 'orders', id, '_cancel')).status).toBe(200);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 0 });
  });
});
