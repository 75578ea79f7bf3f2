import { describe, expect, it } from 'vitest';
import { strategyFor } from './strategies/index';
import * as builders from './test-builders';
import type { AllocationInput, Plan } from './types';

/**
 * docs/placement-and-strategies.md#worked-example: A prio 1, B prio 2, cutoff 2; L1 = X×5, L2 = Y×2.
 * SKUs are named by their code, and each location is created at its priority.
 */
const slot = (id: string, priority: number) => builders.slot(id, priority, { createdAt: priority });
const line = (id: string, sku: string, quantity: number, category = 'cat') =>
  builders.line(id, sku, quantity, { skuCode: sku, shippingCategoryId: category });
const input = (
  s: Record<string, Record<string, number>>,
  lines = [line('L1', 'X', 5), line('L2', 'Y', 2)],
): AllocationInput => ({ lines, slots: [slot('B', 2), slot('A', 1)], cutoff: 2, stock: builders.stock(s) });
const shape = (p: Plan) =>
  p.shipments.map(
    (s) =>
      `${s.stockLocationId}/${s.shippingCategoryId ?? '-'} ` +
      `{${s.picks.map((k) => `${k.skuId}${k.quantity}`).join(', ')}}`,
  );
const run = (name: string, i: AllocationInput) => strategyFor(name)!(i);

describe('the worked example of docs/placement-and-strategies.md', () => {
  const base = { X: { A: 3, B: 10 }, Y: { A: 2, B: 0 } };

  it('no_split: A cannot cover X×5 → shortfall; with A {X:5, Y:2} one shipment from A', () => {
    expect(run('no_split', input(base)).shortfalls).toEqual([{ skuCode: 'X', requested: 5, available: 3 }]);
    const ok = run('no_split', input({ X: { A: 5, B: 10 }, Y: { A: 2 } }));
    expect(ok.shortfalls).toEqual([]);
    expect(shape(ok)).toEqual(['A/- {X5, Y2}']);
  });

  it('split_shipments: S1@A {X3, Y2}, S2@B {X2}; Y in another category adds a shipment', () => {
    expect(shape(run('split_shipments', input(base)))).toEqual(['A/cat {X3, Y2}', 'B/cat {X2}']);
    const other = run('split_shipments', input(base, [line('L1', 'X', 5), line('L2', 'Y', 2, 'catY')]));
    expect(shape(other)).toEqual(['A/cat {X3}', 'A/catY {Y2}', 'B/cat {X2}']);
  });

  it('split_by_line_items: L1 → A {X3}, B {X2}; L2 → A {Y2}: three shipments', () => {
    expect(shape(run('split_by_line_items', input(base)))).toEqual(['A/cat {X3}', 'B/cat {X2}', 'A/cat {Y2}']);
  });
});

describe('the worked example of docs/placement-and-strategies.md: the strategies with transfers', () => {
  const base = { X: { A: 3, B: 10 }, Y: { A: 2, B: 0 } };
  const transfers = (p: Plan) =>
    p.transfers.map((t) => `${t.fromLocationId}→${t.toLocationId} ${t.skuId}×${t.quantity} for shipment ${t.shipment}`);

  it('ship_from_primary: S1@A {X3, Y2} waiting for T1 B→A X×2', () => {
    const p = run('ship_from_primary', input(base));
    expect(p.shortfalls).toEqual([]);
    expect(shape(p)).toEqual(['A/cat {X3, Y2}']);
    expect(p.shipments[0]!.awaitingTransfers).toBe(true);
    expect(transfers(p)).toEqual(['B→A X×2 for shipment 0']);
  });

  it(`ship_from_first_available_or_primary: neither covers → as ship_from_primary; B {X10, Y2} \
covers → all from B, no transfer`, () => {
    const fallback = run('ship_from_first_available_or_primary', input(base));
    expect(shape(fallback)).toEqual(['A/cat {X3, Y2}']);
    expect(transfers(fallback)).toEqual(['B→A X×2 for shipment 0']);
    const fromB = run('ship_from_first_available_or_primary', input({ X: { A: 3, B: 10 }, Y: { A: 2, B: 2 } }));
    expect(shape(fromB)).toEqual(['B/cat {X5, Y2}']);
    expect(fromB.transfers).toEqual([]);
    expect(fromB.shipments[0]!.awaitingTransfers).toBe(false);
  });

  it('ship_from_primary: the primary has none of X → its shipment exists only to wait for the transfer', () => {
    const p = run(
      'ship_from_primary',
      input({ X: { A: 0, B: 10 }, Y: { A: 2 } }, [line('L1', 'X', 4, 'catX'), line('L2', 'Y', 2)]),
    );
    expect(shape(p)).toEqual(['A/cat {Y2}', 'A/catX {}']);
    expect(transfers(p)).toEqual(['B→A X×4 for shipment 1']);
  });
});
