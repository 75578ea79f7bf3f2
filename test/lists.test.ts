import { beforeAll, describe, expect, it } from 'vitest';
import { type Client, doc, type Res } from './helpers/http';
import { useTestApp } from './helpers/use-app';

let api: Client;

type Seed = {
  name: string;
  strategy: string;
  cutoff: number;
  reservation: number;
  reference: string | null;
  origin: string | null;
  metadata: Record<string, unknown>;
  id: string;
  created_at: string;
};

const S = [
  'no_split',
  'split_shipments',
  'split_by_line_items',
  'ship_from_primary',
  'ship_from_first_available_or_primary',
];
const ROWS: Array<[string, string, number, number, string | null, string | null, Record<string, unknown>]> = [
  ['Alpha Europe', 'no_split', 1, 3600, 'ERP-001', 'erp', { region: 'eu', tier: 'gold' }],
  ['Alpha America', 'split_shipments', 2, 1800, 'ERP-002', 'erp', { region: 'us' }],
  ['Beta Europe', 'ship_from_primary', 3, 7200, 'ERP-003', 'erp', { region: 'eu' }],
  ['Beta Asia', 'no_split', 4, 600, null, null, {}],
  ['Gamma Warehouse', 'split_by_line_items', 5, 3600, '', null, { region: 'asia', tier: 'silver' }],
  ['Gamma Outlet', 'ship_from_first_available_or_primary', 6, 900, 'WH-6', 'wms', {}],
  ['Delta North', 'no_split', 7, 3600, 'wh-7', 'wms', { tier: 'gold' }],
  ['Oslo North', 'no_split', 8, 120, null, 'wms', {}],
  ['Epsilon', 'split_shipments', 9, 86400, 'ERP-009', 'erp', { region: 'eu', flags: { a: 1 } }],
  ['Zeta', 'split_shipments', 10, 3600, null, null, {}],
  ['Hamburg Erpenbeck', 'no_split', 2, 3600, 'HH-1', 'manual', {}],
  ['Sale 100% off', 'no_split', 2, 60, 'PROMO', 'manual', {}],
  ['Sale 1000 off', 'no_split', 2, 60, 'PROMO-2', 'manual', {}],
  ['Under_score', 'ship_from_primary', 3, 3600, null, null, {}],
  ['UnderXscore', 'ship_from_primary', 3, 3600, null, null, {}],
  ['Back\\slash', 'no_split', 1, 1, '', '', {}],
  ...Array.from({ length: 14 }, (_, i): (typeof ROWS)[number] => {
    const n = i + 1;
    return [
      `Omega ${String(n).padStart(2, '0')}`,
      S[n % 5]!,
      1 + ((n * 3) % 10),
      300 * n,
      n % 3 === 0 ? null : n % 3 === 1 ? `OM-${n}` : '',
      'omega',
      n % 2 ? { region: 'us', n } : { n },
    ];
  }),
];
const seeds: Seed[] = [];

useTestApp({}, (s) => ({ api } = s));
beforeAll(async () => {
  for (const [name, strategy, cutoff, reservation, reference, origin, metadata] of ROWS) {
    const res = await api.post(
      '/api/inventory_models',
      doc('inventory_models', {
        name,
        strategy,
        stock_locations_cutoff: cutoff,
        stock_reservation_cutoff: reservation,
        reference,
        reference_origin: origin,
        metadata,
      }),
    );
    if (res.status !== 201) throw new Error(`seed ${name}: ${res.status} ${JSON.stringify(res.body)}`);
    seeds.push({
      name,
      strategy,
      cutoff,
      reservation,
      reference,
      origin,
      metadata,
      id: res.body.data.id,
      created_at: res.body.data.attributes.created_at,
    });
  }
});

/** Query strings built the way the SDK builds them (URLSearchParams: brackets percent-encoded). */
const url = (params: Record<string, string>) => `/api/inventory_models?${new URLSearchParams(params)}`;
const pathOf = (link: string) => link.replace(/^https?:\/\/[^/]+/, '');

/** Every page of a query, following links.next. */
async function all(params: Record<string, string>): Promise<any[]> {
  let res = await api.get(url({ 'page[size]': '25', ...params }));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const out = [...res.body.data];
  while (res.body.links.next) {
    res = await api.get(pathOf(res.body.links.next));
    out.push(...res.body.data);
  }
  expect(out.length).toBe(res.body.meta.record_count);
  return out;
}
const names = async (params: Record<string, string>) => (await all(params)).map((d) => d.attributes.name).sort();
const expected = (p: (m: Seed) => boolean) =>
  seeds
    .filter(p)
    .map((m) => m.name)
    .sort();
const error = (res: Res, code: string) => {
  expect(res.status).toBe(400);
  expect(res.body.errors[0]).toMatchObject({ code, status: '400' });
};

describe('pagination', () => {
  it('pages by 10 by default, up to 25, with record_count and page_count', async () => {
    const d = await api.get('/api/inventory_models');
    expect([d.body.data.length, d.body.meta]).toEqual([10, { record_count: 30, page_count: 3 }]);
    const p1 = await api.get('/api/inventory_models?page[size]=25');
    expect([p1.body.data.length, p1.body.meta]).toEqual([25, { record_count: 30, page_count: 2 }]);
    const p2 = await api.get('/api/inventory_models?page[size]=25&page[number]=2');
    expect(p2.body.data).toHaveLength(5);
    expect(new Set([...p1.body.data, ...p2.body.data].map((x: any) => x.id)).size).toBe(30);
    const beyond = await api.get('/api/inventory_models?page[number]=9');
    expect([beyond.status, beyond.body.data, beyond.body.meta.record_count]).toEqual([200, [], 30]);
  });

  it.each(['page[size]=26', 'page[size]=0', 'page[size]=abc', 'page[number]=0', 'page[number]=-1'])(
    '400 INVALID_PAGE_VALUE for %s',
    async (q) => {
      error(await api.get(`/api/inventory_models?${q}`), 'INVALID_PAGE_VALUE');
    },
  );

  it('links first/prev/next/last keep the other parameters', async () => {
    const params = { 'filter[q][reference_origin_eq]': 'omega', sort: '-stock_locations_cutoff', 'page[size]': '4' };
    const p1 = await api.get(url(params));
    expect(p1.body.meta).toEqual({ record_count: 14, page_count: 4 });
    const l = p1.body.links;
    expect(Object.keys(l).sort()).toEqual(['first', 'last', 'next']);
    for (const [link, n] of [
      [l.first, '1'],
      [l.next, '2'],
      [l.last, '4'],
    ]) {
      const u = new URL(link);
      expect(u.searchParams.get('page[number]')).toBe(n);
      expect(u.searchParams.get('page[size]')).toBe('4');
      expect(u.searchParams.get('filter[q][reference_origin_eq]')).toBe('omega');
      expect(u.searchParams.get('sort')).toBe('-stock_locations_cutoff');
    }
    const p2 = await api.get(pathOf(l.next));
    expect(new URL(p2.body.links.prev).searchParams.get('page[number]')).toBe('1');
    expect(new URL(p2.body.links.next).searchParams.get('page[number]')).toBe('3');
    const last = await api.get(pathOf(l.last));
    expect([last.body.data.length, last.body.links.next]).toEqual([2, undefined]);
    expect(new URL(last.body.links.prev).searchParams.get('page[number]')).toBe('3');
    expect(new Set((await all(params)).map((x) => x.id)).size).toBe(14);
  });
});

describe('sorting and sparse fieldsets', () => {
  it('sorts by several fields, - meaning descending, and never repeats a record across pages', async () => {
    const rows = await all({ sort: 'stock_locations_cutoff,-stock_reservation_cutoff', 'page[size]': '7' });
    expect(new Set(rows.map((r) => r.id)).size).toBe(30);
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1].attributes, rows[i].attributes];
      expect(
        a.stock_locations_cutoff < b.stock_locations_cutoff ||
          (a.stock_locations_cutoff === b.stock_locations_cutoff &&
            a.stock_reservation_cutoff >= b.stock_reservation_cutoff),
      ).toBe(true);
    }
    const byDate = await all({ sort: '-created_at' });
    expect(byDate.map((r) => r.attributes.created_at)).toEqual(
      [...byDate.map((r) => r.attributes.created_at)].sort().reverse(),
    );
    const erp = { 'filter[q][reference_origin_eq]': 'erp' };
    expect((await all({ ...erp, sort: 'strategy,name' })).map((r) => r.attributes.name)).toEqual([
      'Alpha Europe',
      'Beta Europe',
      'Alpha America',
      'Epsilon',
    ]);
    expect((await all({ ...erp, sort: '-name' })).map((r) => r.attributes.name)).toEqual([
      'Epsilon',
      'Beta Europe',
      'Alpha Europe',
      'Alpha America',
    ]);
    expect((await all({ ...erp, sort: '-reference' })).map((r) => r.attributes.reference)).toEqual([
      'ERP-009',
      'ERP-003',
      'ERP-002',
      'ERP-001',
    ]);
  });

  it.each(['colour', '-colour', 'metadata', 'put_stock_transfers_on_hold'])(
    '400 INVALID_SORT_CRITERIA for sort=%s',
    async (s) => {
      error(await api.get(url({ sort: s })), 'INVALID_SORT_CRITERIA');
    },
  );

  it('fields[inventory_models] returns only the members asked for', async () => {
    const check = (d: any) => {
      expect([Object.keys(d.attributes), Object.keys(d.relationships)]).toEqual([['name'], ['stock_levels']]);
      expect(d).toMatchObject({
        id: expect.any(String),
        type: 'inventory_models',
        links: { self: expect.any(String) },
        meta: { mode: 'test' },
      });
    };
    const list = await api.get(url({ 'fields[inventory_models]': 'name,stock_levels' }));
    expect(list.body.data).toHaveLength(10);
    list.body.data.forEach(check);
    check(
      (await api.get(`/api/inventory_models/${seeds[0]!.id}?fields[inventory_models]=name,stock_levels`)).body.data,
    );
    const created = await api.post(
      '/api/inventory_models?fields[inventory_models]=name,stock_levels',
      doc('inventory_models', { name: 'Sparse' }),
    );
    check(created.body.data);
    expect((await api.delete(`/api/inventory_models/${created.body.data.id}`)).status).toBe(204);
  });

  it('400 INVALID_FIELD for an unknown field', async () => {
    error(await api.get(url({ 'fields[inventory_models]': 'name,colour' })), 'INVALID_FIELD');
  });
});

describe('filters (docs/wire-format.md#filters)', () => {
  const lower = (s: string | null) => (s ?? '').toLowerCase();
  const like = (pattern: string) =>
    new RegExp(
      `^${pattern
        .split('')
        .map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('')}$`,
      'i',
    );
  const present = (m: Seed) => m.reference !== null && m.reference !== '';
  const cases: Array<[string, string, (m: Seed) => boolean]> = [
    ['stock_locations_cutoff_eq', '3', (m) => m.cutoff === 3],
    ['strategy_not_eq', 'no_split', (m) => m.strategy !== 'no_split'],
    ['reference_not_eq', 'PROMO', (m) => m.reference !== null && m.reference !== 'PROMO'],
    ['reference_eq_or_null', 'ERP-001', (m) => m.reference === 'ERP-001' || m.reference === null],
    ['reference_not_eq_or_null', 'PROMO', (m) => m.reference !== 'PROMO'],
    ['name_eq_any', 'Zeta,Epsilon', (m) => ['Zeta', 'Epsilon'].includes(m.name)],
    ['name_eq_all', 'Zeta,Epsilon', () => false],
    ['name_not_eq_all', 'Zeta,Epsilon', (m) => !['Zeta', 'Epsilon'].includes(m.name)],
    ['strategy_in', 'no_split,ship_from_primary', (m) => ['no_split', 'ship_from_primary'].includes(m.strategy)],
    ['strategy_not_in', 'no_split,ship_from_primary', (m) => !['no_split', 'ship_from_primary'].includes(m.strategy)],
    ['reference_in_or_null', 'PROMO,HH-1', (m) => m.reference === null || ['PROMO', 'HH-1'].includes(m.reference)],
    ['reference_not_in_or_null', 'PROMO,HH-1', (m) => m.reference === null || !['PROMO', 'HH-1'].includes(m.reference)],
    ['stock_locations_cutoff_lt', '3', (m) => m.cutoff < 3],
    ['stock_locations_cutoff_lteq', '3', (m) => m.cutoff <= 3],
    ['stock_locations_cutoff_gt', '8', (m) => m.cutoff > 8],
    ['stock_locations_cutoff_gteq', '8', (m) => m.cutoff >= 8],
    ['stock_reservation_cutoff_lt_any', '100,1000', (m) => m.reservation < 1000],
    ['stock_reservation_cutoff_lt_all', '100,1000', (m) => m.reservation < 100],
    ['stock_reservation_cutoff_lteq_all', '900,3600', (m) => m.reservation <= 900],
    ['stock_reservation_cutoff_gt_any', '3600,7200', (m) => m.reservation > 3600],
    ['stock_reservation_cutoff_gteq_all', '3600,1800', (m) => m.reservation >= 3600],
    ['stock_reservation_cutoff_gteq_any', '3600,1800', (m) => m.reservation >= 1800],
    ['name_matches', 'alpha%', (m) => like('alpha%').test(m.name)],
    ['name_matches', 'Under_score', (m) => ['Under_score', 'UnderXscore'].includes(m.name)],
    ['name_does_not_match', '%e%', (m) => !like('%e%').test(m.name)],
    ['name_matches_any', 'alpha%,%asia', (m) => like('alpha%').test(m.name) || like('%asia').test(m.name)],
    ['name_matches_all', '%a%,%e%', (m) => like('%a%').test(m.name) && like('%e%').test(m.name)],
    ['name_does_not_match_any', '%a%,%e%', (m) => !like('%a%').test(m.name) || !like('%e%').test(m.name)],
    ['name_does_not_match_all', '%a%,%e%', (m) => !like('%a%').test(m.name) && !like('%e%').test(m.name)],
    ['name_cont', 'ELTA', (m) => lower(m.name).includes('elta')],
    ['name_not_cont', 'a', (m) => !lower(m.name).includes('a')],
    ['name_cont_any', 'zeta,outlet', (m) => lower(m.name).includes('zeta') || lower(m.name).includes('outlet')],
    ['name_cont_all', 'a,e', (m) => lower(m.name).includes('a') && lower(m.name).includes('e')],
    ['name_not_cont_any', 'a,e', (m) => !lower(m.name).includes('a') || !lower(m.name).includes('e')],
    ['name_not_cont_all', 'a,e', (m) => !lower(m.name).includes('a') && !lower(m.name).includes('e')],
    ['name_start', 'beta', (m) => lower(m.name).startsWith('beta')],
    ['name_not_start', 'omega', (m) => !lower(m.name).startsWith('omega')],
    ['name_start_any', 'alpha,beta', (m) => /^(alpha|beta)/i.test(m.name)],
    ['name_not_start_all', 'alpha,omega', (m) => !/^(alpha|omega)/i.test(m.name)],
    ['name_end', 'EUROPE', (m) => lower(m.name).endsWith('europe')],
    ['name_not_end', 'off', (m) => !lower(m.name).endsWith('off')],
    ['name_end_any', 'europe,asia', (m) => /(europe|asia)$/i.test(m.name)],
    ['name_end_all', 'pe,ope', (m) => /ope$/i.test(m.name)],
    ['name_not_end_any', 'europe,ope', (m) => !/europe$/i.test(m.name)],
    ['reference_present', 'true', present],
    ['reference_present', 'false', (m) => !present(m)],
    ['reference_blank', 'true', (m) => !present(m)],
    ['reference_blank', 'false', present],
    ['reference_null', 'true', (m) => m.reference === null],
    ['reference_null', 'false', (m) => m.reference !== null],
    ['reference_not_null', 'true', (m) => m.reference !== null],
    ['reference_not_null', 'false', (m) => m.reference === null],
    ['name_or_reference_cont', 'erp', (m) => lower(m.name).includes('erp') || lower(m.reference).includes('erp')],
    ['metadata_jcont', '{"region":"eu"}', (m) => m.metadata.region === 'eu'],
    ['metadata_jcont', '{"region":"eu","tier":"gold"}', (m) => m.name === 'Alpha Europe'],
    ['metadata_jcont', '{"flags":{"a":1}}', (m) => m.name === 'Epsilon'],
  ];

  it.each(cases)('filter[q][%s]=%s', async (key, value, p) => {
    expect(await names({ [`filter[q][${key}]`]: value })).toEqual(expected(p));
  });

  it('combines filters with AND', async () => {
    expect(
      await names({ 'filter[q][strategy_eq]': 'no_split', 'filter[q][stock_locations_cutoff_lteq]': '2' }),
    ).toEqual(expected((m) => m.strategy === 'no_split' && m.cutoff <= 2));
  });

  it('matches LIKE wildcards in cont, start and end literally', async () => {
    expect(await names({ 'filter[q][name_cont]': '100%' })).toEqual(['Sale 100% off']);
    expect(await names({ 'filter[q][name_cont]': 'r_s' })).toEqual(['Under_score']);
    expect(await names({ 'filter[q][name_start]': 'Under_' })).toEqual(['Under_score']);
    expect(await names({ 'filter[q][name_end]': '% off' })).toEqual(['Sale 100% off']);
    expect(await names({ 'filter[q][name_cont]': 'k\\s' })).toEqual(['Back\\slash']);
    expect(await names({ 'filter[q][name_cont_any]': 'r_s,0%' })).toEqual(['Sale 100% off', 'Under_score']);
    expect(await names({ 'filter[q][name_not_cont]': '_' })).toEqual(expected((m) => !m.name.includes('_')));
  });

  it('top-level filters: ids, created_at_from/to and attribute lists', async () => {
    const [a, b] = [seeds[3]!, seeds[17]!];
    expect((await all({ 'filter[ids]': `${a.id},${b.id}` })).map((r) => r.id).sort()).toEqual([a.id, b.id].sort());
    expect((await all({ 'filter[q][id_eq]': a.id })).map((r) => r.id)).toEqual([a.id]);
    const [from, to] = [seeds[10]!.created_at, seeds[19]!.created_at];
    expect(await names({ 'filter[created_at_from]': from })).toEqual(expected((m) => m.created_at >= from));
    expect(await names({ 'filter[created_at_to]': to })).toEqual(expected((m) => m.created_at <= to));
    expect(await names({ 'filter[created_at_from]': from, 'filter[created_at_to]': to })).toEqual(
      expected((m) => m.created_at >= from && m.created_at <= to),
    );
    expect(await names({ 'filter[q][created_at_lt]': from })).toEqual(expected((m) => m.created_at < from));
    expect(await names({ 'filter[name]': 'Zeta,Epsilon' })).toEqual(['Epsilon', 'Zeta']);
    expect(await names({ 'filter[strategy]': 'split_shipments' })).toEqual(
      expected((m) => m.strategy === 'split_shipments'),
    );
  });

  it.each([
    ['filter[q][put_stock_transfers_on_hold_true]', 'true'],
    ['filter[q][put_stock_transfers_on_hold_eq]', 'true'],
    ['filter[q][manual_stock_decrement_false]', 'true'],
    ['filter[q][colour_eq]', 'red'],
    ['filter[q][name_frobnicate]', 'x'],
    ['filter[q][stock_levels_colour_eq]', 'x'],
    ['filter[colour]', 'red'],
    ['filter[put_stock_transfers_on_hold]', 'true'],
  ])('400 FILTER_NOT_ALLOWED for %s', async (key, value) => {
    error(await api.get(url({ [key]: value })), 'FILTER_NOT_ALLOWED');
  });

  it.each([
    ['filter[q][stock_locations_cutoff_eq]', 'abc'],
    ['filter[q][stock_locations_cutoff_gt]', '1.5'],
    ['filter[q][stock_locations_cutoff_in]', '1,two'],
    ['filter[q][created_at_gt]', 'yesterday'],
    ['filter[q][updated_at_lteq]', '2024-13-45'],
    ['filter[created_at_from]', 'not-a-date'],
    ['filter[stock_locations_cutoff]', '1,abc'],
    ['filter[q][reference_null]', 'maybe'],
    ['filter[q][metadata_jcont]', 'not json'],
  ])('400 INVALID_FILTER_VALUE for %s=%s', async (key, value) => {
    const res = await api.get(url({ [key]: value }));
    error(res, 'INVALID_FILTER_VALUE');
    expect(res.body.errors[0].source?.parameter).toBe(key);
  });
});
