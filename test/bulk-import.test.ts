import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkImportRecords, bulkImportStockItems, lanes } from '../src/jobs/bulk-import';
import { definitions } from '../src/resources/index';
import { checkInvariants, checkStock } from '../src/services/check';
import type { TestApp } from './helpers/app';
import { factory } from './helpers/factory';
import type { Client } from './helpers/http';
import { useTestApp } from './helpers/use-app';

// `npx allot import stock_items FILE.csv`: set-based loads with the API's checks and the ledger.
let t: TestApp;
let api: Client;
let dir: string;
useTestApp({ clean: true }, (s) => ({ t, api } = s));
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'allot-bulk-'));
  const f = factory(api);
  await f.stockLocation({ code: 'bulk-a' });
  await f.stockLocation({ code: 'bulk-b' });
  const cat = await f.shippingCategory();
  await t.database.sql`insert into skus (id, mode, code, name, shipping_category_id)
    select 'bulk' || n, 'test', 'BULK-' || n, 'x', ${cat} from generate_series(1, 2000) n`;
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const csvFile = async (name: string, text: string) => {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
};

const quantities = async (location: string) =>
  new Map(
    (
      await t.database.sql`select s.code, si.quantity from stock_items si join skus s on s.id = si.sku_id
        join stock_locations l on l.id = si.stock_location_id where l.code = ${location}`
    ).map((r) => [r.code as string, r.quantity as number]),
  );

describe('allot import stock_items', () => {
  it('creates, then updates, with every row checked as the API checks it', async () => {
    const rows = ['sku_code,quantity,stock_location_code', 'BULK-1,5,bulk-a', 'BULK-2,6,bulk-b', 'BULK-3,7,bulk-a'];
    const first = await bulkImportStockItems(t.database.sql, await csvFile('a.csv', rows.join('\n')), { mode: 'test' });
    expect(first).toMatchObject({ rows: 3, created: 3, updated: 0, rejected: 0 });
    const rejected: unknown[] = [];
    const second = await bulkImportStockItems(
      t.database.sql,
      await csvFile(
        'b.csv',
        [
          'sku_code,quantity',
          'BULK-1,9',
          'BULK-3,7',
          'NOPE,1',
          'BULK-4,-2',
          'BULK-5,1.5',
          'BULK-6,many',
          'BULK-7,',
          'BULK-8,3',
          'BULK-8,4',
        ].join('\n'),
      ),
      { mode: 'test', location: 'bulk-a', reject: (r) => rejected.push(r) },
    );
    expect(second).toMatchObject({ rows: 9, created: 1, updated: 1, unchanged: 1, rejected: 5 });
    expect(rejected).toEqual([
      { line: 4, key: 'NOPE@bulk-a', field: 'sku_code', message: 'is not a valid SKU code' },
      { line: 5, key: 'BULK-4@bulk-a', field: 'quantity', message: 'must be greater than or equal to 0' },
      { line: 6, key: 'BULK-5@bulk-a', field: 'quantity', message: 'must be an integer' },
      { line: 7, key: 'BULK-6@bulk-a', field: 'quantity', message: 'is not a number' },
      { line: 8, key: 'BULK-7@bulk-a', field: 'quantity', message: "can't be blank" },
    ]);
    const a = await quantities('bulk-a');
    expect(Object.fromEntries(a)).toEqual({ 'BULK-1': 9, 'BULK-3': 7, 'BULK-8': 4 });
    const moves = await t.database.sql`select reason, quantity_delta from stock_movements m
      join stock_items si on si.id = m.stock_item_id join skus s on s.id = si.sku_id where s.code = 'BULK-1'
        order by m.id`;
    expect(moves.map((m) => [m.reason, m.quantity_delta])).toEqual([
      ['import', 5],
      ['import', 4],
    ]);
  });

  it('counts below the reserved stock as the API does: a shortfall, or refused with validate', async () => {
    await t.database.sql`update stock_items set reserved_quantity = 3 where id = (select si.id from stock_items si
      join skus s on s.id = si.sku_id where s.code = 'BULK-8')`;
    await t.database.sql`insert into stock_reservations (id, mode, quantity, status, stock_item_id, sku_id)
      select 'bulk-resv', 'test', 3, 'pending', si.id, si.sku_id from stock_items si join skus s on s.id =
        si.sku_id where s.code = 'BULK-8'`;
    const rejected: Array<{ message: string }> = [];
    const file = await csvFile('c.csv', 'sku_code,quantity\nBULK-8,2');
    const refused = await bulkImportStockItems(t.database.sql, file, {
      mode: 'test',
      location: 'bulk-a',
      validate: true,
      reject: (r) => rejected.push(r),
    });
    expect(refused).toMatchObject({ rejected: 1, short: 0, updated: 0 });
    expect(rejected[0]!.message).toBe('must be greater than or equal to 3 (reserved stock)');
    expect((await quantities('bulk-a')).get('BULK-8')).toBe(4);
    // without validate, the count goes through as PATCH quantity does, and the shortfall is named
    const warned: unknown[] = [];
    const counted = await bulkImportStockItems(t.database.sql, file, {
      mode: 'test',
      location: 'bulk-a',
      warn: (w) => warned.push(w),
    });
    expect(counted).toMatchObject({ rejected: 0, short: 1, updated: 1 });
    expect(warned).toEqual([{ line: 2, key: 'BULK-8@bulk-a', short: 1 }]);
    expect((await quantities('bulk-a')).get('BULK-8')).toBe(2);
    const [m] = await t.database.sql`select m.reason, m.quantity_delta from stock_movements m join skus s on
      s.id = m.sku_id where s.code = 'BULK-8' order by m.id desc limit 1`;
    expect(m).toEqual({ reason: 'import (short by 1)', quantity_delta: -2 });
    const { shortfalls } = await checkStock(t.database.sql);
    expect(shortfalls.map((f) => [f.skuCode, f.short])).toEqual([['BULK-8', 1]]);
    await t.database.sql`delete from stock_reservations where id = 'bulk-resv'`;
    await t.database.sql`update stock_items set reserved_quantity = 0, quantity = 4 where reserved_quantity = 3`;
  });

  it('commits a batch at a time, spread over two connections: readers see whole parts, never less', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `BULK-${i + 1},1`);
    const file = await csvFile('d.csv', `sku_code,quantity\n${lines.join('\n')}`);
    await t.database
      .sql`delete from stock_items where stock_location_id = (select id from stock_locations where code = 'bulk-b')`;
    const seen = new Set<number>();
    let done = false;
    const reader = (async () => {
      while (!done) {
        const res = await api.get(`/api/stock_items?filter[q][stock_location_code_eq]=bulk-b&page[size]=1`);
        seen.add(res.body.meta.record_count);
      }
    })();
    const p = await bulkImportStockItems(t.database.sql, file, { mode: 'test', location: 'bulk-b', batchSize: 250 });
    done = true;
    await reader;
    expect(p).toMatchObject({ rows: 2000, created: 2000 });
    // each batch of 250 rows is two transactions, one per part (by SKU and location): what a reader may see
    const rows = lines.map((l, i) => ({ line: i + 2, sku_code: l.split(',')[0]!, quantity: '1', location: 'bulk-b' }));
    const parts = Array.from({ length: 8 }, (_, b) => lanes(rows.slice(b * 250, (b + 1) * 250), 2));
    expect(parts.every((ps) => ps.length === 2)).toBe(true);
    const possible = new Set(parts.flatMap((ps, b) => [b * 250, ...ps.map((x) => b * 250 + x.length)]));
    possible.add(2000);
    expect([...seen].filter((n) => !possible.has(n))).toEqual([]);
    expect(await checkInvariants(t.database.sql)).toEqual([]);
  });

  it('keeps the last row of a stock item when its rows are spread over batches and connections', async () => {
    const rows = Array.from({ length: 600 }, (_, i) => `BULK-${(i % 150) + 1},${i}`);
    const file = await csvFile('f.csv', `sku_code,quantity\n${rows.join('\n')}`);
    const p = await bulkImportStockItems(t.database.sql, file, { mode: 'test', location: 'bulk-b', batchSize: 100 });
    expect(p.rejected).toBe(0);
    const b = await quantities('bulk-b');
    for (let k = 1; k <= 150; k++) expect(b.get(`BULK-${k}`)).toBe(450 + k - 1);
  });

  it('runs as `npx allot import`, with progress lines, a summary and an error file', async () => {
    const file = await csvFile('e.csv', 'sku_code,quantity\nBULK-10,10\nNOPE,"1"\n');
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        ['bin/allot.mjs', 'import', 'stock_items', file, '--location', 'bulk-a'],
        { env: { ...process.env, DATABASE_URL: t.dbUrl }, cwd: path.resolve(__dirname, '..') },
        (err, stdout, stderr) => resolve({ code: err ? (err.code as number) : 0, stdout, stderr }),
      ),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^2 rows \(100%\) in [\d.]+ s, [\d,]+ rows\/s, 1 rejected$/m);
    expect(r.stdout).toContain('created 1, updated 0, unchanged 0, rejected 1');
    expect(await readFile(`${file}.errors.csv`, 'utf8')).toBe(
      'line,row,field,message\n3,NOPE@bulk-a,sku_code,is not a valid SKU code\n',
    );
    expect((await quantities('bulk-a')).get('BULK-10')).toBe(10);
  });
});

describe('allot import skus and stock_locations', () => {
  const def = (type: string) => definitions.find((d) => d.type === type)!;

  it('upserts SKUs on code with the API checks, merged over what is stored', async () => {
    const cat = await factory(api).shippingCategory();
    const rejected: unknown[] = [];
    const first = await bulkImportRecords(
      t.database.sql,
      def('skus'),
      await csvFile(
        'skus.csv',
        [
          'code,name,shipping_category_id,weight,unit_of_weight,do_not_ship',
          `REC-1,One,${cat},1.5,gr,`,
          `REC-2,Two,,,,true`,
          `REC-3,,${cat},,,`,
          `REC-4,Four,,,,`,
          `REC-5,Five,nope,,,`,
          `REC-6,Six,${cat},heavy,kg,`,
        ].join('\n'),
      ),
      { mode: 'test', reject: (r) => rejected.push(r) },
    );
    expect(first).toMatchObject({ rows: 6, created: 2, rejected: 4 });
    expect(rejected).toEqual([
      { line: 4, key: 'REC-3', field: 'name', message: "can't be blank" },
      { line: 5, key: 'REC-4', field: 'shipping_category', message: "can't be blank" },
      { line: 6, key: 'REC-5', field: 'shipping_category', message: 'is invalid' },
      { line: 7, key: 'REC-6', field: 'weight', message: 'is not a number' },
      { line: 7, key: 'REC-6', field: 'unit_of_weight', message: 'is not included in the list' },
    ]);
    const second = await bulkImportRecords(
      t.database.sql,
      def('skus'),
      await csvFile('skus2.csv', 'code,name\nREC-1,One renamed\nREC-7,Seven'),
      { mode: 'test' },
    );
    // REC-7 is new without a shipping category: refused; REC-1 keeps its category and weight
    expect(second).toMatchObject({ created: 0, updated: 1, rejected: 1 });
    const [sku] = (await api.get('/api/skus?filter[q][code_eq]=REC-1')).body.data;
    expect(sku.attributes).toMatchObject({ name: 'One renamed', weight: 1.5, unit_of_weight: 'gr' });
  });

  it('upserts stock locations on code, defaults applied to new ones', async () => {
    const address = await factory(api).address();
    const p = await bulkImportRecords(
      t.database.sql,
      def('stock_locations'),
      await csvFile(
        'locs.csv',
        `code,name,address_id,label_format\nrec-wh,Rec WH,${address},\nrec-wh2,Two,${address},ZPL`,
      ),
      { mode: 'test' },
    );
    expect(p).toMatchObject({ created: 2, rejected: 0 });
    const res = await api.get('/api/stock_locations?filter[q][code_start]=rec-wh&sort=code');
    expect(res.body.data.map((d: { attributes: object }) => d.attributes)).toMatchObject([
      { code: 'rec-wh', name: 'Rec WH', label_format: 'PDF', suppress_etd: false },
      { code: 'rec-wh2', label_format: 'ZPL' },
    ]);
  });
});
