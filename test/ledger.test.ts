import { describe, expect, it } from 'vitest';
import { checkInvariants } from '../src/services/check';
import type { TestApp } from './helpers/app';
import { type Client, doc } from './helpers/http';
import { expectClean, network, order, trigger } from './helpers/orders';
import { useTestApp } from './helpers/use-app';

/** The stock ledger: one movement per change, the right sign, none when nothing changes, and replay = counters. */
let t: TestApp;
let api: Client;
useTestApp({}, (s) => ({ t, api } = s));

/** Movements with the application behind them: the version written by the same transaction says who. */
const movements = async (item: string) =>
  (
    await t.database.sql`select m.quantity_delta as q, m.reserved_delta as r, m.reason, (select v.who from versions v
        where v.txid = m.txid limit 1) as who
      from stock_movements m where m.stock_item_id = ${item} order by m.id`
  ).map((m) => ({ q: m.q, r: m.r, reason: m.reason, app: (m.who as any)?.application?.id ?? null }));

describe('stock ledger', () => {
  it('records creation, holds, approval and restock with signs and reasons; no movement when unchanged', async () => {
    const n = await network(api, { strategy: 'no_split', stock: { X: { A: 10 } } });
    const item = n.item['X@A']!;
    // unchanged: no movement
    await api.patch(`/api/stock_items/${item}`, doc('stock_items', { quantity: 10 }, {}, item));
    const id = await order(api, n, { X: 3 });
    await trigger(api, 'orders', id, '_place');
    await trigger(api, 'orders', id, '_approve');
    await trigger(api, 'orders', id, '_approve'); // repeat: nothing
    await trigger(api, 'orders', id, '_cancel');
    const m = await movements(item);
    expect(m.map(({ q, r, reason }) => [q, r, reason])).toEqual([
      [10, 0, 'created'],
      [0, 3, 'reserved'],
      [-3, -3, 'decremented'],
      [3, 0, 'incremented'],
    ]);
    expect(new Set(m.map((x) => x.app)).size).toBe(1); // every movement names the application behind it
    expect(m[0]!.app).not.toBeNull();
    await expectClean(t);
  });

  it('a transfer leaves transfer_out and transfer_in movements; drift in a counter is reported', async () => {
    const n = await network(api, { strategy: 'ship_from_primary', stock: { X: { A: 0, B: 5 } } });
    const id = await order(api, n, { X: 2 });
    await trigger(api, 'orders', id, '_place');
    const [tr] = (await api.get(`/api/orders/${id}/stock_transfers`)).body.data;
    for (const s of ['_picking', '_in_transit', '_complete'])
      expect((await trigger(api, 'stock_transfers', tr.id, s)).status).toBe(200);
    expect((await movements(n.item['X@B']!)).map((x) => x.reason)).toContain(`transfer_out ${tr.id}`);
    expect((await movements(n.item['X@A']!)).map((x) => x.reason)).toContain(`transfer_in ${tr.id}`);
    await expectClean(t);
    // a write that bypasses the ledger is caught by the check
    await t.database.sql`alter table stock_items disable trigger stock_items_ledger`;
    await t.database.sql`update stock_items set quantity = quantity + 1 where id = ${n.item['X@B']!}`;
    await t.database.sql`alter table stock_items enable trigger stock_items_ledger`;
    expect((await checkInvariants(t.database.sql)).map((d) => d.kind)).toEqual(['ledger_drift']);
    await t.database.sql`alter table stock_items disable trigger stock_items_ledger`;
    await t.database.sql`update stock_items set quantity = quantity - 1 where id = ${n.item['X@B']!}`;
    await t.database.sql`alter table stock_items enable trigger stock_items_ledger`;
    await expectClean(t);
  });

  it('SQL typed by hand: one movement per changed row of a multi-row statement, none for unchanged rows', async () => {
    const n = await network(api, { strategy: 'no_split', stock: { X: { A: 5, B: 7 }, Y: { A: 0 } } });
    const [a, b, y] = [n.item['X@A']!, n.item['X@B']!, n.item['Y@A']!];
    const sql = t.database.sql;
    await sql`update stock_items set quantity = quantity + 2 where id in (${a}, ${b})`;
    await sql`update stock_items set quantity = quantity where id in (${a}, ${b}, ${y})`; // nothing moves
    await sql`update stock_items set reserved_quantity = 1 where id in (${a}, ${y})`.catch(() => {}); // y: CHECK
    await sql`update stock_items set reserved_quantity = 1 where id = ${a}`;
    await sql`update stock_items set quantity = quantity - 1, reserved_quantity = reserved_quantity - 1
      where id = ${a}`;
    const reasons = (m: Awaited<ReturnType<typeof movements>>) => m.map(({ q, r, reason }) => [q, r, reason]);
    expect(reasons(await movements(a))).toEqual([
      [5, 0, 'created'],
      [2, 0, 'incremented'],
      [0, 1, 'reserved'],
      [-1, -1, 'decremented'],
    ]);
    expect(reasons(await movements(b))).toEqual([
      [7, 0, 'created'],
      [2, 0, 'incremented'],
    ]);
    expect(await movements(y)).toEqual([]); // created with nothing: no movement
    await sql`delete from stock_items where id = ${y}`;
    expect(reasons(await movements(y))).toEqual([[0, 0, 'deleted']]);
    await expect(sql`update stock_items set id = 'renamed' where id = ${b}`).rejects.toThrow(/cannot change/);
    await expectClean(t);
  });

  it("records nothing for a replica-mode update (logical replication's apply brings the ledger's rows)", async () => {
    const n = await network(api, { stock: { X: { A: 5 } } });
    const item = n.item['X@A']!;
    const replica = (delta: number) =>
      t.database.sql.begin(async (tx) => {
        await tx`set local session_replication_role = replica`;
        await tx`update stock_items set quantity = quantity + ${delta} where id = ${item}`;
      });
    await replica(2);
    expect((await movements(item)).map(({ q, reason }) => [q, reason])).toEqual([[5, 'created']]);
    expect((await checkInvariants(t.database.sql)).map((d) => d.kind)).toEqual(['ledger_drift']);
    await replica(-2);
    await expectClean(t);
  });
});
