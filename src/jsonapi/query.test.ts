import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PREDICATES } from './predicates';
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, type ParsedQuery, parseQuery } from './query';
import { expectClientError } from './test-support';

function attempt<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    expectClientError(e);
    return undefined;
  }
}

/** Characters that break naive parsers or SQL: NUL, lone surrogates, quotes, LIKE wildcards, separators. */
const NASTY_UNITS = [
  '\u0000',
  '\ud800',
  '\udfff',
  '\\',
  '%',
  '_',
  "'",
  '"',
  ',',
  ' ',
  '\n',
  '\t',
  '-',
  '.',
  '[',
  ']',
  '=',
  '&',
  '😀',
  'é',
];
const unit = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY_UNITS), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), weight: 1 },
);
const anyString = fc.string({ unit, maxLength: 24 });

const SPECIAL_VALUES = [
  '',
  ' ',
  ',',
  'a,,b',
  'a, b',
  'name',
  '-name',
  '--name',
  '-',
  'name,-created_at',
  'stock_levels',
  'stock_levels.x',
  'a.b,c',
  '.',
  '0',
  '1',
  '25',
  '26',
  '-1',
  '1.5',
  '1e3',
  '00001',
  '99999999999999999999',
  '1000000',
  '1000001',
  'NaN',
  'Infinity',
  "'; drop table inventory_models; --",
  '%',
  '_',
  '\\',
  '{"a":1}',
  '[1]',
  'null',
  'true',
  '\u0000',
  '\ud800',
  'a\u0000b',
];
const value = fc.oneof(
  { arbitrary: anyString, weight: 3 },
  { arbitrary: fc.constantFrom(...SPECIAL_VALUES), weight: 3 },
  { arbitrary: fc.array(fc.oneof(anyString, fc.constantFrom(...SPECIAL_VALUES)), { maxLength: 3 }), weight: 1 },
  { arbitrary: fc.constant(undefined), weight: 1 },
);

const WORDS = [
  'name',
  'strategy',
  'id',
  'ids',
  'created_at',
  'created_at_from',
  'inventory_models',
  'q',
  'number',
  'size',
  '',
  '__proto__',
  'constructor',
  'toString',
];
const word = fc.oneof(fc.constantFrom(...WORDS), fc.stringMatching(/^[A-Za-z0-9_]{1,12}$/), anyString);
const key = fc.oneof(
  fc.constantFrom(
    'include',
    'sort',
    'page',
    'page[number]',
    'page[size]',
    'page[]',
    'filter',
    'filter[q]',
    'filter[q][]',
    'fields',
    'fields[]',
    '__proto__',
    'constructor',
    'toString',
    '',
  ),
  word.map((w) => `fields[${w}]`),
  word.map((w) => `page[${w}]`),
  fc.tuple(word, fc.constantFrom(...PREDICATES, 'xx', '')).map(([a, p]) => `filter[q][${a}_${p}]`),
  word.map((w) => `filter[${w}]`),
  word.map((w) => `filter[q][${w}]`),
  anyString,
);
/** What Fastify's query-string parser hands over: own keys, repeated keys as arrays. */
const rawQuery = fc.array(fc.tuple(key, value), { maxLength: 8 }).map((entries) => Object.fromEntries(entries));

/** What a successful parse promises to the code downstream. */
function checkShape(q: ParsedQuery) {
  expect(Number.isInteger(q.page.size) && q.page.size >= 1 && q.page.size <= PAGE_SIZE_MAX).toBe(true);
  expect(Number.isInteger(q.page.number) && q.page.number >= 1 && q.page.number <= 1_000_000).toBe(true);
  const item = (s: string) => expect(s !== '' && !/\s/.test(s) && !s.includes('\u0000') && s.isWellFormed()).toBe(true);
  q.include.forEach(item);
  for (const [type, names] of Object.entries(q.fields)) {
    expect(type).toMatch(/^[a-z_]+$/);
    names.forEach(item);
  }
  for (const s of q.sort) expect(typeof s.field === 'string' && typeof s.desc === 'boolean').toBe(true);
  for (const r of q.ransack) {
    expect(r.key).toMatch(/^[A-Za-z0-9_]+$/);
    for (const v of [r.value].flat())
      expect(typeof v === 'string' && !v.includes('\u0000') && v.isWellFormed()).toBe(true);
  }
  for (const f of q.filters) {
    expect(f.key).toMatch(/^[A-Za-z0-9_]+$/);
    expect(f.key).not.toBe('q');
    expect(typeof f.value === 'string' && !f.value.includes('\u0000') && f.value.isWellFormed()).toBe(true);
  }
}

describe('parseQuery properties', () => {
  it('returns a well-formed query or throws a 4xx ApiError, for any query object', () => {
    fc.assert(
      fc.property(rawQuery, (raw) => {
        const q = attempt(() => parseQuery(raw));
        if (q) checkShape(q);
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts every page size and number in range and refuses the rest with INVALID_PAGE_VALUE', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('page[size]', 'page[number]'),
        fc.oneof(fc.integer({ min: -5, max: 1_000_005 }).map(String), anyString),
        (k, v) => {
          const max = k === 'page[size]' ? PAGE_SIZE_MAX : 1_000_000;
          const ok = /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= max;
          try {
            const q = parseQuery({ [k]: v });
            expect(ok).toBe(true);
            expect(k === 'page[size]' ? q.page.size : q.page.number).toBe(Number(v));
          } catch (e) {
            expectClientError(e);
            expect(ok).toBe(false);
            expect(e.errors[0]!.code).toMatch(/^INVALID_PAGE_VALUE$|^INVALID_FIELD_VALUE$/);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never lets NUL or a lone surrogate through, in keys or values', () => {
    // the x's keep a generated surrogate from pairing up with the poison
    const poisoned = fc
      .tuple(anyString, fc.constantFrom('\u0000', '\ud800', '\udc00'), anyString)
      .map(([a, b, c]) => `${a}x${b}x${c}`);
    fc.assert(
      fc.property(
        fc.oneof(key, poisoned),
        fc.oneof(poisoned, fc.array(poisoned, { minLength: 1, maxLength: 3 })),
        fc.boolean(),
        (k, v, poisonKey) => {
          const raw = poisonKey ? { [`${k}\u0000`]: 'x' } : { [k]: v };
          try {
            parseQuery(raw);
          } catch (e) {
            expectClientError(e);
            return;
          }
          throw new Error(`accepted ${JSON.stringify(raw)}`);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('parseQuery examples', () => {
  const code = (raw: Record<string, string | string[]>) => {
    try {
      parseQuery(raw);
    } catch (e) {
      expectClientError(e);
      return e.errors[0]!.code;
    }
    return undefined;
  };

  it('defaults', () => {
    expect(parseQuery({})).toEqual({
      include: [],
      fields: {},
      sort: [],
      page: { number: 1, size: PAGE_SIZE_DEFAULT },
      ransack: [],
      filters: [],
    });
  });

  it('sort=-name,created_at', () => {
    expect(parseQuery({ sort: '-name,created_at' }).sort).toEqual([
      { field: 'name', desc: true },
      { field: 'created_at', desc: false },
    ]);
  });

  it('page[size]=25 is the maximum; 26 and 0 are INVALID_PAGE_VALUE', () => {
    expect(parseQuery({ 'page[size]': '25', 'page[number]': '3' }).page).toEqual({ number: 3, size: 25 });
    expect(code({ 'page[size]': '26' })).toBe('INVALID_PAGE_VALUE');
    expect(code({ 'page[size]': '0' })).toBe('INVALID_PAGE_VALUE');
    expect(code({ 'page[number]': '-1' })).toBe('INVALID_PAGE_VALUE');
    expect(code({ 'page[number]': '1.5' })).toBe('INVALID_PAGE_VALUE');
    expect(code({ 'page[foo]': '1' })).toBe('INVALID_PAGE_OBJECT');
    expect(code({ 'page[size]': ['1', '2'] })).toBe('PARAM_NOT_ALLOWED');
  });

  it('include=a.b,c', () => {
    expect(parseQuery({ include: 'a.b,c' }).include).toEqual(['a.b', 'c']);
    expect(parseQuery({ include: '' }).include).toEqual([]);
    expect(code({ include: 'a,,c' })).toBe('INVALID_FIELD_VALUE');
    expect(code({ include: 'a, c' })).toBe('INVALID_FIELD_VALUE');
  });

  it('fields, ransack and top-level filters', () => {
    const q = parseQuery({
      'fields[inventory_models]': 'name,strategy',
      'fields[markets]': '',
      'filter[q][name_cont]': "O'Brien %_",
      'filter[q][id_in]': ['a', 'b'],
      'filter[ids]': 'a,b',
    });
    expect(q.fields).toEqual({ inventory_models: ['name', 'strategy'], markets: [] });
    expect(q.ransack).toEqual([
      { key: 'name_cont', value: "O'Brien %_" },
      { key: 'id_in', value: ['a', 'b'] },
    ]);
    expect(q.filters).toEqual([{ key: 'ids', value: 'a,b' }]);
  });

  it('refuses malformed filters, unknown parameters and bad characters', () => {
    expect(code({ 'filter[q]': 'x' })).toBe('INVALID_FILTERS_SYNTAX');
    expect(code({ 'filter[q][a-b]': 'x' })).toBe('INVALID_FILTERS_SYNTAX');
    expect(code({ filter: 'x' })).toBe('INVALID_FILTERS_SYNTAX');
    expect(code({ 'filter[ids]': ['a', 'b'] })).toBe('PARAM_NOT_ALLOWED');
    expect(code({ colour: 'red' })).toBe('PARAM_NOT_ALLOWED');
    expect(code({ include: ['a', 'b'] })).toBe('PARAM_NOT_ALLOWED');
    expect(code({ 'filter[q][name_eq]': 'a\u0000b' })).toBe('INVALID_FIELD_VALUE');
    expect(code({ 'filter[q][name_eq]': 'a\ud800b' })).toBe('INVALID_FIELD_VALUE');
    expect(code({ 'filter[q][name_eq]': ['ok', '\udc00'] })).toBe('INVALID_FIELD_VALUE');
  });
});
