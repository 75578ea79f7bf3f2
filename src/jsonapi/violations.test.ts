import { describe, expect, it } from 'vitest';
import { errors } from './errors';
import { relationship, violation } from './violations';

/** The error objects a 422 of these violations carries on the wire. */
const wire = (...v: Parameters<typeof errors.validation>[0]) => errors.validation(v).errors;

describe('the violation catalogue', () => {
  it('words every refused trigger one way, on the trigger, whatever the resource', () => {
    expect(
      wire(
        violation.invalidTransition('_place', 'cancelled', 'order'),
        violation.invalidTransition('_restock', 'approved', 'return'),
        violation.invalidTransition('_ship', 'upcoming', 'shipment'),
      ),
    ).toEqual([
      {
        title: 'cannot be applied to a cancelled order',
        detail: '_place - cannot be applied to a cancelled order',
        code: 'VALIDATION_ERROR',
        status: '422',
        source: { pointer: '/data/attributes/_place' },
        meta: { error: 'invalid_transition' },
      },
      expect.objectContaining({
        title: 'cannot be applied to an approved return',
        source: { pointer: '/data/attributes/_restock' },
      }),
      expect.objectContaining({ title: 'cannot be applied to an upcoming shipment' }),
    ]);
  });

  it('points at an attribute by name, at a relationship through relationship()', () => {
    const [attribute, rel] = wire(violation.blank('name'), violation.blank(relationship('sku')));
    expect(attribute).toMatchObject({ source: { pointer: '/data/attributes/name' }, meta: { error: 'blank' } });
    expect(rel).toMatchObject({ detail: "sku - can't be blank", source: { pointer: '/data/relationships/sku' } });
  });

  it("carries the limit in meta.count and what was sent in meta.value, in Rails' words", () => {
    const [most, least] = wire(
      violation.atMost('quantity', 5, 6),
      violation.atLeast('quantity', 3, 1, 'reserved stock'),
    );
    expect(most).toMatchObject({
      title: 'must be less than or equal to 5',
      meta: { error: 'less_than_or_equal_to', value: 6, count: 5 },
    });
    expect(least).toMatchObject({
      title: 'must be greater than or equal to 3 (reserved stock)',
      meta: { error: 'greater_than_or_equal_to', value: 1, count: 3 },
    });
    expect(wire(violation.blank('zip_code'))[0]!.meta).toEqual({ error: 'blank' });
  });

  it('names the short SKU of a placement, with what the strategy could place', () => {
    const [e] = wire(violation.outOfStock({ code: 'TSHIRT', requested: 5, available: 2 }, 'no_split'));
    expect(e).toMatchObject({
      title: 'TSHIRT: 5 requested, 2 available with the no_split strategy (short by 3)',
      source: { pointer: '/data/relationships/line_items' },
      meta: { error: 'out_of_stock', value: 'TSHIRT', count: 2 },
    });
  });
});
