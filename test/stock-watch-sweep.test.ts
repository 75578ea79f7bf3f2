import { describe, expect, it } from 'vitest';
import { watchStockOnce } from '../src/events/stock-watch';
import { buildRegistry } from '../src/wiring';
import type { TestApp } from './helpers/app';
import { type Client, doc } from './helpers/http';
import { network } from './helpers/orders';
import { useTestApp } from './helpers/use-app';
import { webhook } from './helpers/webhooks';

/*
 * The stock watcher records the present state of every (SKU, market) pair at its first round and
 * after a configuration change. At a million SKUs that was one transaction of about 70 s holding a
 * core and vacuum back (and starting over whenever the process stopped). It is now a sweep of a
 * bounded number of SKUs a round; meanwhile the ledger is followed for the pairs the sweep has
 * passed or that have a state, so no crossing is invented for a pair it has not recorded yet.
 */
let t: TestApp;
let api: Client;
// the background watcher waits a minute: this file runs the rounds itself
useTestApp({ env: { WEBHOOK_POLL_MS: '60000', WEBHOOK_RETRY_MS: '60000' } }, (s) => ({ t, api } = s));

const states = async () =>
  Object.fromEntries(
    (
      await t.database.sql<Array<{ sku_id: string; available: boolean }>>`select sku_id, available
      from sku_market_stock`
    ).map((r) => [r.sku_id, r.available]),
  );
const events = async () =>
  (
    await t.database.sql<Array<{ topic: string; resource_id: string }>>`select topic, resource_id
      from webhook_deliveries where topic like 'skus.%' order by id`
  ).map((r) => `${r.topic} ${r.resource_id}`);
const empty = (item: string) => api.patch(`/api/stock_items/${item}`, doc('stock_items', { quantity: 0 }, {}, item));

describe('the stock watcher sweep', () => {
  it('records states a batch of SKUs a round, and fires only for pairs it has recorded or passed', async () => {
    const n = await network(api, { stock: { A: { L: 2 }, B: { L: 2 }, C: { L: 2 } } });
    const reg = buildRegistry();
    await webhook(api, 'skus.out_of_stock', 'https://example.com/hook');
    // a fresh watcher: no watermark, no states
    await t.database.sql`update stock_watch set next_xid = null, config_version = null, sweep_after = null`;
    await t.database.sql`delete from sku_market_stock`;
    const [first, second, third] = (
      await t.database.sql<Array<{ id: string }>>`select id from skus where id = any(${Object.values(n.sku)})
        order by id`
    ).map((r) => r.id);

    await watchStockOnce(t.database.db, reg, 1);
    expect(await states()).toEqual({ [first!]: true });
    // the first SKU (recorded) and the third (not yet) run out
    const itemOf = (sku: string) => n.item[`${Object.keys(n.sku).find((c) => n.sku[c] === sku)}@L`]!;
    expect((await empty(itemOf(first!))).status).toBe(200);
    expect((await empty(itemOf(third!))).status).toBe(200);

    await watchStockOnce(t.database.db, reg, 1);
    expect(await states()).toEqual({ [first!]: false, [second!]: true });
    expect(await events()).toEqual([`skus.out_of_stock ${first}`]);

    await watchStockOnce(t.database.db, reg, 1);
    // the third SKU's state is what it is now, recorded without an event
    expect(await states()).toEqual({ [first!]: false, [second!]: true, [third!]: false });
    const [{ sweep_after }] = await t.database.sql`select sweep_after from stock_watch`;
    expect(sweep_after).toBe(third);
    await watchStockOnce(t.database.db, reg, 1);
    expect((await t.database.sql`select sweep_after from stock_watch`)[0]!.sweep_after).toBeNull();

    // the sweep over, the ledger is followed for every pair
    expect((await empty(itemOf(second!))).status).toBe(200);
    await watchStockOnce(t.database.db, reg, 1);
    expect(await events()).toEqual([`skus.out_of_stock ${first}`, `skus.out_of_stock ${second}`]);
  });

  it('writes a pair only when its availability crosses: a change of quantity alone leaves the row', async () => {
    const n = await network(api, { stock: { X: { L: 5 } } });
    const reg = buildRegistry();
    const item = n.item['X@L']!;
    const setQuantity = (quantity: number) =>
      api.patch(`/api/stock_items/${item}`, doc('stock_items', { quantity }, {}, item));
    const version = async () => {
      const rows = await t.database.sql<Array<{ v: string; available: boolean }>>`select xmin::text as v, available
        from sku_market_stock where sku_id = ${n.sku.X!}`;
      return rows[0];
    };
    // the sweep, then the ledger, until the pair has a state
    for (let i = 0; i < 5 && !(await version()); i++) await watchStockOnce(t.database.db, reg);
    const first = await version();
    expect(first?.available).toBe(true);

    expect((await setQuantity(3)).status).toBe(200);
    await watchStockOnce(t.database.db, reg);
    expect(await version()).toEqual(first);

    expect((await setQuantity(0)).status).toBe(200);
    await watchStockOnce(t.database.db, reg);
    const out = await version();
    expect(out?.available).toBe(false);
    expect(out?.v).not.toBe(first?.v);
  });
});
