import { describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { rowCount } from './helpers/expect';
import { factory } from './helpers/factory';
import type { Client } from './helpers/http';
import { addLine, emptyOrder, expect422, holdsOf, lineIds, patch, rel, stockLineItemsOf } from './helpers/lifecycle';
import { network, order, stockOf, trigger } from './helpers/orders';
import { useTestApp } from './helpers/use-app';

/**
 * Line items (docs/reservations.md#line-item-check): the SKU, the availability check a client sees
 * as a 422, and what a placed order freezes.
 */
let t: TestApp;
let api: Client;
useTestApp({ clean: true }, (s) => ({ t, api } = s));

const tooMany = (value: number, count: number) => ({ error: 'less_than_or_equal_to', value, count });

describe('naming the SKU', () => {
  it('by sku_code or by the sku relationship: either way the line carries the code, the name and the SKU', async () => {
    const n = await network(api, { stock: { X: { A: 5 } } });
    const id = await emptyOrder(api, n);
    const byCode = await addLine(api, id, { sku_code: n.code('X'), quantity: 1 });
    expect(byCode.status, JSON.stringify(byCode.body)).toBe(201);
    expect(byCode.body.data.attributes).toMatchObject({
      sku_code: n.code('X'),
      name: 'A SKU',
      quantity: 1,
      item_type: 'skus',
    });
    const bySku = await addLine(api, id, { quantity: 2 }, { sku: rel('skus', n.sku.X!) });
    expect(bySku.status, JSON.stringify(bySku.body)).toBe(201);
    expect(bySku.body.data.attributes).toMatchObject({ sku_code: n.code('X'), name: 'A SKU', quantity: 2 });
    for (const line of [byCode, bySku]) {
      const sku = await api.get(`/api/line_items/${line.body.data.id}/sku`);
      expect(sku.body.data.id).toBe(n.sku.X);
    }
  });

  it('an unknown sku_code or no SKU at all: 422, nothing written', async () => {
    const n = await network(api, { stock: { X: { A: 5 } } });
    const id = await emptyOrder(api, n);
    const before = await rowCount(t, 'line_items');
    expect422(await addLine(api, id, { sku_code: 'NOPE', quantity: 1 }), '/data/attributes/sku_code', {
      error: 'invalid',
    });
    const none = await addLine(api, id, { quantity: 1 });
    expect(none.status, JSON.stringify(none.body)).toBe(422);
    expect(none.body.errors).toContainEqual(
      expect.objectContaining({ code: 'VALIDATION_ERROR', source: { pointer: '/data/relationships/sku' } }),
    );
    expect(await rowCount(t, 'line_items')).toBe(before);
  });
});

describe('quantity against what the market can sell', () => {
  it(`over availability: 422 on quantity with value and count; count is what the \
locations within the cutoff hold`, async () => {
    // cutoff 2: A and B count (2 + 3), C's 50 units are beyond the cutoff
    const n = await network(api, { cutoff: 2, locations: ['A', 'B', 'C'], stock: { X: { A: 2, B: 3, C: 50 } } });
    const id = await emptyOrder(api, n);
    const res = await addLine(api, id, { sku_code: n.code('X'), quantity: 6 });
    expect422(res, '/data/attributes/quantity', tooMany(6, 5));
    expect(res.body.errors[0].title).toBe('must be less than or equal to 5');
    expect(await lineIds(api, id)).toEqual([]);
    expect((await addLine(api, id, { sku_code: n.code('X'), quantity: 5 })).status).toBe(201);
  });

  it('units held by another order are not for sale; a SKU whose only stock is beyond the cutoff sells 0', async () => {
    const n = await network(api, { cutoff: 1, locations: ['A', 'B'], stock: { X: { A: 10 }, Y: { B: 40 } } });
    await trigger(api, 'orders', await order(api, n, { X: 4 }), '_place');
    const id = await emptyOrder(api, n);
    expect422(
      await addLine(api, id, { sku_code: n.code('X'), quantity: 7 }),
      '/data/attributes/quantity',
      tooMany(7, 6),
    );
    expect422(
      await addLine(api, id, { sku_code: n.code('Y'), quantity: 1 }),
      '/data/attributes/quantity',
      tooMany(1, 0),
    );
  });

  it('two lines of one SKU are checked together, on create and on update', async () => {
    const n = await network(api, { stock: { X: { A: 5 } } });
    const id = await emptyOrder(api, n);
    expect((await addLine(api, id, { sku_code: n.code('X'), quantity: 3 })).status).toBe(201);
    expect422(
      await addLine(api, id, { sku_code: n.code('X'), quantity: 3 }),
      '/data/attributes/quantity',
      tooMany(3, 2),
    );
    const second = await addLine(api, id, { sku_code: n.code('X'), quantity: 2 });
    expect(second.status).toBe(201);
    const [first] = await lineIds(api, id);
    expect422(await patch(api, 'line_items', first!, { quantity: 4 }), '/data/attributes/quantity', tooMany(4, 3));
    expect((await api.get(`/api/line_items/${first}`)).body.data.attributes.quantity).toBe(3);
    expect((await patch(api, 'line_items', first!, { quantity: 2 })).status).toBe(200);
    expect((await trigger(api, 'orders', id, '_place')).status).toBe(200);
  });

  it("a SKU with no stock item in the market's model: 422 naming the SKU", async () => {
    const n = await network(api, { stock: { X: { A: 5 } } });
    const f = factory(api);
    const elsewhere = await f.stockLocation();
    const orphan = await f.sku({}, n.category);
    await f.stockItem(orphan, elsewhere, 100); // stocked, but not in any location of this market's model
    const id = await emptyOrder(api, n);
    const res = await addLine(api, id, { quantity: 1 }, { sku: rel('skus', orphan) });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.errors[0]).toMatchObject({
      code: 'VALIDATION_ERROR',
      source: { pointer: '/data/relationships/sku' },
    });
    expect(await lineIds(api, id)).toEqual([]);
  });

  it('a do_not_track SKU needs no stock at all, and placing takes nothing', async () => {
    const n = await network(api, { stock: { X: { A: 1 } } });
    const f = factory(api);
    const free = await f.sku({ do_not_track: true }, n.category); // no stock item anywhere
    const id = await emptyOrder(api, n);
    const res = await addLine(api, id, { quantity: 500 }, { sku: rel('skus', free) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect((await trigger(api, 'orders', id, '_place')).status).toBe(200);
    expect(await stockLineItemsOf(api, id)).toEqual([expect.objectContaining({ quantity: 500, stock_item: null })]);
    expect(await holdsOf(api, 'orders', id)).toEqual([]);
  });
});

describe("a placed order's line items are frozen", () => {
  it('adding, changing or deleting a line item of a placed order: 422, and nothing changes', async () => {
    const n = await network(api, { stock: { X: { A: 10 }, Y: { A: 10 } } });
    const id = await order(api, n, { X: 2 });
    expect((await trigger(api, 'orders', id, '_place')).status).toBe(200);
    const [line] = await lineIds(api, id);
    const before = {
      line: (await api.get(`/api/line_items/${line}`)).body.data.attributes,
      x: await stockOf(t, n.item['X@A']!),
      y: await stockOf(t, n.item['Y@A']!),
      holds: await holdsOf(api, 'orders', id),
    };
    expect422(await addLine(api, id, { sku_code: n.code('Y'), quantity: 1 }), '/data/relationships/order');
    expect422(await patch(api, 'line_items', line!, { quantity: 3 }), '/data/relationships/order');
    const del = await api.delete(`/api/line_items/${line}`);
    expect(del.status, JSON.stringify(del.body)).toBe(422);
    expect((await api.get(`/api/line_items/${line}`)).body.data.attributes).toEqual(before.line);
    expect(await lineIds(api, id)).toEqual([line]);
    expect(await stockOf(t, n.item['X@A']!)).toEqual(before.x);
    expect(await stockOf(t, n.item['Y@A']!)).toEqual(before.y);
    expect(await holdsOf(api, 'orders', id)).toEqual(before.holds);
  });

  it("an approved or cancelled order's line items are frozen too", async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const approved = await order(api, n, { X: 2 });
    await trigger(api, 'orders', approved, '_place');
    await trigger(api, 'orders', approved, '_approve');
    const cancelled = await order(api, n, { X: 2 });
    await trigger(api, 'orders', cancelled, '_place');
    await trigger(api, 'orders', cancelled, '_cancel');
    for (const id of [approved, cancelled]) {
      const [line] = await lineIds(api, id);
      expect422(await patch(api, 'line_items', line!, { quantity: 1 }), '/data/relationships/order');
      expect((await api.delete(`/api/line_items/${line}`)).status).toBe(422);
      expect422(await addLine(api, id, { sku_code: n.code('X'), quantity: 1 }), '/data/relationships/order');
    }
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 8, reserved: 0 });
  });
});

describe('deleting a draft line item', () => {
  it('releases its draft holds, and only its own', async () => {
    const n = await network(api, { stock: { X: { A: 10 }, Y: { A: 10 } } });
    const id = await order(api, n, { X: 4, Y: 3 }, true);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 4 });
    const [x, y] = await lineIds(api, id);
    const del = await api.delete(`/api/line_items/${x}`);
    expect(del.status, JSON.stringify(del.body)).toBe(204);
    expect((await api.get(`/api/line_items/${x}`)).status).toBe(404);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 0 });
    expect(await stockOf(t, n.item['Y@A']!)).toEqual({ quantity: 10, reserved: 3 });
    expect((await holdsOf(api, 'orders', id)).map((h) => [h.status, h.quantity, h.stock_item])).toEqual([
      ['draft', 3, n.item['Y@A']],
    ]);
    expect(await holdsOf(api, 'line_items', y!)).toHaveLength(1);
    // the freed units are for sale again
    const other = await emptyOrder(api, n);
    expect((await addLine(api, other, { sku_code: n.code('X'), quantity: 10 })).status).toBe(201);
  });
});
