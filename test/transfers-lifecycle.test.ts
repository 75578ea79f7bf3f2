import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TRANSFER as TRANSFER_TRANSITIONS } from '../src/inventory/state-machine';
import { checkInvariants } from '../src/services/check';
import { createTestApp, type TestApp } from './helpers/app';
import { expectLocked, rowCount } from './helpers/expect';
import { type Client, client, doc } from './helpers/http';
import { expect422, patch, rel } from './helpers/lifecycle';
import { expectClean, type Network, network, order, stockOf, trigger } from './helpers/orders';

/** docs/transfers-and-returns.md: the stock transfer state machine, standalone and order transfers, over HTTP. */
let t: TestApp;
let api: Client;

beforeAll(async () => {
  t = await createTestApp();
  api = client(t.app, t.tokens.admin);
});
afterEach(() => expectClean(t));
afterAll(() => t.close());

const OPEN = ['draft', 'upcoming', 'on_hold', 'picking', 'in_transit'];
const ALL = [...OPEN, 'completed', 'cancelled'];
const STAMPS = ['on_hold_at', 'picking_at', 'in_transit_at', 'completed_at', 'cancelled_at'];
/**
 * docs/transfers-and-returns.md#transfer-states, written out independently of
 * src/inventory/state-machine.ts: [trigger, from, to, timestamp].
 */
const EDGES: Array<[string, string, string, string | null]> = [
  ['_upcoming', 'draft', 'upcoming', null],
  ['_on_hold', 'upcoming', 'on_hold', 'on_hold_at'],
  ['_picking', 'upcoming', 'picking', 'picking_at'],
  ['_picking', 'on_hold', 'picking', 'picking_at'],
  ['_in_transit', 'picking', 'in_transit', 'in_transit_at'],
  ['_complete', 'picking', 'completed', 'completed_at'],
  ['_complete', 'in_transit', 'completed', 'completed_at'],
  ...OPEN.map((s) => ['_cancel', s, 'cancelled', 'cancelled_at'] as [string, string, string, string]),
];
const TRIGGERS = [...new Set(EDGES.map((e) => e[0]))];
const TARGET = Object.fromEntries(EDGES.map(([tr, , to]) => [tr, to]));
/** How a standalone transfer gets from draft to each status. */
const PATH: Record<string, string[]> = {
  draft: [],
  upcoming: ['_upcoming'],
  on_hold: ['_upcoming', '_on_hold'],
  picking: ['_upcoming', '_picking'],
  in_transit: ['_upcoming', '_picking', '_in_transit'],
  completed: ['_upcoming', '_picking', '_complete'],
  cancelled: ['_cancel'],
};

const locs = (n: Network, from: string, to: string) => ({
  origin_stock_location: rel('stock_locations', n.loc[from]!),
  destination_stock_location: rel('stock_locations', n.loc[to]!),
});
const post = (
  n: Network,
  quantity: number,
  from = 'A',
  to = 'B',
  attrs: Record<string, unknown> = { sku_code: n.code('X') },
  extra: Record<string, unknown> = {},
) =>
  api.post('/api/stock_transfers', doc('stock_transfers', { quantity, ...attrs }, { ...locs(n, from, to), ...extra }));
async function transfer(n: Network, quantity: number, status = 'draft', from = 'A', to = 'B'): Promise<string> {
  const res = await post(n, quantity, from, to);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  for (const step of PATH[status]!)
    expect((await trigger(api, 'stock_transfers', res.body.data.id, step)).status).toBe(200);
  return res.body.data.id;
}
const get = async (url: string) => (await api.get(url)).body.data;
/** A transfer's attributes but updated_at (a harmless repeat may touch it). */
const attrsOf = async (id: string) => ({
  ...(await get(`/api/stock_transfers/${id}`)).attributes,
  updated_at: undefined,
});
/** X's stock at each location over HTTP: quantity and `reserved_stock.quantity` (null: no stock item). */
const stockAt = async (n: Network, ...ls: string[]) =>
  Promise.all(
    ls.map(async (l) => {
      const i = (await get(`/api/stock_locations/${n.loc[l]}/stock_items`)).find(
        (i: any) => i.attributes.sku_code === n.code('X'),
      );
      return i
        ? { q: i.attributes.quantity, r: (await get(`/api/stock_items/${i.id}/reserved_stock`)).attributes.quantity }
        : null;
    }),
  );

describe('state machine (docs/transfers-and-returns.md#transfer-states)', () => {
  let n: Network;
  beforeAll(async () => {
    n = await network(api, { locations: ['A', 'B'], stock: { X: { A: 1000, B: 0 } } });
  });

  it('the spec table is the one the server applies', () => {
    const code = Object.entries(TRANSFER_TRANSITIONS).flatMap(([tr, e]) =>
      e.from.map((f) => [tr, f, e.to, e.stamp ?? null]),
    );
    expect(code.map((e) => e.join(' ')).sort()).toEqual(EDGES.map((e) => e.join(' ')).sort());
  });

  it.each(EDGES)('%s from %s → 200, %s, %s set; stock follows', async (tr, from, to, stamp) => {
    const id = await transfer(n, 2, from);
    const before = await attrsOf(id);
    const stock = await stockAt(n, 'A', 'B');
    const res = await trigger(api, 'stock_transfers', id, tr);
    expect([res.status, res.body.data?.attributes.status], JSON.stringify(res.body)).toEqual([200, to]);
    const after = await attrsOf(id);
    expect(after.status).toBe(to);
    if (stamp) expect(Date.parse(after[stamp])).toBeGreaterThan(Date.now() - 60_000);
    for (const s of STAMPS.filter((s) => s !== stamp)) expect(after[s]).toEqual(before[s]);
    const [a, b] = stock as [{ q: number; r: number }, { q: number; r: number }];
    const want =
      to === 'completed'
        ? [
            { q: a.q - 2, r: a.r - 2 },
            { q: b.q + 2, r: b.r },
          ]
        : to === 'cancelled' && from !== 'draft'
          ? [{ ...a, r: a.r - 2 }, b]
          : to === 'upcoming' // a draft holds nothing: the hold is taken here
            ? [{ ...a, r: a.r + 2 }, b]
            : [a, b];
    expect(await stockAt(n, 'A', 'B')).toEqual(want);
  });

  it.each(ALL)(
    'from %s: every other trigger is a 422 on it (or a harmless repeat), and nothing changes',
    async (status) => {
      const id = await transfer(n, 1, status);
      for (const tr of TRIGGERS) {
        if (EDGES.some(([e, f]) => e === tr && f === status)) continue;
        const before = [await attrsOf(id), await stockAt(n, 'A', 'B')];
        const res = await trigger(api, 'stock_transfers', id, tr);
        if (TARGET[tr] === status)
          expect(res.status, `${tr} repeated on ${status}: ${JSON.stringify(res.body)}`).toBe(200);
        else expect422(res, `/data/attributes/${tr}`, { error: 'invalid_transition' });
        expect([await attrsOf(id), await stockAt(n, 'A', 'B')], `${tr} on ${status}`).toEqual(before);
      }
    },
  );
});

describe('standalone transfers (docs/transfers-and-returns.md#standalone-transfers)', () => {
  it('created with the sku relationship or with sku_code; neither is a 422', async () => {
    const n = await network(api, { locations: ['A', 'B'], stock: { X: { A: 10 } } });
    const bySku = await post(n, 1, 'A', 'B', {}, { sku: rel('skus', n.sku.X!) });
    expect(bySku.status, JSON.stringify(bySku.body)).toBe(201);
    expect(bySku.body.data.attributes).toMatchObject({ sku_code: n.code('X'), status: 'draft', quantity: 1 });
    const byCode = await post(n, 2);
    expect(byCode.status, JSON.stringify(byCode.body)).toBe(201);
    for (const r of [bySku, byCode]) expect((await get(`/api/stock_transfers/${r.body.data.id}/sku`)).id).toBe(n.sku.X);
    expect(await stockAt(n, 'A')).toEqual([{ q: 10, r: 0 }]); // drafts hold nothing
    for (const attrs of [{}, { sku_code: 'NOPE' }]) expect((await post(n, 1, 'A', 'B', attrs)).status).toBe(422);
  });

  it('a draft holds nothing and is not checked against stock; _upcoming takes the hold or is refused and \
stays draft', async () => {
    const n = await network(api, { locations: ['A', 'B', 'C'], stock: { X: { A: 4, B: 0 } } });
    await transfer(n, 3, 'upcoming');
    const [noItem, tooMany] = [await transfer(n, 1, 'draft', 'C', 'A'), await transfer(n, 2)];
    expect(await stockAt(n, 'A', 'B')).toEqual([
      { q: 4, r: 3 },
      { q: 0, r: 0 },
    ]);
    expect(await get(`/api/stock_transfers/${tooMany}/stock_reservation`)).toBeNull();
    expect422(await trigger(api, 'stock_transfers', noItem, '_upcoming'), '/data/relationships/origin_stock_location');
    // 4 on hand, 3 held
    expect422(await trigger(api, 'stock_transfers', tooMany, '_upcoming'), '/data/attributes/quantity');
    for (const id of [noItem, tooMany]) expect((await attrsOf(id)).status).toBe('draft');
    expect(await stockAt(n, 'A', 'B')).toEqual([
      { q: 4, r: 3 },
      { q: 0, r: 0 },
    ]);
    expect((await patch(api, 'stock_transfers', tooMany, { quantity: 1 })).status).toBe(200); // exactly what is left
    expect((await trigger(api, 'stock_transfers', tooMany, '_upcoming')).status).toBe(200);
    expect(await stockAt(n, 'A')).toEqual([{ q: 4, r: 4 }]);
    expect(await get(`/api/stock_transfers/${tooMany}/stock_reservation`)).toMatchObject({
      attributes: { quantity: 1, status: 'pending' },
    });
  });

  it(`same origin and destination: 422 on destination_stock_location, on create and \
on update, nothing written`, async () => {
    const n = await network(api, { locations: ['A', 'B'], stock: { X: { A: 4 } } });
    const id = await transfer(n, 1);
    const rows = await rowCount(t, 'stock_transfers');
    const created = await post(n, 1, 'A', 'A');
    const moved = await patch(
      api,
      'stock_transfers',
      id,
      {},
      { destination_stock_location: rel('stock_locations', n.loc.A!) },
    );
    expect(await rowCount(t, 'stock_transfers')).toBe(rows);
    expect((await get(`/api/stock_transfers/${id}/destination_stock_location`)).id).toBe(n.loc.B);
    expect(await stockAt(n, 'A')).toEqual([{ q: 4, r: 0 }]);
    expect422(created, '/data/relationships/destination_stock_location', { error: 'invalid' });
    expect422(moved, '/data/relationships/destination_stock_location', { error: 'invalid' });
  });

  it('quantity updatable while open: a draft holds nothing, later the hold is rebuilt (reserved_stock follows), \
never past availability, never once closed', async () => {
    const n = await network(api, { locations: ['A', 'B'], stock: { X: { A: 10 } } });
    const other = await transfer(n, 2, 'upcoming');
    const id = await transfer(n, 3);
    expect(await stockAt(n, 'A')).toEqual([{ q: 10, r: 2 }]);
    expect((await patch(api, 'stock_transfers', id, { quantity: 50 })).status).toBe(200); // a draft: nothing to hold
    expect(await stockAt(n, 'A')).toEqual([{ q: 10, r: 2 }]);
    expect(await get(`/api/stock_transfers/${id}/stock_reservation`)).toBeNull();
    expect((await patch(api, 'stock_transfers', id, { quantity: 5 })).status).toBe(200);
    for (const [step, q] of [
      ['_upcoming', 4],
      ['_on_hold', 8],
      ['_picking', 1],
      ['_in_transit', 6],
    ] as const) {
      expect((await trigger(api, 'stock_transfers', id, step)).status).toBe(200);
      const res = await patch(api, 'stock_transfers', id, { quantity: q });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data.attributes.quantity).toBe(q);
      expect(await stockAt(n, 'A')).toEqual([{ q: 10, r: 2 + q }]);
      expect(await get(`/api/stock_transfers/${id}/stock_reservation`)).toMatchObject({ attributes: { quantity: q } });
    }
    // 10 − 2 held by the other
    expect422(await patch(api, 'stock_transfers', id, { quantity: 9 }), '/data/attributes/quantity');
    expect((await attrsOf(id)).quantity).toBe(6);
    expect(await stockAt(n, 'A')).toEqual([{ q: 10, r: 8 }]);
    expect((await patch(api, 'stock_transfers', id, { quantity: 8 })).status).toBe(200); // exactly the rest
    expect((await trigger(api, 'stock_transfers', id, '_complete')).status).toBe(200);
    expect(await stockAt(n, 'A', 'B')).toEqual([
      { q: 2, r: 2 },
      { q: 8, r: 0 },
    ]);
    expect((await trigger(api, 'stock_transfers', other, '_cancel')).status).toBe(200);
    for (const closed of [id, other]) {
      expect((await patch(api, 'stock_transfers', closed, { quantity: 1 })).status).toBe(422);
      expect((await attrsOf(closed)).quantity).toBe(closed === id ? 8 : 2);
    }
    expect(await stockAt(n, 'A', 'B')).toEqual([
      { q: 2, r: 0 },
      { q: 8, r: 0 },
    ]);
  });

  it(`delete releases the hold; completing into a location without a stock item \
creates it (then upserts)`, async () => {
    const n = await network(api, { locations: ['A', 'B', 'C'], stock: { X: { A: 10 } } });
    const gone = await transfer(n, 4, 'upcoming');
    expect(await stockAt(n, 'A')).toEqual([{ q: 10, r: 4 }]);
    expect((await api.delete(`/api/stock_transfers/${gone}`)).status).toBe(204);
    expect((await api.get(`/api/stock_transfers/${gone}`)).status).toBe(404);
    expect(await stockAt(n, 'A', 'C')).toEqual([{ q: 10, r: 0 }, null]);
    await transfer(n, 3, 'completed', 'A', 'C');
    expect(await stockAt(n, 'A', 'C')).toEqual([
      { q: 7, r: 0 },
      { q: 3, r: 0 },
    ]);
    await transfer(n, 2, 'completed', 'A', 'C');
    expect(await stockAt(n, 'A', 'C')).toEqual([
      { q: 5, r: 0 },
      { q: 5, r: 0 },
    ]);
    await transfer(n, 5, 'picking', 'C', 'B'); // the new stock item is a working origin
    expect(await stockAt(n, 'C')).toEqual([{ q: 5, r: 5 }]);
  });
});

describe('order transfers (ship_from_primary)', () => {
  const placed = async (n: Network, lines: Record<string, number>) => {
    const id = await order(api, n, lines);
    expect((await trigger(api, 'orders', id, '_place')).status).toBe(200);
    return id;
  };
  const transfersOf = async (id: string) => (await get(`/api/orders/${id}/stock_transfers?sort=number`)) as any[];

  it('cannot be resized, moved or deleted (the order decides them); _cancel releases the origin hold', async () => {
    const n = await network(api, { strategy: 'ship_from_primary', stock: { X: { A: 1, B: 5 } } });
    const id = await placed(n, { X: 3 });
    const [tr] = await transfersOf(id);
    expect(tr.attributes).toMatchObject({ status: 'upcoming', quantity: 2 });
    expect422(await patch(api, 'stock_transfers', tr.id, { quantity: 1 }), '/data/relationships/shipment');
    expect422(await patch(api, 'stock_transfers', tr.id, {}, locs(n, 'A', 'B')), '/data/relationships/shipment');
    expectLocked(await api.delete(`/api/stock_transfers/${tr.id}`));
    expect((await attrsOf(tr.id)).quantity).toBe(2);
    expect(await stockOf(t, n.item['X@B']!)).toEqual({ quantity: 5, reserved: 2 });
    expect((await trigger(api, 'stock_transfers', tr.id, '_cancel')).status).toBe(200);
    expect(await stockOf(t, n.item['X@B']!)).toEqual({ quantity: 5, reserved: 0 });
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 1, reserved: 1 });
  });

  it(`an order waiting on its transfer passes the invariant check (the origin hold \
belongs to the transfer)`, async () => {
    const n = await network(api, { strategy: 'ship_from_primary', stock: { X: { A: 1, B: 5 } } });
    const id = await placed(n, { X: 3 });
    const drift = [await checkInvariants(t.database.sql)];
    await trigger(api, 'orders', id, '_approve');
    drift.push(await checkInvariants(t.database.sql));
    await trigger(api, 'orders', id, '_cancel'); // nothing left behind for the next tests
    expect(drift).toEqual([[], []]);
  });

  it(`a waiting shipment leaves on_hold only once no transfer is open, and never \
from an on-hold location`, async () => {
    for (const onHold of [[], ['A']]) {
      const n = await network(api, {
        strategy: 'ship_from_primary',
        cutoff: 3,
        onHold,
        stock: { X: { A: 1, B: 2, C: 5 } },
      });
      const id = await placed(n, { X: 5 });
      const [t1, t2] = await transfersOf(id);
      expect([t1, t2].map((x) => `${x.attributes.quantity}`)).toEqual(['2', '2']);
      expect((await trigger(api, 'orders', id, '_approve')).status).toBe(200);
      const [s] = await get(`/api/orders/${id}/shipments`);
      expect(s.attributes.status).toBe('on_hold');
      expect((await trigger(api, 'stock_transfers', t1.id, '_cancel')).status).toBe(200);
      expect(await stockOf(t, n.item['X@B']!)).toEqual({ quantity: 2, reserved: 0 });
      expect((await get(`/api/shipments/${s.id}`)).attributes.status).toBe('on_hold'); // t2 still open
      expect((await trigger(api, 'stock_transfers', t2.id, '_complete')).status).toBe(200);
      expect(await stockOf(t, n.item['X@C']!)).toEqual({ quantity: 3, reserved: 0 });
      expect((await get(`/api/shipments/${s.id}`)).attributes.status).toBe(onHold.length ? 'on_hold' : 'picking');
    }
  });
});

describe('ship_from_first_available_or_primary over HTTP', () => {
  it(`no location covers the order: the primary ships, transfers bring the rest; one covers: it \
ships alone, no transfer`, async () => {
    const n = await network(api, {
      strategy: 'ship_from_first_available_or_primary',
      stock: { X: { A: 3, B: 10 }, Y: { A: 2, B: 0 } },
    });
    const id = await order(api, n, { X: 5, Y: 2 });
    expect((await trigger(api, 'orders', id, '_place')).status).toBe(200);
    const [s] = await get(`/api/orders/${id}/shipments`);
    expect((await get(`/api/shipments/${s.id}/stock_location`)).id).toBe(n.loc.A);
    const trs = await get(`/api/orders/${id}/stock_transfers`);
    expect(trs.map((x: any) => [x.attributes.sku_code, x.attributes.quantity, x.attributes.status])).toEqual([
      [n.code('X'), 2, 'upcoming'],
    ]);
    expect((await get(`/api/stock_transfers/${trs[0].id}/origin_stock_location`)).id).toBe(n.loc.B);
    expect((await get(`/api/stock_transfers/${trs[0].id}/destination_stock_location`)).id).toBe(n.loc.A);
    expect((await get(`/api/stock_transfers/${trs[0].id}/shipment`)).id).toBe(s.id);
    expect((await get(`/api/stock_transfers/${trs[0].id}/line_item`)).attributes.sku_code).toBe(n.code('X'));
    expect([await stockOf(t, n.item['X@A']!), await stockOf(t, n.item['X@B']!)]).toEqual([
      { quantity: 3, reserved: 3 },
      { quantity: 10, reserved: 2 },
    ]);
    // through to the end: approval decrements what A had, the transfer arrives and is decremented too
    expect((await trigger(api, 'orders', id, '_approve')).status).toBe(200);
    for (const step of ['_in_transit', '_complete'])
      expect((await trigger(api, 'stock_transfers', trs[0].id, step)).status).toBe(200);
    expect([
      await stockOf(t, n.item['X@A']!),
      await stockOf(t, n.item['X@B']!),
      await stockOf(t, n.item['Y@A']!),
    ]).toEqual([
      { quantity: 0, reserved: 0 },
      { quantity: 8, reserved: 0 },
      { quantity: 0, reserved: 0 },
    ]);
    expect((await get(`/api/shipments/${s.id}`)).attributes.status).toBe('picking');

    const m = await network(api, {
      strategy: 'ship_from_first_available_or_primary',
      stock: { X: { A: 3, B: 10 }, Y: { A: 2, B: 2 } },
    });
    const id2 = await order(api, m, { X: 5, Y: 2 });
    expect((await trigger(api, 'orders', id2, '_place')).status).toBe(200);
    const ships = await get(`/api/orders/${id2}/shipments`);
    expect(ships).toHaveLength(1);
    expect((await get(`/api/shipments/${ships[0].id}/stock_location`)).id).toBe(m.loc.B);
    expect(await get(`/api/orders/${id2}/stock_transfers`)).toEqual([]);
    expect([
      await stockOf(t, m.item['X@A']!),
      await stockOf(t, m.item['X@B']!),
      await stockOf(t, m.item['Y@B']!),
    ]).toEqual([
      { quantity: 3, reserved: 0 },
      { quantity: 10, reserved: 5 },
      { quantity: 2, reserved: 2 },
    ]);
  });
});
