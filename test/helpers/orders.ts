import { expect } from 'vitest';
import { checkInvariants } from '../../src/services/check';
import type { TestApp } from './app';
import { factory } from './factory';
import { type Client, doc } from './http';

/** A market over prioritised locations, with SKUs stocked as given: `{ X: { A: 3, B: 10 } }`. */
export async function network(
  api: Client,
  opts: {
    strategy?: string;
    cutoff?: number;
    locations?: string[];
    stock: Record<string, Record<string, number>>;
    onHold?: string[];
    manual?: boolean;
    reservationCutoff?: number;
  },
) {
  const f = factory(api);
  const model = await f.inventoryModel({
    strategy: opts.strategy ?? 'no_split',
    stock_locations_cutoff: opts.cutoff ?? 2,
    manual_stock_decrement: opts.manual ?? false,
    ...(opts.reservationCutoff ? { stock_reservation_cutoff: opts.reservationCutoff } : {}),
  });
  const names = opts.locations ?? [...new Set(Object.values(opts.stock).flatMap((s) => Object.keys(s)))].sort();
  const loc: Record<string, string> = {};
  const isl: Record<string, string> = {};
  for (const [i, n] of names.entries()) {
    loc[n] = await f.stockLocation({ code: `${n.toLowerCase()}-${model}` });
    isl[n] = await f.inventoryStockLocation(model, loc[n]!, i + 1, { on_hold: opts.onHold?.includes(n) ?? false });
  }
  const market = await f.market(model);
  const category = await f.shippingCategory();
  const sku: Record<string, string> = {};
  const item: Record<string, string> = {};
  for (const [code, byLoc] of Object.entries(opts.stock)) {
    sku[code] = await f.sku({ code: `${code}-${model}` }, category);
    for (const [n, q] of Object.entries(byLoc)) item[`${code}@${n}`] = await f.stockItem(sku[code]!, loc[n]!, q);
  }
  return { model, market, loc, isl, sku, item, category, code: (c: string) => `${c}-${model}` };
}

export type Network = Awaited<ReturnType<typeof network>>;

export async function order(api: Client, n: Network, lines: Record<string, number>, reserve = false): Promise<string> {
  const res = await api.post('/api/orders', doc('orders', {}, { market: { data: { type: 'markets', id: n.market } } }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const id = res.body.data.id;
  for (const [code, quantity] of Object.entries(lines)) {
    const li = await api.post(
      '/api/line_items',
      doc(
        'line_items',
        { sku_code: n.code(code), quantity, ...(reserve ? { _reserve_stock: true } : {}) },
        { order: { data: { type: 'orders', id } } },
      ),
    );
    expect(li.status, JSON.stringify(li.body)).toBe(201);
  }
  return id;
}

export const trigger = (api: Client, type: string, id: string, name: string) =>
  api.patch(`/api/${type}/${id}`, doc(type, { [name]: true }, {}, id));

export async function stockOf(t: TestApp, itemId: string) {
  const [r] = await t.database.sql`select quantity, reserved_quantity from stock_items where id = ${itemId}`;
  return { quantity: r!.quantity as number, reserved: r!.reserved_quantity as number };
}

/**
 * Every test that moves stock ends here: no drift, no hold ever granted beyond stock. Shortfalls a
 * count left are not drift (docs/ledger-and-check.md#shortfalls).
 */
export async function expectClean(t: TestApp) {
  expect(await checkInvariants(t.database.sql)).toEqual([]);
}
