import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { factory } from './helpers/factory';
import type { Client } from './helpers/http';
import { download, postExport, settle } from './helpers/jobs';
import { network, order, trigger } from './helpers/orders';
import { useTestApp } from './helpers/use-app';

// Exports (README, "Imports and exports") read one snapshot and match the equivalent list call row for row.
let t: TestApp;
let api: Client;
useTestApp({}, (s) => ({ t, api } = s));

let location: string;
beforeAll(async () => {
  const f = factory(api);
  location = await f.stockLocation({ code: 'exp-wh' });
  const cat = await f.shippingCategory();
  for (let i = 0; i < 30; i++) {
    const sku = await f.sku({ code: `EXP-${String(i).padStart(2, '0')}`, name: i % 2 ? 'Odd, "quoted"' : 'Even' }, cat);
    await f.stockItem(sku, location, i);
  }
});

/** Every page of a list call. */
async function listAll(query: string) {
  const out: Array<{ id: string; attributes: Record<string, unknown> }> = [];
  for (let page = 1; ; page++) {
    const res = await api.get(`/api/${query}${query.includes('?') ? '&' : '?'}page[size]=25&page[number]=${page}`);
    out.push(...res.body.data);
    if (page >= res.body.meta.page_count) return out;
  }
}

async function exportAndSettle(attributes: Record<string, unknown>) {
  const res = await postExport(api, attributes);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.data.id as string, ...(await settle(api, 'exports', res.body.data.id)) };
}

describe('exports', () => {
  it('writes JSON that matches the list call with the same filter, row for row', async () => {
    const exp = await exportAndSettle({ resource_type: 'skus', filters: { name_eq: 'Even', code_start: 'EXP-' } });
    expect(exp).toMatchObject({ status: 'completed', records_count: 15, processed_count: 15, progress: 100 });
    const records = JSON.parse(await download(t.app, exp.attachment_url));
    const listed = await listAll('skus?filter[q][name_eq]=Even&filter[q][code_start]=EXP-');
    expect(records).toEqual(listed.map((d) => ({ id: d.id, ...d.attributes })));
  });

  it('writes CSV with nested includes flattened, and dry data without ids and timestamps', async () => {
    const exp = await exportAndSettle({
      resource_type: 'stock_items',
      format: 'csv',
      includes: ['sku'],
      fields: ['quantity', 'sku.code', 'sku.name'],
      filters: { stock_location_id_eq: location, quantity_gteq: 28 },
    });
    expect(exp).toMatchObject({ status: 'completed', format: 'csv', records_count: 2 });
    const csv = (await download(t.app, exp.attachment_url)).split('\n');
    expect(csv[0]).toBe('id,quantity,sku.id,sku.code,sku.name');
    expect(csv.slice(1).map((l) => l.replace(/^\w+,/, '').replace(/,\w+,/, ','))).toEqual([
      '28,EXP-28,Even',
      '29,EXP-29,"Odd, ""quoted"""',
    ]);
    const dry = await exportAndSettle({ resource_type: 'skus', dry_data: true, filters: { code_eq: 'EXP-03' } });
    const [r] = JSON.parse(await download(t.app, dry.attachment_url));
    expect(r).toMatchObject({ code: 'EXP-03', name: 'Odd, "quoted"' });
    expect(r).not.toHaveProperty('id');
    expect(r).not.toHaveProperty('created_at');
    expect(r).not.toHaveProperty('reference');
  });

  it('exports orders, shipments and stock transfers as their list calls show them', async () => {
    const n = await network(api, { strategy: 'ship_from_primary', stock: { X: { A: 1, B: 5 } } });
    const placed = await trigger(api, 'orders', await order(api, n, { X: 3 }), '_place');
    expect(placed.status, JSON.stringify(placed.body)).toBe(200);
    for (const type of ['orders', 'shipments', 'stock_transfers', 'line_items']) {
      const exp = await exportAndSettle({ resource_type: type });
      const records = JSON.parse(await download(t.app, exp.attachment_url));
      expect(records.length, type).toBeGreaterThan(0);
      expect(records, type).toEqual((await listAll(type)).map((d) => ({ id: d.id, ...d.attributes })));
    }
  });

  it('refuses no records and more than 10,000 as Commerce Layer does (422 with meta the CLI reads)', async () => {
    const none = await postExport(api, { resource_type: 'skus', filters: { code_eq: 'nothing' } });
    expect(none.status).toBe(422);
    expect(none.body.errors[0].meta).toMatchObject({ error: 'greater_than' });
    await t.database.sql`insert into addresses (id, mode, line_1, city, country_code, phone)
      select 'many' || n, 'test', 'x', 'y', 'IT', '1' from generate_series(1, 10001) n`;
    const many = await postExport(api, { resource_type: 'addresses' });
    expect(many.status).toBe(422);
    const [{ n }] = await t.database.sql`select count(*)::int as n from addresses where mode = 'test'`;
    expect(many.body.errors[0].meta).toEqual({ error: 'less_than_or_equal_to', value: n, count: 10_000 });
    await t.database.sql`delete from addresses where id like 'many%'`;
    expect((await postExport(api, { resource_type: 'skus', filters: { nope_eq: 1 } })).status).toBe(400);
    expect((await postExport(api, { resource_type: 'skus', includes: ['nope'] })).status).toBe(400);
    expect((await postExport(api, { resource_type: 'markets' })).status).toBe(422);
  });
});
