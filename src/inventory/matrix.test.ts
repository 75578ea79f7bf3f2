import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AB, ABC, arbStock, checkWith, input, line, run, short, shorts, slot, type Want } from './test-builders';
import type { AllocationInput, Pick, Plan } from './types';

/**
 * The allocation matrix (zero to three locations, every distribution, cutoff, ties, scope, categories,
 * flags), run against each strategy without transfers (docs/availability.md#walk,
 * docs/placement-and-strategies.md). Pure: plain inputs in, a Plan out.
 */
const NAMES = ['no_split', 'split_shipments', 'split_by_line_items'] as const;
type Name = (typeof NAMES)[number];

const X5 = () => [line('L1', 'X', 5)];

/** 'A/cat {L1:3, L2:2}'; '-' for no category, '!' when on hold. */
const shape = (p: Plan) =>
  p.shipments.map(
    (s) =>
      `${s.stockLocationId}/${s.shippingCategoryId ?? '-'}${s.onHold ? '!' : ''} ` +
      `{${s.picks.map((k) => `${k.lineItemId}:${k.quantity}`).join(', ')}}`,
  );
const check = checkWith(shape);
const same = (w: Want): Record<Name, Want> => ({ no_split: w, split_shipments: w, split_by_line_items: w });
/** Same plan for the two splitting strategies, the no_split one written with no category. */
const all = (w: string[]): Record<Name, Want> => ({
  no_split: w.map((s) => s.replace('/cat', '/-')),
  split_shipments: w,
  split_by_line_items: w,
});

const matrix: Array<[string, AllocationInput, Record<Name, Want>]> = [
  ['zero locations', input([], { X: {} }, X5()), same(short(['SKU-X', 5, 0]))],
  ['one location, no stock item', input([slot('A', 1)], {}, X5()), same(short(['SKU-X', 5, 0]))],
  ['one location, zero stock', input([slot('A', 1)], { X: { A: 0 } }, X5()), same(short(['SKU-X', 5, 0]))],
  ['one location, short', input([slot('A', 1)], { X: { A: 3 } }, X5()), same(short(['SKU-X', 5, 3]))],
  ['one location, exact', input([slot('A', 1)], { X: { A: 5 } }, X5()), all(['A/cat {L1:5}'])],
  ['one location, surplus', input([slot('A', 1)], { X: { A: 9 } }, X5()), all(['A/cat {L1:5}'])],
  ['two: each alone enough → primary', input(AB(), { X: { A: 5, B: 5 } }, X5()), all(['A/cat {L1:5}'])],
  ['two: only primary enough', input(AB(), { X: { A: 6, B: 2 } }, X5()), all(['A/cat {L1:5}'])],
  [
    'two: only secondary enough',
    input(AB(), { X: { A: 2, B: 6 } }, X5()),
    {
      no_split: short(['SKU-X', 5, 2]),
      split_shipments: ['A/cat {L1:2}', 'B/cat {L1:3}'],
      split_by_line_items: ['A/cat {L1:2}', 'B/cat {L1:3}'],
    },
  ],
  [
    'two: only together enough',
    input(AB(), { X: { A: 3, B: 2 } }, X5()),
    {
      no_split: short(['SKU-X', 5, 3]),
      split_shipments: ['A/cat {L1:3}', 'B/cat {L1:2}'],
      split_by_line_items: ['A/cat {L1:3}', 'B/cat {L1:2}'],
    },
  ],
  [
    'two: neither enough, even together',
    input(AB(), { X: { A: 2, B: 2 } }, X5()),
    {
      no_split: short(['SKU-X', 5, 2]),
      split_shipments: short(['SKU-X', 5, 4]),
      split_by_line_items: short(['SKU-X', 5, 4]),
    },
  ],
  [
    'three: primary covers all → one shipment',
    input(ABC(), { X: { A: 5, B: 5, C: 5 }, Y: { A: 1, C: 1 } }, [line('L1', 'X', 5), line('L2', 'Y', 1)]),
    {
      no_split: ['A/- {L1:5, L2:1}'],
      split_shipments: ['A/cat {L1:5, L2:1}'],
      split_by_line_items: ['A/cat {L1:5}', 'A/cat {L2:1}'],
    },
  ],
  [
    'three: X over A, B, C; Y from B',
    input(ABC(), { X: { A: 2, B: 2, C: 3 }, Y: { A: 0, B: 1, C: 1 } }, [line('L1', 'X', 5), line('L2', 'Y', 1)]),
    {
      no_split: short(['SKU-X', 5, 2], ['SKU-Y', 1, 0]),
      split_shipments: ['A/cat {L1:2}', 'B/cat {L1:2, L2:1}', 'C/cat {L1:1}'],
      split_by_line_items: ['A/cat {L1:2}', 'B/cat {L1:2}', 'C/cat {L1:1}', 'B/cat {L2:1}'],
    },
  ],
  ['priority order: A first', input(AB(), { X: { A: 3, B: 10 } }, [line('L1', 'X', 2)]), all(['A/cat {L1:2}'])],
  [
    'priority reversed: B first',
    input([slot('A', 2), slot('B', 1)], { X: { A: 3, B: 10 } }, [line('L1', 'X', 2)]),
    all(['B/cat {L1:2}']),
  ],
  [
    'beyond the cutoff: C ignored',
    input(ABC(), { X: { A: 1, B: 1, C: 100 } }, [line('L1', 'X', 3)], { cutoff: 2 }),
    {
      no_split: short(['SKU-X', 3, 1]),
      split_shipments: short(['SKU-X', 3, 2]),
      split_by_line_items: short(['SKU-X', 3, 2]),
    },
  ],
  [
    'cutoff raised: C used',
    input(ABC(), { X: { A: 1, B: 1, C: 100 } }, [line('L1', 'X', 3)], { cutoff: 3 }),
    {
      no_split: short(['SKU-X', 3, 1]),
      split_shipments: ['A/cat {L1:1}', 'B/cat {L1:1}', 'C/cat {L1:1}'],
      split_by_line_items: ['A/cat {L1:1}', 'B/cat {L1:1}', 'C/cat {L1:1}'],
    },
  ],
  [
    'cutoff 0: nothing walked',
    input(AB(), { X: { A: 9 } }, [line('L1', 'X', 1)], { cutoff: 0 }),
    same(short(['SKU-X', 1, 0])),
  ],
  [
    'tie on priority: earlier createdAt wins',
    input([slot('A', 1, { createdAt: 20 }), slot('B', 1, { createdAt: 10 })], { X: { A: 9, B: 9 } }, [
      line('L1', 'X', 1),
    ]),
    all(['B/cat {L1:1}']),
  ],
  [
    'tie on priority and createdAt: smaller id wins',
    input([slot('A', 1, { id: 'isl-z' }), slot('B', 1, { id: 'isl-a' })], { X: { A: 9, B: 9 } }, [line('L1', 'X', 1)]),
    all(['B/cat {L1:1}']),
  ],
  [
    'scoped to B: the scoped one is primary',
    input(AB(), { X: { A: 9, B: 9 } }, [line('L1', 'X', 2)], { scopedLocationIds: ['B'] }),
    all(['B/cat {L1:2}']),
  ],
  [
    'scope applies before the cutoff',
    input(ABC(), { X: { A: 9, B: 9, C: 9 } }, [line('L1', 'X', 2)], { cutoff: 1, scopedLocationIds: ['C'] }),
    all(['C/cat {L1:2}']),
  ],
  [
    'scope + cutoff: B walked, C cut',
    input(ABC(), { X: { A: 9, B: 1, C: 9 } }, [line('L1', 'X', 2)], { cutoff: 1, scopedLocationIds: ['B', 'C'] }),
    {
      no_split: short(['SKU-X', 2, 1]),
      split_shipments: short(['SKU-X', 2, 1]),
      split_by_line_items: short(['SKU-X', 2, 1]),
    },
  ],
  [
    'reservations reduce what A can give',
    input(AB(), { X: { A: [5, 3], B: 10 } }, [line('L1', 'X', 3)]),
    {
      no_split: short(['SKU-X', 3, 2]),
      split_shipments: ['A/cat {L1:2}', 'B/cat {L1:1}'],
      split_by_line_items: ['A/cat {L1:2}', 'B/cat {L1:1}'],
    },
  ],
  [
    'over-reserved location gives nothing (net clamps at 0)',
    input(AB(), { X: { A: [2, 5], B: 10 } }, [line('L1', 'X', 3)]),
    { no_split: short(['SKU-X', 3, 0]), split_shipments: ['B/cat {L1:3}'], split_by_line_items: ['B/cat {L1:3}'] },
  ],
  [
    'same SKU twice: 2 × 3 with 5 in stock',
    input([slot('A', 1)], { X: { A: 5 } }, [line('L1', 'X', 3), line('L2', 'X', 3)]),
    same(short(['SKU-X', 6, 5])),
  ],
  [
    'same SKU twice: 2 × 6 with 5 in stock',
    input([slot('A', 1)], { X: { A: 5 } }, [line('L1', 'X', 6), line('L2', 'X', 6)]),
    same(short(['SKU-X', 12, 5])),
  ],
  [
    'same SKU twice over two locations',
    input(AB(), { X: { A: 5, B: 5 } }, [line('L1', 'X', 3), line('L2', 'X', 3)]),
    {
      no_split: short(['SKU-X', 6, 5]),
      split_shipments: ['A/cat {L1:3, L2:2}', 'B/cat {L2:1}'],
      split_by_line_items: ['A/cat {L1:3}', 'A/cat {L2:2}', 'B/cat {L2:1}'],
    },
  ],
  [
    'shipping categories split shipments (not under no_split)',
    input([slot('A', 1)], { X: { A: 5 }, Y: { A: 5 } }, [
      line('L1', 'X', 1, { shippingCategoryId: 'c1' }),
      line('L2', 'Y', 1, { shippingCategoryId: 'c2' }),
      line('L3', 'X', 1, { shippingCategoryId: 'c1' }),
    ]),
    {
      no_split: ['A/- {L1:1, L2:1, L3:1}'],
      split_shipments: ['A/c1 {L1:1, L3:1}', 'A/c2 {L2:1}'],
      split_by_line_items: ['A/c1 {L1:1}', 'A/c2 {L2:1}', 'A/c1 {L3:1}'],
    },
  ],
  [
    'on-hold location → on-hold shipment',
    input([slot('A', 1, { onHold: true }), slot('B', 2)], { X: { A: 3, B: 10 } }, X5()),
    {
      no_split: short(['SKU-X', 5, 3]),
      split_shipments: ['A/cat! {L1:3}', 'B/cat {L1:2}'],
      split_by_line_items: ['A/cat! {L1:3}', 'B/cat {L1:2}'],
    },
  ],
  [
    'on-hold primary under no_split',
    input([slot('A', 1, { onHold: true }), slot('B', 2)], { X: { A: 5 } }, X5()),
    all(['A/cat! {L1:5}']),
  ],
  [
    'shortfalls name each SKU',
    input([slot('A', 1)], { X: { A: 5 }, Y: { A: 1 }, Z: { A: 1 } }, [
      line('L1', 'X', 2),
      line('L2', 'Y', 3),
      line('L3', 'X', 4),
      line('L4', 'Z', 1),
    ]),
    same(short(['SKU-X', 6, 5], ['SKU-Y', 3, 1])),
  ],
];

/** Reference walk (docs/availability.md#walk), written independently of walk.ts. */
const refWalk = (i: AllocationInput) =>
  i.slots
    .filter((s) => !i.scopedLocationIds?.length || i.scopedLocationIds.includes(s.stockLocationId))
    .sort((a, b) => a.priority - b.priority || a.createdAt - b.createdAt || a.id.localeCompare(b.id))
    .slice(0, i.cutoff);

const LOCS = ['A', 'B', 'C', 'D'];
/** 'T' is a do_not_track SKU (the flag belongs to the SKU, so every T line carries it). */
const arbInput: fc.Arbitrary<AllocationInput> = fc.record({
  slots: fc
    .uniqueArray(
      fc.record({
        stockLocationId: fc.constantFrom(...LOCS),
        priority: fc.integer({ min: 1, max: 2 }),
        createdAt: fc.integer({ min: 0, max: 1 }),
        onHold: fc.boolean(),
        id: fc.constantFrom('i1', 'i2', 'i3', 'i4'),
      }),
      { selector: (s) => s.stockLocationId, maxLength: 4 },
    )
    .map((ss) => ss.map((s) => ({ ...s, id: `${s.id}-${s.stockLocationId}` }))),
  cutoff: fc.integer({ min: 0, max: 4 }),
  scopedLocationIds: fc.option(fc.subarray(LOCS), { nil: undefined }),
  stock: arbStock(
    fc.array(fc.tuple(fc.constantFrom('X', 'Y', 'T'), fc.constantFrom(...LOCS), fc.nat(12), fc.nat(4)), {
      maxLength: 10,
    }),
  ),
  lines: fc
    .array(
      fc.tuple(
        fc.constantFrom('X', 'Y', 'T'),
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        fc.constantFrom(null, 'c1', 'c2'),
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((ls) =>
      ls.map(([sku, q, doNotShip, cat], n) =>
        line(`L${n + 1}`, sku, q, { doNotShip, doNotTrack: sku === 'T', shippingCategoryId: cat }),
      ),
    ),
});

describe.each(NAMES)('%s: allocation and split matrix', (name) => {
  it.each(matrix.map(([title, i, want]) => [title, i, want[name]] as const))('%s', (_t, i, want) =>
    check(name, i, want),
  );

  it('do_not_ship: picks in unshipped, in no shipment, still consuming stock', () => {
    const dns = run(
      name,
      input([slot('A', 1)], { X: { A: 5 } }, [line('L1', 'X', 2, { doNotShip: true }), line('L2', 'X', 3)]),
    );
    expect(dns.shortfalls).toEqual([]);
    expect(shape(dns)).toEqual([name === 'no_split' ? 'A/- {L2:3}' : 'A/cat {L2:3}']);
    expect(dns.unshipped).toEqual([{ lineItemId: 'L1', skuId: 'X', quantity: 2, stockLocationId: 'A', tracked: true }]);
    const only = run(name, input([slot('A', 1)], { X: { A: 5 } }, [line('L1', 'X', 5, { doNotShip: true })]));
    expect([only.shipments, only.unshipped.map((p) => p.quantity)]).toEqual([[], [5]]);
    // the held units are gone for the next line
    const held = run(
      name,
      input(AB(), { X: { A: 5, B: 5 } }, [line('L1', 'X', 3, { doNotShip: true }), line('L2', 'X', 3)]),
    );
    if (name === 'no_split') expect(shorts(held)).toEqual([['SKU-X', 6, 5]]);
    else
      expect([shape(held), held.unshipped.map((p) => `${p.stockLocationId}:${p.quantity}`)]).toEqual([
        ['A/cat {L2:2}', 'B/cat {L2:1}'],
        ['A:3'],
      ]);
  });

  it('do_not_track: needs no stock, ships untracked from the primary location', () => {
    const dnt = line('L1', 'T', 4, { doNotTrack: true });
    const plan = run(name, input(AB(), { X: { A: 2 } }, [dnt, line('L2', 'X', 2)]));
    expect(plan.shortfalls).toEqual([]);
    expect(shape(plan)).toEqual(
      [
        name === 'no_split' ? 'A/- {L1:4, L2:2}' : name === 'split_shipments' ? 'A/cat {L1:4, L2:2}' : 'A/cat {L1:4}',
      ].concat(name === 'split_by_line_items' ? ['A/cat {L2:2}'] : []),
    );
    expect(plan.shipments[0].picks[0]).toEqual({
      lineItemId: 'L1',
      skuId: 'T',
      quantity: 4,
      stockLocationId: 'A',
      tracked: false,
    });
    // with tracked stock only at B, the untracked line still goes to the primary (A)
    const far = run(name, input(AB(), { X: { B: 2 } }, [dnt, line('L2', 'X', 2)]));
    if (name === 'no_split') expect(shorts(far)).toEqual([['SKU-X', 2, 0]]);
    else expect(shape(far)).toEqual(['A/cat {L1:4}', 'B/cat {L2:2}']);
  });

  it('priority ties: shuffling slots never changes the plan', () => {
    fc.assert(
      fc.property(
        arbInput.chain((i) =>
          fc.tuple(
            fc.constant(i),
            fc.shuffledSubarray(i.slots, { minLength: i.slots.length, maxLength: i.slots.length }),
          ),
        ),
        ([i, shuffled]) => {
          expect(run(name, { ...i, slots: shuffled })).toEqual(run(name, i));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('property: stock never over-picked, lines fully picked when no shortfall, only walked locations', () => {
    let complete = 0;
    fc.assert(
      fc.property(arbInput, (i) => {
        const plan = run(name, i);
        const picks: Pick[] = [...plan.shipments.flatMap((s) => s.picks), ...plan.unshipped];
        const walked = new Set(refWalk(i).map((s) => s.stockLocationId));
        for (const p of picks) expect(walked.has(p.stockLocationId)).toBe(true);
        const used = new Map<string, number>();
        for (const p of picks)
          if (p.tracked)
            used.set(
              `${p.skuId}|${p.stockLocationId}`,
              (used.get(`${p.skuId}|${p.stockLocationId}`) ?? 0) + p.quantity,
            );
        for (const [key, q] of used) {
          const [sku, loc] = key.split('|');
          const s = i.stock.get(sku)?.get(loc);
          expect(q).toBeLessThanOrEqual(s ? Math.max(0, s.quantity - s.reserved) : 0);
        }
        for (const l of i.lines) {
          const got = picks.filter((p) => p.lineItemId === l.lineItemId);
          expect(got.every((p) => p.tracked === !l.doNotTrack && p.skuId === l.skuId)).toBe(true);
          expect(plan.unshipped.filter((p) => p.lineItemId === l.lineItemId)).toHaveLength(
            l.doNotShip ? got.length : 0,
          );
          if (!plan.shortfalls.length) expect(got.reduce((t, p) => t + p.quantity, 0)).toBe(l.quantity);
        }
        if (name === 'no_split')
          expect(plan.shipments.length <= 1 && plan.shipments.every((s) => s.shippingCategoryId === null)).toBe(true);
        if (!plan.shortfalls.length) complete++;
      }),
      { numRuns: 400 },
    );
    expect(complete).toBeGreaterThan(20); // the property is not vacuous
  });
});
