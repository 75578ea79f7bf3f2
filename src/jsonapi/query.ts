import { errors } from './errors';

/** The wire form of a list/read query (docs/wire-format.md), before it is checked against a resource. */
export interface ParsedQuery {
  include: string[];
  fields: Record<string, string[]>;
  sort: Array<{ field: string; desc: boolean }>;
  page: { number: number; size: number };
  /** `filter[q][name_eq]=x` → { key: 'name_eq', value: 'x' } */
  ransack: Array<{ key: string; value: string | string[] }>;
  /** `filter[ids]=a,b`, `filter[created_at_from]=…`, `filter[name]=x` */
  filters: Array<{ key: string; value: string }>;
}

export const PAGE_SIZE_DEFAULT = 10;
export const PAGE_SIZE_MAX = 25;
const MAX_PAGE_NUMBER = 1_000_000;

type RawQuery = Record<string, string | string[] | undefined>;

const single = (key: string, v: string | string[]): string => {
  if (Array.isArray(v))
    throw errors.badRequest('PARAM_NOT_ALLOWED', 'Param not allowed', `${key} may be given only once.`);
  return v;
};

/** Characters PostgreSQL text cannot hold, and unpaired surrogates, are refused before they reach SQL. */
export function checkText(key: string, v: string): string {
  // eslint-disable-next-line no-control-regex
  if (v.includes('\u0000') || !v.isWellFormed())
    throw errors.invalidFieldValue(key, 'contains characters that are not allowed', key);
  return v;
}

const list = (key: string, v: string): string[] => {
  const items = v.split(',');
  if (items.some((s) => s === '' || /\s/.test(s))) {
    throw errors.invalidFieldValue(key, `must be a comma-separated list without spaces, got ${JSON.stringify(v)}`, key);
  }
  return items;
};

function pageValue(key: string, raw: string, max: number): number {
  if (!/^\d+$/.test(raw)) throw errors.invalidPageValue(key, raw, 'must be a positive integer');
  const n = Number(raw);
  if (n < 1 || n > max) throw errors.invalidPageValue(key, raw, `must be between 1 and ${max}`);
  return n;
}

export function parseQuery(raw: RawQuery): ParsedQuery {
  const q: ParsedQuery = {
    include: [],
    fields: {},
    sort: [],
    page: { number: 1, size: PAGE_SIZE_DEFAULT },
    ransack: [],
    filters: [],
  };
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    checkText(key, key);
    for (const v of Array.isArray(value) ? value : [value]) checkText(key, v);
    let m: RegExpMatchArray | null;
    if (key === 'include') {
      const v = single(key, value);
      if (v !== '') q.include = list(key, v);
    } else if ((m = key.match(/^fields\[([a-z_]+)\]$/))) {
      const v = single(key, value);
      q.fields[m[1]!] = v === '' ? [] : list(key, v);
    } else if (key === 'sort') {
      const v = single(key, value);
      if (v !== '')
        q.sort = list(key, v).map((s) =>
          s.startsWith('-') ? { field: s.slice(1), desc: true } : { field: s, desc: false },
        );
    } else if (key === 'page[number]') {
      q.page.number = pageValue(key, single(key, value), MAX_PAGE_NUMBER);
    } else if (key === 'page[size]') {
      q.page.size = pageValue(key, single(key, value), PAGE_SIZE_MAX);
    } else if (key.startsWith('page[') || key === 'page') {
      throw errors.invalidPageObject();
    } else if ((m = key.match(/^filter\[q\]\[([A-Za-z0-9_]+)\]$/))) {
      q.ransack.push({ key: m[1]!, value });
    } else if ((m = key.match(/^filter\[([A-Za-z0-9_]+)\]$/)) && m[1] !== 'q') {
      q.filters.push({ key: m[1]!, value: single(key, value) });
    } else if (key.startsWith('filter')) {
      throw errors.invalidFiltersSyntax(`${key} is not a valid filter; use filter[q][attribute_predicate]=value.`);
    } else {
      throw errors.paramNotAllowed(key, key);
    }
  }
  return q;
}
