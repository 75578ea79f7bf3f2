import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkInvariants, checkStock } from '../src/services/check';
import type { TestApp } from './helpers/app';
import type { Client } from './helpers/http';
import { network, order, trigger } from './helpers/orders';
import { useTestApp } from './helpers/use-app';

/** Ledger checkpoints (docs/ledger-and-check.md#checkpoints): a replay from them gives what a replay from zero does. */
let t: TestApp;
let api: Client;
useTestApp({}, (s) => ({ t, api } = s));

/** Every stock item whose balance from its checkpoint, from zero and its counters do not all agree. */
async function disagreements() {
  return t.database.sql`
    with run as (select snapshot::pg_snapshot as s from ledger_check_runs order by id desc limit 1),
    since as (select m.stock_item_id, sum(m.quantity_delta)::int as q, sum(m.reserved_delta)::int as r
      from stock_movements m, run where m.txid >= pg_snapshot_xmin(run.s)::text::bigint
        and not pg_visible_in_snapshot(m.txid::text::xid8, run.s) group by 1),
    zero as (select stock_item_id, sum(quantity_delta)::int as q, sum(reserved_delta)::int as r
      from stock_movements group by 1)
    select si.id, si.quantity, si.reserved_quantity, cp.quantity + coalesce(since.q, 0) as cq,
      cp.reserved_quantity + coalesce(since.r, 0) as cr, zero.q as zq, zero.r as zr
    from stock_items si join ledger_checkpoints cp on cp.stock_item_id = si.id
      left join since on since.stock_item_id = si.id left join zero on zero.stock_item_id = si.id
    where cp.quantity + coalesce(since.q, 0) is distinct from zero.q
      or cp.reserved_quantity + coalesce(since.r, 0) is distinct from zero.r
      or si.quantity <> zero.q or si.reserved_quantity <> zero.r`;
}

const bypass = async (item: string, delta: number) => {
  await t.database.sql.begin(async (tx) => {
    await tx`alter table stock_items disable trigger stock_items_ledger`;
    await tx`update stock_items set quantity = quantity + ${delta} where id = ${item}`;
    await tx`alter table stock_items enable trigger stock_items_ledger`;
  });
};

describe('ledger checkpoints', () => {
  it('a movement whose transaction was open during a check is counted by the next one, whatever its id', async () => {
    const n = await network(api, { stock: { X: { A: 10 }, Y: { A: 10 } } });
    const [x, y] = [n.item['X@A']!, n.item['Y@A']!];
    expect(await checkInvariants(t.database.sql)).toEqual([]);
    const open = await t.database.sql.reserve();
    try {
      await open`begin`;
      await open`update stock_items set quantity = quantity + 5 where id = ${x}`; // the lower movement id
      await t.database.sql`update stock_items set quantity = quantity + 1 where id = ${y}`; // a higher one, committed
      const during = await checkStock(t.database.sql);
      expect(during.drift).toEqual([]);
      // y's checkpoint now covers a larger id than x's uncommitted movement
      expect(during.stats.checkpoints).toBeGreaterThanOrEqual(1);
      const [cpY] = await t.database.sql`select movement_id from ledger_checkpoints where stock_item_id = ${y}`;
      const [mx] = await open`select max(id)::bigint as id from stock_movements where stock_item_id = ${x}`;
      expect(Number(mx!.id)).toBeLessThan(Number(cpY!.movement_id));
      await open`commit`;
    } finally {
      open.release();
    }
    expect(await disagreements()).toEqual([]);
    const since = await checkStock(t.database.sql, 'since-last');
    expect(since.drift).toEqual([]);
    expect(since.stats.collected).toBe(1); // only x moved since the snapshot of the last check
    const [cp] = await t.database.sql`select quantity from ledger_checkpoints where stock_item_id = ${x}`;
    expect(cp!.quantity).toBe(15);
    expect(await checkInvariants(t.database.sql)).toEqual([]);
    expect(await disagreements()).toEqual([]);
  });

  it('checkpoints taken during a storm of concurrent writers never make a later check wrong', async () => {
    const n = await network(api, { stock: Object.fromEntries([...'ABCDEFGH'].map((s) => [s, { W: 1000 }])) });
    const items = Object.values(n.item);
    const sql = t.database.sql;
    let stop = false;
    let writes = 0;
    // each writer moves one to three stock items in one transaction and sleeps before committing, so
    // movement ids commit out of order across the checks running meanwhile
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const some = items.filter((_, k) => (k + i + w) % 3 === 0).slice(0, 1 + ((i + w) % 3));
        await sql.begin(async (tx) => {
          for (const id of [...some].sort())
            await tx`update stock_items set quantity = quantity + ${((i * 7 + w) % 5) - 2} where id = ${id}
              and quantity > 10`;
          await tx`select pg_sleep(${(((i + w) % 4) * 5) / 1000})`;
        });
        writes++;
      }
    };
    const writers = Array.from({ length: 6 }, (_, w) => writer(w));
    // placements through the API alongside: holds and their reservation rows
    const placed = (async () => {
      for (let i = 0; i < 6; i++) {
        const id = await order(api, n, { [[...'ABCDEFGH'][i]!]: 2 });
        expect((await trigger(api, 'orders', id, '_place')).status).toBe(200);
      }
    })();
    const modes = ['full', 'since-last', 'full', 'since-last', 'since-last', 'full'] as const;
    for (const mode of modes) {
      expect((await checkStock(sql, mode)).drift).toEqual([]);
      expect(await disagreements()).toEqual([]);
    }
    await placed;
    stop = true;
    await Promise.all(writers);
    expect(writes).toBeGreaterThan(10);
    for (const mode of ['since-last', 'full', 'from-zero'] as const)
      expect((await checkStock(sql, mode)).drift).toEqual([]);
    expect(await disagreements()).toEqual([]);
  });

  it('a counter changed behind the ledger: the full check catches it, --since-last once the item moves', async () => {
    const n = await network(api, { stock: { X: { A: 10 }, Y: { A: 10 } } });
    const [x, y] = [n.item['X@A']!, n.item['Y@A']!];
    expect(await checkInvariants(t.database.sql)).toEqual([]);
    await bypass(x, 3); // after x's checkpoint, x does not move again
    expect(await checkInvariants(t.database.sql, 'since-last')).toEqual([]); // the documented limit
    expect((await checkInvariants(t.database.sql)).map((d) => [d.kind, d.id])).toEqual([['ledger_drift', x]]);
    // x lost its checkpoint: every check reports it, from its whole ledger, until repaired
    expect((await checkInvariants(t.database.sql)).map((d) => d.kind)).toEqual(['ledger_drift']);
    await bypass(x, -3);
    expect(await checkInvariants(t.database.sql)).toEqual([]);
    // a tampered counter on an item that then moves is caught by the incremental check
    await bypass(y, 2);
    const id = await order(api, n, { Y: 1 });
    expect((await trigger(api, 'orders', id, '_place')).status).toBe(200);
    const since = await checkInvariants(t.database.sql, 'since-last');
    expect(since.map((d) => [d.kind, d.id])).toEqual([['ledger_drift', y]]);
    expect(since[0]!.detail).toBe('counters 12/1 but the ledger replays to 10/1');
    await bypass(y, -2);
    expect(await checkInvariants(t.database.sql, 'since-last')).toEqual([]);
    expect(await checkInvariants(t.database.sql)).toEqual([]);
  });

  it('a stray reservation row is caught by --since-last; a rewritten covered ledger row only from zero', async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const x = n.item['X@A']!;
    expect(await checkInvariants(t.database.sql)).toEqual([]);
    // a hold written straight into the table, its counter untouched (the SKU key where the schema still has it)
    const [sku] = await t.database.sql`select 1 from information_schema.columns
      where table_name = 'stock_reservations' and column_name = 'sku_id'`;
    const row = { id: 'stray1', mode: 'test', status: 'draft', quantity: 2, stock_item_id: x };
    const expires_at = new Date(Date.now() + 3_600_000).toISOString();
    const stray = { ...row, expires_at, ...(sku ? { sku_id: n.sku.X! } : {}) };
    await t.database.sql`insert into stock_reservations ${t.database.sql(stray)}`;
    expect((await checkInvariants(t.database.sql, 'since-last')).map((d) => [d.kind, d.id])).toEqual([
      ['reserved_drift', x],
    ]);
    await t.database.sql`delete from stock_reservations where id = 'stray1'`;
    expect(await checkInvariants(t.database.sql)).toEqual([]);
    // rewriting history a checkpoint covers: the full check trusts the checkpoint, from zero does not
    const [m] = await t.database.sql`update stock_movements set quantity_delta = quantity_delta + 1
      where stock_item_id = ${x} and reason = 'created' returning id`;
    expect(m).toBeDefined();
    expect(await checkInvariants(t.database.sql)).toEqual([]);
    expect((await checkInvariants(t.database.sql, 'from-zero')).map((d) => d.kind)).toEqual(['ledger_drift']);
    await t.database.sql`update stock_movements set quantity_delta = quantity_delta - 1 where id = ${m!.id}`;
    expect(await checkInvariants(t.database.sql, 'from-zero')).toEqual([]);
  });

  it('npx allot check takes --since-last and --from-zero, and says on stderr what it read', async () => {
    const n = await network(api, { stock: { X: { A: 4 } } });
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['bin/allot.mjs', 'check', ...args], {
        cwd: path.resolve(__dirname, '..'),
        env: { ...process.env, DATABASE_URL: t.dbUrl },
      });
    expect((await run()).stdout).toMatch(/stock invariants hold: no drift\n$/);
    await bypass(n.item['X@A']!, 1);
    const id = await order(api, n, { X: 1 });
    expect((await trigger(api, 'orders', id, '_place')).status).toBe(200);
    const since = await run('--since-last').catch((e) => e);
    expect(since.code).toBe(1);
    expect(since.stdout).toMatch(
      /^ledger_drift\t\S+\tcounters 5\/1 but the ledger replays to 4\/1\n1 problem\(s\) found\n$/,
    );
    expect(since.stderr).toMatch(/^check since-last: 1 stock item\(s\) collected, 0 checkpoint\(s\) written, /);
    await bypass(n.item['X@A']!, -1);
    const zero = await run('--from-zero');
    expect(zero.stderr).toMatch(/^check from-zero: /);
    expect((await run('--since-last', '--from-zero').catch((e) => e)).stderr).toMatch(/not both/);
  });
});
