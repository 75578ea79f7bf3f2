import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ParsedDocument, parseDocument } from './document';
import { expectClientError } from './test-support';

const TYPE = 'inventory_models';

const unit = fc.oneof(
  { arbitrary: fc.constantFrom('\u0000', '\ud800', '\udfff', '\\', '"', '/', '~', ' ', '😀'), weight: 1 },
  { arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 1 },
);
const anyString = fc.string({ unit, maxLength: 16 });
/** Member names, with the ones that look up something on Object.prototype. */
const PROTO_KEYS = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'prototype'];
// fast-check itself proposes __proto__, toString, valueOf… among its strings too
const memberName = fc.oneof(
  fc.constantFrom(
    'type',
    'id',
    'data',
    'attributes',
    'relationships',
    'links',
    'meta',
    'name',
    'stock_levels',
    ...PROTO_KEYS,
  ),
  anyString,
);
/** Any JSON value, its object keys drawn from member names too. */
const { json } = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    anyString,
    fc.array(tie('json'), { maxLength: 4 }),
    fc.dictionary(memberName, tie('json'), { maxKeys: 4 }),
  ),
}));

const identifier = fc.oneof(
  fc.record(
    { type: fc.oneof(fc.constantFrom(TYPE, 'markets', ''), json), id: fc.oneof(fc.constantFrom('abc', ''), json) },
    { requiredKeys: [] },
  ),
  json,
);
const relationship = fc.oneof(
  fc.record(
    { data: fc.oneof(fc.constant(null), identifier, fc.array(identifier, { maxLength: 3 })), links: json, meta: json },
    { requiredKeys: [] },
  ),
  json,
);
const data = fc.record(
  {
    type: fc.oneof(
      { arbitrary: fc.constant(TYPE), weight: 4 },
      { arbitrary: fc.constantFrom('markets', ''), weight: 1 },
      { arbitrary: json, weight: 1 },
    ),
    id: fc.oneof(fc.constantFrom('ID1', 'other', ''), json),
    attributes: fc.oneof(
      { arbitrary: fc.dictionary(memberName, json, { maxKeys: 5 }), weight: 4 },
      { arbitrary: json, weight: 1 },
    ),
    relationships: fc.oneof(
      { arbitrary: fc.dictionary(memberName, relationship, { maxKeys: 3 }), weight: 4 },
      { arbitrary: json, weight: 1 },
    ),
    links: json,
    meta: json,
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  { arbitrary: json, weight: 1 },
  { arbitrary: fc.record({ data: fc.oneof(data, json), meta: json }, { requiredKeys: [] }), weight: 2 },
  {
    arbitrary: fc
      .tuple(data, fc.dictionary(memberName, json, { maxKeys: 2 }))
      .map(([d, extra]) => ({ data: { ...extra, ...d } })),
    weight: 4,
  },
);
const expected = fc.oneof(
  fc.constant({ type: TYPE }),
  fc.record({ type: fc.constant(TYPE), id: fc.oneof(fc.constant('ID1'), anyString) }),
);

/** What a successful parse promises to the resource layer. */
function checkShape(doc: ParsedDocument, exp: { type: string; id?: string }) {
  expect(doc.id).toBe(exp.id);
  const isPlain = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  expect(isPlain(doc.attributes)).toBe(true);
  expect(isPlain(doc.relationships)).toBe(true);
  for (const l of Object.values(doc.relationships)) {
    for (const i of l === null ? [] : [l].flat()) {
      expect(typeof i.type).toBe('string');
      expect(typeof i.id === 'string' && i.id !== '').toBe(true);
    }
  }
}

describe('parseDocument properties', () => {
  it('returns a parsed document or throws a 4xx ApiError, for any JSON body', () => {
    fc.assert(
      fc.property(body, expected, (b, exp) => {
        // the body comes from JSON.parse on the wire
        const wire = JSON.parse(JSON.stringify(b) ?? 'null');
        let doc: ParsedDocument;
        try {
          doc = parseDocument(wire, exp);
        } catch (e) {
          expectClientError(e);
          return;
        }
        checkShape(doc, exp);
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts a well-formed create document with any attributes and relationships', () => {
    const ident = fc.record({ type: fc.string({ minLength: 1 }), id: fc.string({ minLength: 1 }) });
    const rels = fc.dictionary(
      fc.string({ minLength: 1 }).filter((s) => s !== '__proto__'),
      fc.record({ data: fc.oneof(fc.constant(null), ident, fc.array(ident)) }),
      { maxKeys: 3 },
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 5 }), rels, (attributes, relationships) => {
        const doc = parseDocument(JSON.parse(JSON.stringify({ data: { type: TYPE, attributes, relationships } })), {
          type: TYPE,
        });
        expect(doc.attributes).toEqual(JSON.parse(JSON.stringify(attributes)));
        expect(Object.keys(doc.relationships).sort()).toEqual(Object.keys(relationships).sort());
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseDocument examples', () => {
  const code = (b: unknown, exp: { type: string; id?: string } = { type: TYPE }) => {
    try {
      parseDocument(b, exp);
    } catch (e) {
      expectClientError(e);
      return `${e.errors[0]!.code} ${e.errors[0]!.source?.pointer ?? ''}`.trim();
    }
    return undefined;
  };

  it('parses a create document', () => {
    expect(
      parseDocument(
        {
          data: {
            type: TYPE,
            attributes: { name: 'EU' },
            relationships: {
              market: { data: { type: 'markets', id: 'm1' } },
              stock_levels: { data: [{ type: 'x', id: 'a' }] },
              other: { data: null },
            },
            meta: {},
          },
        },
        { type: TYPE },
      ),
    ).toEqual({
      id: undefined,
      attributes: { name: 'EU' },
      relationships: { market: { type: 'markets', id: 'm1' }, stock_levels: [{ type: 'x', id: 'a' }], other: null },
    });
    expect(parseDocument({ data: { type: TYPE } }, { type: TYPE })).toEqual({
      id: undefined,
      attributes: {},
      relationships: {},
    });
  });

  it('parses an update document whose id matches the URL', () => {
    expect(
      parseDocument({ data: { type: TYPE, id: 'ID1', attributes: { name: 'x' } } }, { type: TYPE, id: 'ID1' }),
    ).toEqual({ id: 'ID1', attributes: { name: 'x' }, relationships: {} });
  });

  it('refuses malformed documents with the right code and pointer', () => {
    expect(code(null)).toBe('PARAM_MISSING /data');
    expect(code([])).toBe('PARAM_MISSING /data');
    expect(code('data')).toBe('PARAM_MISSING /data');
    expect(code({ name: 'x' })).toBe('PARAM_MISSING /data');
    expect(code({ data: [] })).toBe('INVALID_DATA_FORMAT /data');
    expect(code({ data: null })).toBe('INVALID_DATA_FORMAT /data');
    expect(code({ data: {} })).toBe('PARAM_MISSING /data/type');
    expect(code({ data: { type: 1 } })).toBe('INVALID_DATA_FORMAT /data/type');
    expect(code({ data: { type: 'markets' } })).toBe('TYPE_MISMATCH /data/type');
    expect(code({ data: { type: TYPE, id: 'x' } })).toBe('PARAM_NOT_ALLOWED /data/id');
    expect(code({ data: { type: TYPE } }, { type: TYPE, id: 'ID1' })).toBe('PARAM_MISSING /data/id');
    expect(code({ data: { type: TYPE, id: 'other' } }, { type: TYPE, id: 'ID1' })).toBe(
      'KEY_NOT_INCLUDED_IN_URL /data/id',
    );
    expect(code({ data: { type: TYPE, id: 1 } }, { type: TYPE, id: '1' })).toBe('KEY_NOT_INCLUDED_IN_URL /data/id');
    expect(code({ data: { type: TYPE, attributes: [] } })).toBe('INVALID_DATA_FORMAT /data/attributes');
    expect(code({ data: { type: TYPE, attributes: 'x' } })).toBe('INVALID_DATA_FORMAT /data/attributes');
    expect(code({ data: { type: TYPE, relationships: [] } })).toBe('INVALID_DATA_FORMAT /data/relationships');
    expect(code({ data: { type: TYPE, relationships: { m: {} } } })).toBe('INVALID_DATA_FORMAT /data/relationships/m');
    expect(code({ data: { type: TYPE, relationships: { m: { data: { type: 'markets' } } } } })).toBe(
      'INVALID_DATA_FORMAT /data/relationships/m/data',
    );
    expect(code({ data: { type: TYPE, relationships: { m: { data: { type: 'markets', id: '' } } } } })).toBe(
      'INVALID_DATA_FORMAT /data/relationships/m/data',
    );
    expect(code({ data: { type: TYPE, relationships: { m: { data: [{ type: 'markets', id: 'a' }, 'b'] } } } })).toBe(
      'INVALID_DATA_FORMAT /data/relationships/m/data/1',
    );
    expect(code({ data: { type: TYPE, colour: 'red' } })).toBe('PARAM_NOT_ALLOWED /data/colour');
  });

  it(`regression: an update whose data.id is an object with a non-callable \
toString answers 400, not a TypeError`, () => {
    // String({ toString: 1 }) threw "Cannot convert object to primitive value" in
    // errors.keyNotIncludedInUrl(String(data.id))
    expect(
      code(JSON.parse('{"data":{"type":"inventory_models","id":{"toString":1}}}'), { type: TYPE, id: 'ID1' }),
    ).toBe('KEY_NOT_INCLUDED_IN_URL /data/id');
    expect(
      code(JSON.parse('{"data":{"type":"inventory_models","id":[{"valueOf":{},"toString":null}]}}'), {
        type: TYPE,
        id: 'ID1',
      }),
    ).toBe('KEY_NOT_INCLUDED_IN_URL /data/id');
  });
});
