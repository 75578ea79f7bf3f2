import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app';
import { factory } from './helpers/factory';
import { client, doc, type Client, type Res } from './helpers/http';
import { rel } from './helpers/lifecycle';
import { expectClean, network, order, trigger, type Network } from './helpers/orders';

/**
 * scenarios.md "Parallel transfer completion and order placement on the same stock item": ship_from_primary
 * orders whose transfers complete (and whose approval races that completion) while other orders are
 * placed on the transfers' origin and destination. Units are only moved, never created or lost.
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
const total = async (n: Network) => (await t.database.sql`select coalesce(sum(quantity), 0)::int as q from stock_items where sku_id = ${n.sku.X!}`)[0]!.q as number;
const get = async (url: string) => (await api.get(url)).body.data as any[];
const ok = (what: string, r: Res, allowed = [200]) => expect(allowed, `${what}: ${r.status} ${JSON.stringify(r.body)}`).toContain(r.status);
const transfersOf = async (id: string) => (await get(`/api/orders/${id}/stock_transfers`)).filter((x) => !['completed', 'cancelled'].includes(x.attributes.status));

describe('transfer completion racing placements on the same stock items', () => {
  it(`${ROUNDS} rounds: completions, approvals and placements at once; clean invariants; units only moved`, async () => {
    // A (primary of the ship_from_primary market) has little, B a lot; a split_shipments market over B then A shares the same stock items
    const n = await network(api, { strategy: 'ship_from_primary', stock: { X: { A: 2, B: 400 } } });
    const f = factory(api);
    const model2 = await f.inventoryModel({ strategy: 'split_shipments', stock_locations_cutoff: 2 });
    await f.inventoryStockLocation(model2, n.loc.B!, 1);
    await f.inventoryStockLocation(model2, n.loc.A!, 2);
    const n2: Network = { ...n, market: await f.market(model2) };
    const before = await total(n);
    const placed: Array<{ id: string; q: number }> = []; // every order that placed: all end approved
    let waiting: string[] = []; // placed ship_from_primary orders, not yet approved
    let raced = 0; // order transfers completed during a race

    const place = async (net: Network, q: number) => {
      const id = await order(api, net, { X: q });
      const r = await trigger(api, 'orders', id, '_place');
      ok('place', r, [200, 422, 409]); if (r.status === 409) console.log('409 place');
      if (r.status === 200) placed.push({ id, q });
      else if (r.status === 422) expect(r.body.errors[0].meta.error).toBe('out_of_stock');
      return r.status === 200 ? id : null;
    };
    const standalone = async (from: string, to: string, q: number) => {
      const r = await api.post('/api/stock_transfers', doc('stock_transfers', { sku_code: n.code('X'), quantity: q }, {
        origin_stock_location: rel('stock_locations', n.loc[from]!), destination_stock_location: rel('stock_locations', n.loc[to]!),
      }));
      ok('standalone transfer', r, [201]);
      for (const step of ['_upcoming', '_picking']) ok(step, await trigger(api, 'stock_transfers', r.body.data.id, step));
      return r.body.data.id as string;
    };

    for (let round = 0; round < ROUNDS; round++) {
      // prepared one at a time: two approved orders waiting on their transfers, two placed ones whose transfers are already picking
      const approved: string[] = [];
      for (let i = 0; i < 4; i++) {
        const id = (await place(n, 3))!;
        expect(id).not.toBeNull();
        if (i < 2) (ok('_approve', await trigger(api, 'orders', id, '_approve')), approved.push(id));
        else for (const tr of await transfersOf(id)) ok('_picking', await trigger(api, 'stock_transfers', tr.id, '_picking'));
      }
      const racing = placed.slice(-2).map((p) => p.id);
      const moving = await standalone('B', 'A', 2);
      const transfers = (await Promise.all([...approved, ...racing].map(transfersOf))).flat();
      raced += transfers.length;

      const results = await Promise.all([
        ...transfers.map((tr) => trigger(api, 'stock_transfers', tr.id, '_complete').then((r) => ['complete', r] as const)),
        trigger(api, 'stock_transfers', moving, '_complete').then((r) => ['complete standalone', r] as const),
        // approval racing the completion of the order's own transfer
        ...racing.map((id) => trigger(api, 'orders', id, '_approve').then((r) => ['approve', r] as const)),
        // last round's waiting orders approved meanwhile; new orders placed on A (destination) and B (origin)
        ...waiting.map((id) => trigger(api, 'orders', id, '_approve').then((r) => ['approve waiting', r] as const)),
        ...[1, 2, 3].map(() => place(n, 2).then((id) => ['place sfp', { status: 200, body: id, headers: {} }] as const)),
        ...[1, 2, 3].map(() => place(n2, 4).then((id) => ['place split', { status: 200, body: id, headers: {} }] as const)),
      ]);
      for (const [what, r] of results) if ((r as Res).status !== 200) console.log('RACE', what, (r as Res).status, JSON.stringify((r as Res).body));
      const fresh = results.filter(([w, r]) => w === 'place sfp' && r.body).map(([, r]) => r.body as string);
      // the waiting orders' transfers complete next round; split orders are approved at once
      for (const id of waiting) for (const tr of await transfersOf(id)) ok('_complete waiting', await trigger(api, 'stock_transfers', tr.id, '_complete'));
      waiting = fresh;
      for (const [w, r] of results) if (w === 'place split' && r.body) ok('_approve split', await trigger(api, 'orders', r.body as string, '_approve'));
      await new Promise((r) => setTimeout(r, 1200)); console.log('ROUND', round, JSON.stringify(await t.database.sql`select deadlocks, conflicts, xact_rollback from pg_stat_database where datname = current_database()`));
      expect(await t.database.sql`select 1 from stock_items where quantity < reserved_quantity or quantity < 0`).toHaveLength(0);
    }
    for (const id of waiting) {
      ok('_approve', await trigger(api, 'orders', id, '_approve'));
      for (const tr of await transfersOf(id)) ok('_complete', await trigger(api, 'stock_transfers', tr.id, '_complete'));
    }

    console.log('DEADLOCKS', await t.database.sql`select deadlocks, conflicts from pg_stat_database where datname = current_database()`);
    // every order approved, every transfer done: each order decremented exactly what it asked for, and holds nothing
    const ordered = placed.reduce((s, p) => s + p.q, 0);
    for (const p of placed) {
      const [o] = [(await api.get(`/api/orders/${p.id}`)).body.data];
      expect(o.attributes.status).toBe('approved');
      expect(await transfersOf(p.id)).toEqual([]);
      const slis = await get(`/api/orders/${p.id}/stock_line_items?page[size]=25`);
      expect(slis.reduce((s, x) => s + x.attributes.quantity, 0), `order ${p.id}`).toBe(p.q);
      expect(await get(`/api/orders/${p.id}/stock_reservations`), `order ${p.id} still holds stock`).toEqual([]);
      for (const s of await get(`/api/orders/${p.id}/shipments`)) expect(s.attributes.status, `shipment of ${p.id}`).toBe('picking');
    }
    expect(placed.length).toBeGreaterThan(ROUNDS * 4);
    expect(raced).toBeGreaterThanOrEqual(ROUNDS * 3);
    expect(await total(n)).toBe(before - ordered); // moved, never created or lost
    expect(await t.database.sql`select 1 from stock_reservations`).toHaveLength(0);
  }, 120_000);
});
