import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LeadTime } from '../inventory/availability';
import { stringifyDocument, WithJsonText } from '../jsonapi/json-text';
import { InventoryValue } from './inventory-json';

/** Lead times, inventories and documents over strings of `text`. */
function arbitraries(text: fc.Arbitrary<string>) {
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
  return { inventory, document };
}

// lone surrogates, NUL, quotes, non-Latin-1 (€)
const { inventory, document } = arbitraries(fc.string({ unit: 'binary' }));
const latin1 = arbitraries(fc.string({ unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)) }));

const withValues = (doc: unknown) =>
  JSON.parse(JSON.stringify(doc), (key, v) =>
    key === 'inventory' && v !== null ? InventoryValue.of(v) : v,
  ) as unknown;

describe('stringifyDocument', () => {
  it('gives the JSON value JSON.stringify gives for the same plain document', () => {
    fc.assert(
      fc.property(document, (doc) => {
        expect(JSON.parse(stringifyDocument(withValues(doc)))).toStrictEqual(JSON.parse(JSON.stringify(doc)));
      }),
    );
  });

  it("gives JSON.stringify's very bytes when every character is Latin-1", () => {
    fc.assert(
      fc.property(latin1.document, (doc) => {
        expect(stringifyDocument(withValues(doc))).toBe(JSON.stringify(doc));
      }),
    );
  });

  it('sends a price in euros as an escape, so a product page stays a one-byte string', () => {
    const standard = {
      shipping_method: {
        name: 'Standard',
        reference: null,
        price_amount_cents: 700,
        free_over_amount_cents: 9900,
        formatted_price_amount: '€7.00',
        formatted_free_over_amount: '€99.00',
      },
      min: { hours: 24, days: 1 },
      max: { hours: 72, days: 3 },
    };
    const inv = { available: true, quantity: 3, levels: [{ quantity: 3, delivery_lead_times: [standard] }] };
    const body = stringifyDocument({ data: { attributes: { name: 'Maglia', inventory: InventoryValue.of(inv) } } });
    expect([...body].every((c) => c.charCodeAt(0) <= 0xff)).toBe(true);
    expect(body).toContain('"\\u20ac7.00"');
    expect(JSON.parse(body).data.attributes.inventory).toStrictEqual(inv);
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
