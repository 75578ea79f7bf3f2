import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app';
import { factory } from './helpers/factory';
import { type Client, client, doc, type Res } from './helpers/http';
import { patch, rel } from './helpers/lifecycle';
import { expectClean, type Network, network, order, trigger } from './helpers/orders';

/**
 * Parallel transfer completion and order placement on the same stock item (docs/reservations.md#no-oversell,
 * docs/transfers-and-returns.md#completion): stock transfers complete while orders are placed on their
 * origin and destination, and while their own order is approved. Several rounds of Promise.all;
 * afterwards the invariants are clean and units were only moved: total before (+ restocked) = total
 * after + what the approved orders decremented.
 */
let t: TestApp;
let api: Client;

beforeAll(async () => {
  t = await createTestApp();
  api = client(t.app, t.tokens.admin);
});
afterEach(() => expectClean(t));
afterAll(() => t.close());

const ROUNDS = 5;
const get = async (url: string) => (await api.get(url)).body.data;
const total = async (n: Network) =>
  (await t.database.sql`select coalesce(sum(quantity), 0)::int as q from stock_items where sku_id = ${n.sku.X!}`)[0]!
    .q as number;
const openTransfers = async (id: string) =>
  ((await get(`/api/orders/${id}/stock_transfers`)) as any[])
    .filter((x) => !['completed', 'cancelled'].includes(x.attributes.status))
    .map((x) => x.id as string);

/** Statuses outside `allowed` are collected (not thrown) so every round still ends with nothing left open. */
function recorder() {
  const unexpected: string[] = [];
  return {
    unexpected,
    check: (what: string, r: Res, allowed = [200]) => {
      if (allowed.includes(r.status)) return true;
      unexpected.push(`${what}: ${r.status} ${JSON.stringify(r.body.errors?.[0] ?? r.body)}`);
      return false;
    },
  };
}

/**
 * Every order placed and approved, every transfer through: each took exactly its units and holds
 * nothing; its shipments are picked.
 */
async function expectSettled(orders: Array<{ id: string; q: number }>) {
  for (const o of orders) {
    expect((await get(`/api/orders/${o.id}`)).attributes.status).toBe('approved');
    expect(await openTransfers(o.id)).toEqual([]);
    const slis = (await get(`/api/orders/${o.id}/stock_line_items?page[size]=25`)) as any[];
    expect(
      slis.reduce((s, x) => s + x.attributes.quantity, 0),
      `stock line items of order ${o.id}`,
    ).toBe(o.q);
    const holds = (await get(`/api/orders/${o.id}/stock_reservations`)) as any[];
    expect(
      holds.map((h) => h.attributes),
      `approved order ${o.id} still holds stock`,
    ).toEqual([]);
    for (const s of await get(`/api/orders/${o.id}/shipments`))
      expect(s.attributes.status, `shipment of order ${o.id}`).toBe('picking');
  }
}

describe('transfer completion racing placements on the same stock items', () => {
  it(`${ROUNDS} rounds: order and standalone transfers complete (both directions) while orders are placed \
on origin and destination`, async () => {
    // A is the ship_from_primary market's primary and has little; a split_shipments market walks B
    // then A over the same stock items
    const n = await network(api, { strategy: 'ship_from_primary', stock: { X: { A: 2, B: 400 } } });
    const f = factory(api);
    const model2 = await f.inventoryModel({ strategy: 'split_shipments', stock_locations_cutoff: 2 });
    await f.inventoryStockLocation(model2, n.loc.B!, 1);
    await f.inventoryStockLocation(model2, n.loc.A!, 2);
    const n2: Network = { ...n, market: await f.market(model2) };
    const before = await total(n);
    const { unexpected, check } = recorder();
    const placed: Array<{ id: string; q: number }> = [];
    let restocked = 0;
    let raced = 0;

    const place = async (net: Network, q: number): Promise<string | null> => {
      const id = await order(api, net, { X: q });
      const r = await trigger(api, 'orders', id, '_place');
      if (r.status === 422 && r.body.errors[0].meta.error === 'out_of_stock') return null;
      if (!check('_place', r)) return null;
      placed.push({ id, q });
      return id;
    };
    const standalone = async (from: string, to: string, q: number) => {
      const r = await api.post(
        '/api/stock_transfers',
        doc(
          'stock_transfers',
          { sku_code: n.code('X'), quantity: q },
          {
            origin_stock_location: rel('stock_locations', n.loc[from]!),
            destination_stock_location: rel('stock_locations', n.loc[to]!),
          },
        ),
      );
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      for (const step of ['_upcoming', '_picking'])
        expect((await trigger(api, 'stock_transfers', r.body.data.id, step)).status).toBe(200);
      return r.body.data.id as string;
    };
    const complete = async (id: string, what: string) =>
      check(what, await trigger(api, 'stock_transfers', id, '_complete'));

    for (let round = 0; round < ROUNDS; round++) {
      // prepared one at a time: A restocked by 3; A→B ×1 and B→A ×2 standalone; four approved
      // orders X×3 waiting on transfers B→A
      const a = (await get(`/api/stock_items/${n.item['X@A']}`)).attributes.quantity as number;
      expect((await patch(api, 'stock_items', n.item['X@A']!, { quantity: a + 3 })).status).toBe(200);
      restocked += 3;
      const moving = [await standalone('A', 'B', 1), await standalone('B', 'A', 2)];
      const ready: string[] = [];
      for (let i = 0; i < 4; i++) {
        const id = await place(n, 3);
        expect(id, `prepared order: ${unexpected.join('; ')}`).not.toBeNull();
        expect((await trigger(api, 'orders', id!, '_approve')).status).toBe(200);
        ready.push(...(await openTransfers(id!)));
      }
      raced += ready.length;

      const fresh = await Promise.all([
        ...ready.map((tr) => complete(tr, `round ${round}: _complete order transfer`).then(() => null)),
        ...moving.map((tr) => complete(tr, `round ${round}: _complete standalone transfer`).then(() => null)),
        ...[1, 2, 3].map(() => place(n, 2)), // ship_from_primary: holds on A, transfers holding B
        ...[1, 2, 3].map(() => place(n2, 4)), // split_shipments: holds on B (then A)
      ]);
      // nothing left open for the next round: what the race refused is done now, one at a time
      for (const tr of [...ready, ...moving])
        if ((await get(`/api/stock_transfers/${tr}`)).attributes.status !== 'completed')
          await complete(tr, 'retry _complete');
      for (const id of fresh.filter((x): x is string => !!x)) {
        check('_approve', await trigger(api, 'orders', id, '_approve'));
        for (const tr of await openTransfers(id)) await complete(tr, '_complete');
      }
    }

    expect(unexpected, 'requests refused during the races').toEqual([]);
    expect(raced).toBeGreaterThanOrEqual(ROUNDS * 3);
    await expectSettled(placed);
    // moved, never created or lost
    expect(await total(n)).toBe(before + restocked - placed.reduce((s, p) => s + p.q, 0));
    expect(
      await t.database.sql`select 1 from stock_reservations r join stock_items si on si.id = r.stock_item_id
          where si.sku_id = ${n.sku.X!}`,
    ).toHaveLength(0);
  }, 120_000);

  it(`${ROUNDS} rounds: each order's approval races the completion of its own transfer`, async () => {
    const n = await network(api, { strategy: 'ship_from_primary', stock: { X: { A: 1, B: 200 } } });
    const before = await total(n);
    const { unexpected, check } = recorder();
    const placed: Array<{ id: string; q: number }> = [];
    for (let round = 0; round < ROUNDS; round++) {
      const pairs: Array<[string, string]> = [];
      for (let i = 0; i < 4; i++) {
        const id = await order(api, n, { X: 2 });
        expect((await trigger(api, 'orders', id, '_place')).status).toBe(200);
        placed.push({ id, q: 2 });
        for (const tr of await openTransfers(id)) {
          // ready before fulfilment starts
          expect((await trigger(api, 'stock_transfers', tr, '_picking')).status).toBe(200);
          pairs.push([id, tr]);
        }
      }
      await Promise.all(
        pairs.flatMap(([id, tr]) => [
          trigger(api, 'orders', id, '_approve').then((r) => check(`round ${round}: _approve`, r)),
          trigger(api, 'stock_transfers', tr, '_complete').then((r) => check(`round ${round}: _complete`, r)),
        ]),
      );
    }
    expect(unexpected, 'requests refused during the races').toEqual([]);
    await expectSettled(placed);
    expect(await total(n)).toBe(before - placed.reduce((s, p) => s + p.q, 0));
  }, 120_000);
});
