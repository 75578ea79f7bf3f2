import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkStock } from '../src/services/check';
import type { TestApp } from './helpers/app';
import { expectInvalid } from './helpers/expect';
import { type Client, doc } from './helpers/http';
import { addLine, inventoryOf, patch, rel } from './helpers/lifecycle';
import { network, order, stockOf, trigger } from './helpers/orders';
import { useTestApp } from './helpers/use-app';

// A count may set a stock item's quantity below what is held, as in Commerce Layer; the shortfall is
// visible in the ledger and in `allot check`, and never counts as an oversell by Allot
// (docs/reservations.md#stock-item-quantity, docs/ledger-and-check.md#shortfalls).
let t: TestApp;
let api: Client;
useTestApp({ clean: true }, (s) => ({ t, api } = s));

const ROOT = path.resolve(__dirname, '..');
const count = (item: string, quantity: number, validate = false) =>
  patch(api, 'stock_items', item, { quantity, ...(validate ? { _validate: true } : {}) });
const reasons = async (item: string) =>
  (await t.database.sql`select reason from stock_movements where stock_item_id = ${item} order by id`).map(
    (m) => m.reason,
  );
/** `npx allot check` on the test's database. */
const allotCheck = async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['bin/allot.mjs', 'check'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: t.dbUrl },
  });
  return stdout;
};

describe('a count below the reserved stock', () => {
  it('is allowed, names the shortfall in the ledger and check, and blocks what it must', async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const item = n.item['X@A']!;
    const [first, second] = [await order(api, n, { X: 4 }), await order(api, n, { X: 4 })];
    for (const o of [first, second]) expect((await trigger(api, 'orders', o, '_place')).status).toBe(200);
    const later = await order(api, n, { X: 1 }); // a cart from before the count

    const counted = await count(item, 5);
    expect(counted.status, JSON.stringify(counted.body)).toBe(200);
    expect(await stockOf(t, item)).toEqual({ quantity: 5, reserved: 8 });
    expect((await reasons(item)).at(-1)).toBe('adjusted (short by 3)');
    expect(await inventoryOf(t, n, 'X')).toBe(0); // never negative

    // nothing new is promised while short
    const placing = await trigger(api, 'orders', later, '_place');
    expectInvalid(placing, '/data/relationships/line_items', 'out_of_stock');
    expectInvalid(
      await addLine(api, later, { sku_code: n.code('X'), quantity: 1 }),
      '/data/attributes/quantity',
      'less_than_or_equal_to',
    );
    const hold = await api.post(
      '/api/stock_reservations',
      doc('stock_reservations', { quantity: 1 }, { stock_item: rel('stock_items', item) }),
    );
    expect(hold.status).toBe(422);
    expect(hold.body.errors[0].meta).toMatchObject({ count: 0 });

    // the older order is covered first: the newer one is short
    const report = await checkStock(t.database.sql);
    expect(report.drift).toEqual([]);
    expect(report.shortfalls.filter((s) => s.stockItemId === item)).toEqual([
      expect.objectContaining({
        stockItemId: item,
        skuCode: n.code('X'),
        quantity: 5,
        reserved: 8,
        short: 3,
        holds: [expect.objectContaining({ owner: 'order', id: second, held: 4, short: 3 })],
      }),
    ]);
    const out = await allotCheck();
    expect(out).toContain(`shortfall\t${item}\t${n.code('X')} at `);
    expect(out).toContain('5 on hand, 8 held, short by 3 after a count');
    expect(out).toMatch(new RegExp(`short_hold\\t${second}\\torder #\\d+ placed: 3 of 4 not on hand`));
    // exit 0: execFile resolved
    expect(out).toMatch(/stock invariants hold: no drift; \d+ stock item\(s\) short after counts\n$/);

    // approval takes units off: the covered order can, the short one cannot, and nothing changes
    expect((await trigger(api, 'orders', first, '_approve')).status).toBe(200);
    expect(await stockOf(t, item)).toEqual({ quantity: 1, reserved: 4 });
    const refused = await trigger(api, 'orders', second, '_approve');
    expectInvalid(refused, '/data/relationships/stock_line_items', 'less_than_or_equal_to');
    expect(refused.body.errors[0].title).toBe(
      `${n.code('X')}: 4 to take but 1 on hand (a count left the stock item short of its holds)`,
    );
    expect(await stockOf(t, item)).toEqual({ quantity: 1, reserved: 4 });
    expect((await api.get(`/api/orders/${second}`)).body.data.attributes.status).toBe('placed');

    // a recount resolves it
    expect((await count(item, 4)).status).toBe(200);
    expect((await reasons(item)).at(-1)).toBe('adjusted');
    expect((await trigger(api, 'orders', second, '_approve')).status).toBe(200);
    const after = await checkStock(t.database.sql);
    expect(after.drift).toEqual([]);
    expect(after.shortfalls.map((s) => s.stockItemId)).not.toContain(item);
  });

  it('is refused with _validate (422 on quantity, the reserved stock as meta.count), and nothing changes', async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const item = n.item['X@A']!;
    await trigger(api, 'orders', await order(api, n, { X: 6 }), '_place');
    const res = await count(item, 5, true);
    expectInvalid(res, '/data/attributes/quantity', 'greater_than_or_equal_to');
    expect(res.body.errors[0]).toMatchObject({
      title: 'must be greater than or equal to 6 (reserved stock)',
      meta: { value: 5, count: 6 },
    });
    expect(await stockOf(t, item)).toEqual({ quantity: 10, reserved: 6 });
    expect((await count(item, 6, true)).status).toBe(200);
    expect((await patch(api, 'stock_items', item, { _validate: 'true' })).status).toBe(200);
    // without _validate the same count goes through, and the item is left short: the check after
    // this test (useTestApp's clean) reports it apart and passes
    expect((await count(item, 5)).status).toBe(200);
    expect((await checkStock(t.database.sql)).shortfalls.map((s) => s.stockItemId)).toContain(item);
  });

  it('leaves an open transfer short: it cannot complete until counted up', async () => {
    const n = await network(api, { stock: { X: { A: 5, B: 0 } } });
    const created = await api.post(
      '/api/stock_transfers',
      doc(
        'stock_transfers',
        { sku_code: n.code('X'), quantity: 4 },
        {
          origin_stock_location: rel('stock_locations', n.loc.A!),
          destination_stock_location: rel('stock_locations', n.loc.B!),
        },
      ),
    );
    const id = created.body.data.id;
    for (const s of ['_upcoming', '_picking']) expect((await trigger(api, 'stock_transfers', id, s)).status).toBe(200);
    await count(n.item['X@A']!, 2);
    const refused = await trigger(api, 'stock_transfers', id, '_complete');
    expectInvalid(refused, '/data/relationships/origin_stock_location', 'less_than_or_equal_to');
    const { shortfalls } = await checkStock(t.database.sql);
    expect(shortfalls.find((s) => s.stockItemId === n.item['X@A'])!.holds).toEqual([
      expect.objectContaining({ owner: 'stock_transfer', id, held: 4, short: 2 }),
    ]);
    await count(n.item['X@A']!, 4);
    expect((await trigger(api, 'stock_transfers', id, '_complete')).status).toBe(200);
    expect([await stockOf(t, n.item['X@A']!), await stockOf(t, n.item['X@B']!)]).toEqual([
      { quantity: 0, reserved: 0 },
      { quantity: 4, reserved: 0 },
    ]);
  });
});

describe('holds beyond stock', () => {
  it('are refused by the database whatever writes them, and found by the ledger replay if forced in', async () => {
    const n = await network(api, { stock: { X: { A: 2 } } });
    const item = n.item['X@A']!;
    await expect(
      t.database.sql`update stock_items set reserved_quantity = reserved_quantity + 3 where id = ${item}`,
    ).rejects.toMatchObject({ code: '23514', constraint_name: 'stock_items_hold_check' });
    // forced in with the guard off: the replay names the movement that granted it
    await t.database.sql`alter table stock_items disable trigger stock_items_hold_check`;
    await t.database.sql`with r as (insert into stock_reservations (id, mode, status, quantity, stock_item_id, sku_id)
      values ('forced1', 'test', 'pending', 3, ${item}, ${n.sku.X!}) returning 1)
      update stock_items set reserved_quantity = reserved_quantity + 3 where id = ${item}`;
    await t.database.sql`alter table stock_items enable trigger stock_items_hold_check`;
    const { drift } = await checkStock(t.database.sql);
    expect(drift).toEqual([
      {
        kind: 'oversold',
        id: item,
        detail: expect.stringMatching(
          new RegExp(
            '^a hold granted beyond stock: movement \\d+ \\(reserved: 0 on hand, 3 reserved\\) ' +
              'left 3 reserved over 2 on hand$',
          ),
        ),
      },
    ]);
    await t.database.sql`with r as (delete from stock_reservations where id = 'forced1')
      update stock_items set reserved_quantity = reserved_quantity - 3 where id = ${item}`;
    // the ledger keeps the forced hold: this database stays dirty for the check, so end with a clean slate
    await t.database.sql`delete from stock_movements where stock_item_id = ${item}`;
    await t.database.sql`insert into stock_movements (mode, stock_item_id, sku_id, stock_location_id, quantity_delta,
        reserved_delta, reason, txid)
      values ('test', ${item}, ${n.sku.X!}, ${n.loc.A!}, 2, 0, 'created', txid_current())`;
  });
});
