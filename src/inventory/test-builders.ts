/**
 * Test support for the engine's unit tests (never imported by the engine itself): tiny builders
 * for plain inputs, and the checks every strategy test makes on a plan.
 *
 * @example
 *   const i = input(AB(), { X: { A: 3, B: [10, 4] } }, [line('L1', 'X', 5)]);
 *   expect(shorts(run('no_split', i))).toEqual([['SKU-X', 5, 3]]);
 */
import type fc from 'fast-check';
import { expect } from 'vitest';
import type { Stock } from './availability';
import { strategyFor } from './strategies/index';
import type { AllocationInput, Line, Plan } from './types';
import type { Slot } from './walk';

/** An inventory stock location of location `loc` (id `isl-{loc}`), created at 0, not on hold. */
export const slot = (loc: string, priority: number, o: Partial<Slot> = {}): Slot => ({
  stockLocationId: loc,
  priority,
  onHold: false,
  createdAt: 0,
  id: `isl-${loc}`,
  ...o,
});

/** A tracked, shipped line of SKU `sku` (code `SKU-{sku}`) in category `cat`. */
export const line = (id: string, sku: string, quantity: number, o: Partial<Line> = {}): Line => ({
  lineItemId: id,
  skuId: sku,
  skuCode: `SKU-${sku}`,
  quantity,
  doNotShip: false,
  doNotTrack: false,
  shippingCategoryId: 'cat',
  ...o,
});

/** sku → location → quantity, or [quantity, reserved]. */
export type StockSpec = Record<string, Record<string, number | [number, number]>>;

export const stock = (s: StockSpec): Map<string, Map<string, Stock>> =>
  new Map(
    Object.entries(s).map(([sku, by]) => [
      sku,
      new Map(
        Object.entries(by).map(([loc, v]) => [
          loc,
          typeof v === 'number' ? { quantity: v, reserved: 0 } : { quantity: v[0], reserved: v[1] },
        ]),
      ),
    ]),
  );

/** An allocation input with cutoff 10 unless `o` says otherwise. */
export const input = (
  slots: Slot[],
  s: StockSpec,
  lines: Line[],
  o: Partial<AllocationInput> = {},
): AllocationInput => ({
  slots,
  stock: stock(s),
  lines,
  cutoff: 10,
  ...o,
});

/** A at priority 1, B at 2 (and C at 3). */
export const AB = () => [slot('A', 1), slot('B', 2)];
export const ABC = () => [slot('A', 1), slot('B', 2), slot('C', 3)];

/** Runs a registered strategy; every plan names its strategy and explains each shipment. */
export const run = (name: string, i: AllocationInput): Plan => {
  const plan = strategyFor(name)!(i);
  expect(plan.strategy).toBe(name);
  for (const s of plan.shipments) expect(s.explanation.trim()).not.toBe('');
  return plan;
};

/** Shortfalls as [code, requested, available], by SKU code. */
export const shorts = (p: Plan) =>
  [...p.shortfalls]
    .sort((a, b) => a.skuCode.localeCompare(b.skuCode))
    .map((s) => [s.skuCode, s.requested, s.available]);

/** Expected: the plan's shape (and no shortfall), or `{ short }` (placement refused: only the shortfalls matter). */
export type Want = string[] | { short: Array<[string, number, number]> };
export const short = (...s: Array<[string, number, number]>) => ({ short: s });

/** Asserts `want` against the plan of strategy `name`, drawn with the test's own `shape`. */
export const checkWith = (shape: (p: Plan) => string[]) => (name: string, i: AllocationInput, want: Want) => {
  const plan = run(name, i);
  if (Array.isArray(want)) {
    expect(plan.shortfalls).toEqual([]);
    expect(shape(plan)).toEqual(want);
  } else expect(shorts(plan)).toEqual(want.short);
};

/** Generated stock rows [sku, location, quantity, reserved] as the engine's map (a later row for a pair wins). */
export const arbStock = (rows: fc.Arbitrary<Array<[string, string, number, number]>>) =>
  rows.map((rs) => {
    const m = new Map<string, Map<string, Stock>>();
    for (const [sku, loc, quantity, reserved] of rs)
      m.set(sku, (m.get(sku) ?? new Map()).set(loc, { quantity, reserved }));
    return m;
  });
