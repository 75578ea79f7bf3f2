import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LeadTime } from '../inventory/availability';
import { stringifyDocument, WithJsonText } from '../jsonapi/json-text';
import { InventoryValue } from './inventory-json';

const text = fc.string({ unit: 'binary' }); // lone surrogates, NUL, quotes, non-Latin-1 (€)
const leadTime: fc.Arbitrary<LeadTime> = fc.record({
  shipping_method: fc.record({
    name: text,
    reference: fc.option(text),
    price_amount_cents: fc.nat(),
    free_over_amount_cents: fc.option(fc.nat()),
    formatted_price_amount: fc.option(text),
    formatted_free_over_amount: fc.option(text),
  }),
  min: fc.record({ hours: fc.nat(), days: fc.nat() }),
  max: fc.record({ hours: fc.nat(), days: fc.nat() }),
});
const inventory = fc
  .tuple(
    fc.boolean(),
    fc.nat(),
    fc.array(fc.record({ quantity: fc.nat(), delivery_lead_times: fc.array(leadTime, { maxLength: 3 }) }), {
      maxLength: 4,
    }),
  )
  .map(([available, quantity, levels]) => ({ available, quantity, levels }));

/** A document as the routes build it: inventories among ordinary attributes, in data and in included. */
const document = fc.record({
  data: fc.array(fc.record({ id: text, attributes: fc.record({ name: text, inventory: fc.option(inventory) }) })),
  included: fc.array(fc.record({ id: text, inventory })),
});

const withValues = (doc: unknown) =>
  JSON.parse(JSON.stringify(doc), (key, v) =>
    key === 'inventory' && v !== null ? InventoryValue.of(v) : v,
  ) as unknown;

describe('stringifyDocument', () => {
  it('gives the bytes JSON.stringify gives for the same plain document', () => {
    fc.assert(
      fc.property(document, (doc) => {
        expect(stringifyDocument(withValues(doc))).toBe(JSON.stringify(doc));
      }),
    );
  });

  it('leaves other serializers the plain value: webhooks and logs see the same JSON', () => {
    fc.assert(
      fc.property(inventory, (inv) => {
        expect(JSON.stringify({ inventory: InventoryValue.of(inv) })).toBe(JSON.stringify({ inventory: inv }));
      }),
    );
  });

  it('is exact even when a string of the document holds the mark it splices at', () => {
    class Probe extends WithJsonText {
      jsonText = () => '{"probe":1}';
    }
    // learn the mark the way a hostile string could only guess it: from a stray serialization
    let mark = '';
    const spy = new (class extends WithJsonText {
      jsonText = () => '0';
      override toJSON() {
        const m = super.toJSON();
        if (typeof m === 'string') mark = m;
        return m;
      }
    })();
    stringifyDocument([spy]);
    expect(mark).not.toBe('');
    const doc = { a: mark, b: new Probe(), c: [mark, new Probe()] };
    expect(stringifyDocument(doc)).toBe(JSON.stringify({ a: mark, b: { probe: 1 }, c: [mark, { probe: 1 }] }));
  });
});
