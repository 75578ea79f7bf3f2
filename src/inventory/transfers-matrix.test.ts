import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { net } from './availability';
import { AB, ABC, arbStock, checkWith, input, line, run, short, slot, type Want } from './test-builders';
import type { AllocationInput, Line, Plan } from './types';
import { walk } from './walk';

/**
 * The allocation matrix for the two strategies with transfers (docs/placement-and-strategies.md#ship-from-primary):
 * exact shipments, exact transfers (origin, destination = primary, quantity, shipment), shortfalls.
 */
const SFP = 'ship_from_primary';
const SFFA = 'ship_from_first_available_or_primary';

const X = (q: number) => [line('L1', 'X', q)];

/** 'A/cat {L1:3}' ('~' awaiting transfers, '!' on hold, '-' no category) and 'B→A X×2 L1 @0'. */
const shape = (p: Plan) => [
  ...p.shipments.map(
    (s) =>
      `${s.stockLocationId}/${s.shippingCategoryId ?? '-'}${s.awaitingTransfers ? '~' : ''}${s.onHold ? '!' : ''} ` +
      `{${s.picks.map((k) => `${k.lineItemId}:${k.quantity}${k.tracked ? '' : 'u'}`).join(', ')}}`,
  ),
  ...p.transfers.map(
    (t) => `${t.fromLocationId}→${t.toLocationId} ${t.skuId}×${t.quantity} ${t.lineItemId} @${t.shipment}`,
  ),
];
const check = checkWith(shape);

const matrix: Array<[string, AllocationInput, Want, Want]> = [
  // [title, input, ship_from_primary, ship_from_first_available_or_primary]
  ['zero locations', input([], { X: {} }, X(5)), short(['SKU-X', 5, 0]), short(['SKU-X', 5, 0])],
  ['one location, short', input([slot('A', 1)], { X: { A: 3 } }, X(5)), short(['SKU-X', 5, 3]), short(['SKU-X', 5, 3])],
  ['two: each alone enough', input(AB(), { X: { A: 5, B: 5 } }, X(5)), ['A/cat {L1:5}'], ['A/cat {L1:5}']],
  ['two: only primary enough', input(AB(), { X: { A: 6, B: 2 } }, X(5)), ['A/cat {L1:5}'], ['A/cat {L1:5}']],
  [
    'two: only secondary enough',
    input(AB(), { X: { A: 2, B: 6 } }, X(5)),
    ['A/cat~ {L1:2}', 'B→A X×3 L1 @0'],
    ['B/cat {L1:5}'],
  ],
  [
    'two: only together enough',
    input(AB(), { X: { A: 3, B: 2 } }, X(5)),
    ['A/cat~ {L1:3}', 'B→A X×2 L1 @0'],
    ['A/cat~ {L1:3}', 'B→A X×2 L1 @0'],
  ],
  [
    'two: neither, even together',
    input(AB(), { X: { A: 2, B: 2 } }, X(5)),
    short(['SKU-X', 5, 4]),
    short(['SKU-X', 5, 4]),
  ],
  ['two: primary has zero', input(AB(), { X: { A: 0, B: 5 } }, X(5)), ['A/cat~ {}', 'B→A X×5 L1 @0'], ['B/cat {L1:5}']],
  [
    'two: primary has no stock item',
    input(AB(), { X: { B: 5 } }, X(4)),
    ['A/cat~ {}', 'B→A X×4 L1 @0'],
    ['B/cat {L1:4}'],
  ],
  [
    'two: reservations count',
    input(AB(), { X: { A: [5, 4], B: [6, 3] } }, X(4)),
    ['A/cat~ {L1:1}', 'B→A X×3 L1 @0'],
    ['A/cat~ {L1:1}', 'B→A X×3 L1 @0'],
  ],
  [
    'two: over-reserved secondary gives nothing',
    input(AB(), { X: { A: 3, B: [2, 5] } }, X(4)),
    short(['SKU-X', 4, 3]),
    short(['SKU-X', 4, 3]),
  ],
  [
    'priority reversed: B primary',
    input([slot('A', 2), slot('B', 1)], { X: { A: 6, B: 2 } }, X(5)),
    ['B/cat~ {L1:2}', 'A→B X×3 L1 @0'],
    ['A/cat {L1:5}'],
  ],
  [
    'three: X over A, B, C',
    input(ABC(), { X: { A: 2, B: 2, C: 3 } }, X(5)),
    ['A/cat~ {L1:2}', 'B→A X×2 L1 @0', 'C→A X×1 L1 @0'],
    ['A/cat~ {L1:2}', 'B→A X×2 L1 @0', 'C→A X×1 L1 @0'],
  ],
  [
    'three: only C alone enough',
    input(ABC(), { X: { A: 1, B: 1, C: 5 } }, X(5)),
    ['A/cat~ {L1:1}', 'B→A X×1 L1 @0', 'C→A X×3 L1 @0'],
    ['C/cat {L1:5}'],
  ],
  [
    'three: B and C alone enough → B first',
    input(ABC(), { X: { A: 1, B: 5, C: 5 } }, X(5)),
    ['A/cat~ {L1:1}', 'B→A X×4 L1 @0'],
    ['B/cat {L1:5}'],
  ],
  [
    'three: two SKUs, one transfer per (SKU, origin)',
    input(ABC(), { X: { A: 1, B: 2, C: 9 }, Y: { A: 0, B: 3, C: 9 } }, [line('L1', 'X', 4), line('L2', 'Y', 4)]),
    ['A/cat~ {L1:1}', 'B→A X×2 L1 @0', 'C→A X×1 L1 @0', 'B→A Y×3 L2 @0', 'C→A Y×1 L2 @0'],
    ['C/cat {L1:4, L2:4}'],
  ],
  [
    'cutoff 2: C holding stock ignored',
    input(ABC(), { X: { A: 1, B: 1, C: 100 } }, X(3), { cutoff: 2 }),
    short(['SKU-X', 3, 2]),
    short(['SKU-X', 3, 2]),
  ],
  [
    'cutoff 2: C alone enough, not chosen',
    input(ABC(), { X: { A: 1, B: 1, C: 100 } }, X(2), { cutoff: 2 }),
    ['A/cat~ {L1:1}', 'B→A X×1 L1 @0'],
    ['A/cat~ {L1:1}', 'B→A X×1 L1 @0'],
  ],
  [
    'cutoff 3: C used',
    input(ABC(), { X: { A: 1, B: 1, C: 100 } }, X(3), { cutoff: 3 }),
    ['A/cat~ {L1:1}', 'B→A X×1 L1 @0', 'C→A X×1 L1 @0'],
    ['C/cat {L1:3}'],
  ],
  [
    'tie: earlier createdAt is primary',
    input([slot('A', 1, { createdAt: 20 }), slot('B', 1, { createdAt: 10 })], { X: { A: 5, B: 2 } }, X(3)),
    ['B/cat~ {L1:2}', 'A→B X×1 L1 @0'],
    ['A/cat {L1:3}'],
  ],
  [
    'tie: smaller id is primary',
    input([slot('A', 1, { id: 'isl-z' }), slot('B', 1, { id: 'isl-a' })], { X: { A: 5, B: 2 } }, X(3)),
    ['B/cat~ {L1:2}', 'A→B X×1 L1 @0'],
    ['A/cat {L1:3}'],
  ],
  [
    'scoped to B: B is the primary',
    input(ABC(), { X: { A: 9, B: 1, C: 9 } }, X(3), { scopedLocationIds: ['B', 'C'] }),
    ['B/cat~ {L1:1}', 'C→B X×2 L1 @0'],
    ['C/cat {L1:3}'],
  ],
  [
    'same SKU twice: one merged transfer, on the first line that needed it',
    input(AB(), { X: { A: 2, B: 10 } }, [line('L1', 'X', 3), line('L2', 'X', 3)]),
    ['A/cat~ {L1:2}', 'B→A X×4 L1 @0'],
    ['B/cat {L1:3, L2:3}'],
  ],
  [
    'same SKU twice: 2 × 3 over 5 in all',
    input(AB(), { X: { A: 2, B: 3 } }, [line('L1', 'X', 3), line('L2', 'X', 3)]),
    short(['SKU-X', 6, 5]),
    short(['SKU-X', 6, 5]),
  ],
  [
    'on-hold primary: its shipment on hold and waiting',
    input([slot('A', 1, { onHold: true }), slot('B', 2)], { X: { A: 1, B: 9 } }, X(3)),
    ['A/cat~! {L1:1}', 'B→A X×2 L1 @0'],
    ['B/cat {L1:3}'],
  ],
  [
    'categories: the transfer joins the shipment of its line’s category',
    input(AB(), { X: { A: 2, B: 5 }, Y: { A: 0, B: 5 }, Z: { A: 1 } }, [
      line('L1', 'X', 3, { shippingCategoryId: 'c1' }),
      line('L2', 'Y', 2, { shippingCategoryId: 'c2' }),
      line('L3', 'Z', 1, { shippingCategoryId: 'c3' }),
    ]),
    ['A/c1~ {L1:2}', 'A/c3 {L3:1}', 'A/c2~ {}', 'B→A X×1 L1 @0', 'B→A Y×2 L2 @2'],
    ['A/c1~ {L1:2}', 'A/c3 {L3:1}', 'A/c2~ {}', 'B→A X×1 L1 @0', 'B→A Y×2 L2 @2'],
  ],
  [
    'categories: a covering location ships one shipment per category',
    input(AB(), { X: { A: 2, B: 5 }, Y: { B: 5 } }, [
      line('L1', 'X', 3, { shippingCategoryId: 'c1' }),
      line('L2', 'Y', 2, { shippingCategoryId: 'c2' }),
    ]),
    ['A/c1~ {L1:2}', 'A/c2~ {}', 'B→A X×1 L1 @0', 'B→A Y×2 L2 @1'],
    ['B/c1 {L1:3}', 'B/c2 {L2:2}'],
  ],
  [
    'do_not_track: from the primary, untracked, never transferred',
    input(AB(), { X: { B: 3 } }, [line('L1', 'T', 4, { doNotTrack: true }), line('L2', 'X', 3)]),
    ['A/cat~ {L1:4u}', 'B→A X×3 L2 @0'],
    ['B/cat {L1:4u, L2:3}'],
  ],
  [
    'do_not_track alone: no stock anywhere',
    input(AB(), {}, [line('L1', 'T', 4, { doNotTrack: true })]),
    ['A/cat {L1:4u}'],
    ['A/cat {L1:4u}'],
  ],
];

describe.each([SFP, SFFA] as const)('%s: allocation matrix with transfers', (name) => {
  it.each(matrix.map(([title, i, sfp, sffa]) => [title, i, name === SFP ? sfp : sffa] as const))('%s', (_t, i, want) =>
    check(name, i, want),
  );

  it('do_not_ship: held (and transferred) but in no shipment; a transfer for it joins none', () => {
    const p = run(name, input(AB(), { X: { A: 2, B: 5 } }, [line('L1', 'X', 4, { doNotShip: true })]));
    expect(p.shortfalls).toEqual([]);
    expect(p.shipments).toEqual([]);
    if (name === SFP) {
      expect(p.unshipped).toEqual([{ lineItemId: 'L1', skuId: 'X', quantity: 2, stockLocationId: 'A', tracked: true }]);
      expect(p.transfers).toEqual([
        { lineItemId: 'L1', skuId: 'X', quantity: 2, fromLocationId: 'B', toLocationId: 'A', shipment: null },
      ]);
    } else {
      expect(p.unshipped).toEqual([{ lineItemId: 'L1', skuId: 'X', quantity: 4, stockLocationId: 'B', tracked: true }]);
      expect(p.transfers).toEqual([]);
    }
    // a do_not_ship line next to a shipped one: its units are spoken for, the shipped line's
    // transfer points at its shipment
    const mixed = run(
      name,
      input(AB(), { X: { A: 2, B: 1 }, Y: { A: 0, B: 4 } }, [
        line('L1', 'X', 2, { doNotShip: true }),
        line('L2', 'Y', 3),
      ]),
    );
    expect(shape(mixed)).toEqual(['A/cat~ {}', 'B→A Y×3 L2 @0']); // neither A nor B covers: the fallback
    expect(mixed.unshipped.map((u) => `${u.lineItemId}@${u.stockLocationId}:${u.quantity}`)).toEqual(['L1@A:2']);
  });
});

const LOCS = ['A', 'B', 'C', 'D'];
/** SKU flags and categories belong to the SKU: 'T' is do_not_track, 'N' do_not_ship. */
const FLAGS: Record<string, Partial<Line>> = {
  X: { shippingCategoryId: 'c1' },
  Y: { shippingCategoryId: 'c2' },
  T: { doNotTrack: true, shippingCategoryId: 'c1' },
  N: { doNotShip: true, shippingCategoryId: null },
};
const arbInput: fc.Arbitrary<AllocationInput> = fc.record({
  slots: fc
    .uniqueArray(
      fc.record({
        stockLocationId: fc.constantFrom(...LOCS),
        priority: fc.integer({ min: 1, max: 3 }),
        createdAt: fc.integer({ min: 0, max: 1 }),
        onHold: fc.boolean(),
      }),
      { selector: (s) => s.stockLocationId, maxLength: 4 },
    )
    .map((ss) => ss.map((s) => ({ ...s, id: `isl-${s.stockLocationId}` }))),
  cutoff: fc.integer({ min: 1, max: 4 }),
  stock: arbStock(
    fc.array(fc.tuple(fc.constantFrom('X', 'Y', 'N'), fc.constantFrom(...LOCS), fc.nat(10), fc.nat(3)), {
      maxLength: 12,
    }),
  ),
  lines: fc
    .array(fc.tuple(fc.constantFrom('X', 'Y', 'T', 'N'), fc.integer({ min: 1, max: 6 })), {
      minLength: 1,
      maxLength: 4,
    })
    .map((ls) => ls.map(([sku, q], n) => line(`L${n + 1}`, sku, q, FLAGS[sku]))),
});

describe('properties', () => {
  it.each([SFP, SFFA] as const)(
    '%s: demand met exactly by primary picks + transfers, no location over its net stock, ' +
      'transfers only to the primary',
    (name) => {
      let complete = 0;
      let withTransfers = 0;
      fc.assert(
        fc.property(arbInput, (i) => {
          const plan = run(name, i);
          if (plan.shortfalls.length) return;
          complete++;
          const walked = walk(i.slots, i.cutoff);
          const primary = walked[0]!.stockLocationId;
          const picks = [...plan.shipments.flatMap((s) => s.picks), ...plan.unshipped];
          const demand = new Map<string, number>();
          for (const l of i.lines) if (!l.doNotTrack) demand.set(l.skuId, (demand.get(l.skuId) ?? 0) + l.quantity);
          const given = new Map<string, number>(); // sku|loc → units leaving that location's stock
          const got = new Map<string, number>(); // sku → units reaching the order
          const add = (m: Map<string, number>, k: string, q: number) => m.set(k, (m.get(k) ?? 0) + q);
          for (const p of picks.filter((p) => p.tracked)) {
            add(given, `${p.skuId}|${p.stockLocationId}`, p.quantity);
            add(got, p.skuId, p.quantity);
          }
          for (const t of plan.transfers) {
            add(given, `${t.skuId}|${t.fromLocationId}`, t.quantity);
            add(got, t.skuId, t.quantity);
          }
          expect(got).toEqual(demand);
          for (const [k, q] of given) {
            const [sku, loc] = k.split('|') as [string, string];
            const s = i.stock.get(sku)?.get(loc);
            expect(q).toBeLessThanOrEqual(s ? net(s) : 0);
          }
          // one transfer per (SKU, origin), from a walked secondary, to the primary, joining a
          // waiting primary shipment of its category
          expect(new Set(plan.transfers.map((t) => `${t.skuId}|${t.fromLocationId}`)).size).toBe(plan.transfers.length);
          for (const t of plan.transfers) {
            expect(t.toLocationId).toBe(primary);
            expect(walked.slice(1).map((s) => s.stockLocationId)).toContain(t.fromLocationId);
            expect(t.quantity).toBeGreaterThan(0);
            const l = i.lines.find((x) => x.lineItemId === t.lineItemId)!;
            expect(l.skuId).toBe(t.skuId);
            if (l.doNotShip) expect(t.shipment).toBeNull();
            else
              expect(plan.shipments[t.shipment!]).toMatchObject({
                stockLocationId: primary,
                shippingCategoryId: l.shippingCategoryId,
                awaitingTransfers: true,
              });
          }
          for (const [n, s] of plan.shipments.entries())
            expect(s.awaitingTransfers).toBe(plan.transfers.some((t) => t.shipment === n));
          const covering = walked.find((s) =>
            [...demand].every(([sku, q]) => {
              const st = i.stock.get(sku)?.get(s.stockLocationId);
              return (st ? net(st) : 0) >= q;
            }),
          );
          if (name === SFFA && covering) {
            // one location covered everything: it gives every unit, nothing moves
            expect(plan.transfers).toEqual([]);
            expect(new Set(picks.map((p) => p.stockLocationId))).toEqual(new Set([covering.stockLocationId]));
          } else {
            for (const p of picks) expect(p.stockLocationId).toBe(primary);
            if (name === SFFA) expect(shape(plan)).toEqual(shape(run(SFP, i))); // the fallback is ship_from_primary
          }
          if (plan.transfers.length) withTransfers++;
          // shuffling the slots never changes the plan (deterministic tie-break)
          expect(run(name, { ...i, slots: [...i.slots].reverse() })).toEqual(plan);
        }),
        { numRuns: 1000 },
      );
      expect(complete).toBeGreaterThan(100); // not vacuous
      expect(withTransfers).toBeGreaterThan(name === SFP ? 25 : 5);
    },
  );
});
