import { afterAll, describe, expect, it } from 'vitest';
import { runExport } from '../src/jobs/run-export';
import { Registry } from '../src/resources/registry';
import { checkInvariants } from '../src/services/check';
import { buildRegistry } from '../src/wiring';
import type { TestApp } from './helpers/app';
import { factory } from './helpers/factory';
import type { Client } from './helpers/http';
import { download, postExport, postImport, settle } from './helpers/jobs';
import { exited, type ServerProcess, startServerProcess, stopServerProcess } from './helpers/server';
import { useTestApp } from './helpers/use-app';

// Jobs live in PostgreSQL: a killed worker's job resumes elsewhere, never half-applied per input;
// processes sharing the queue never run a job twice; an export reads one snapshot. This file's own
// app runs no jobs (JOB_WORKERS=0): server processes, or the test itself, do.
let t: TestApp;
let api: Client;
useTestApp({ env: { JOB_WORKERS: '0' } }, (s) => ({ t, api } = s));
const servers: ServerProcess[] = [];
afterAll(async () => {
  for (const s of servers) await stopServerProcess(s.proc);
});

const addresses = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({
    first_name: 'Ada',
    last_name: 'Lovelace',
    zip_code: '10100',
    line_1: `${i} Import St`,
    city: 'Turin',
    country_code: 'IT',
    phone: '+39 011 000000',
    reference: tag,
  }));

const countTagged = async (tag: string) =>
  (await t.database.sql`select count(*)::int as n from addresses where reference = ${tag}`)[0]!.n as number;

describe('durability', () => {
  it('resumes an import whose process was killed mid-job, each input applied exactly once', {
    timeout: 180_000,
  }, async () => {
    const a = await startServerProcess(t.dbUrl, { JOB_WORKERS: '1' });
    servers.push(a);
    const res = await postImport(api, { resource_type: 'addresses', inputs: addresses(3000, 'killed') });
    expect(res.status).toBe(201);
    const id = res.body.data.id;
    for (;;) {
      const [imp] = await t.database.sql`select processed_count, status from imports where id = ${id}`;
      if (imp!.processed_count >= 200) break;
      expect(['pending', 'in_progress']).toContain(imp!.status);
      await new Promise((r) => setTimeout(r, 20));
    }
    a.proc.kill('SIGKILL');
    await exited(a.proc);
    servers.splice(servers.indexOf(a), 1); // a killed process says no exit code: nothing to stop later
    // what committed is whole batches, and the counters say exactly that much
    const [mid] = await t.database.sql`select processed_count, cursor, status from imports where id = ${id}`;
    expect(mid!.status).toBe('in_progress');
    expect(mid!.cursor % 100).toBe(0);
    expect(await countTagged('killed')).toBe(mid!.processed_count);
    const b = await startServerProcess(t.dbUrl, { JOB_WORKERS: '1' });
    servers.push(b);
    const done = await settle(api, 'imports', id, 120_000);
    expect(done).toMatchObject({ status: 'completed', processed_count: 3000, errors_count: 0 });
    expect(await countTagged('killed')).toBe(3000);
  });

  it('runs each job once when two processes compete for the queue', { timeout: 180_000 }, async () => {
    const c = await startServerProcess(t.dbUrl, { JOB_WORKERS: '2' });
    servers.push(c);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await postImport(api, { resource_type: 'addresses', inputs: addresses(300, `shared-${i}`) });
      expect(res.status).toBe(201);
      ids.push(res.body.data.id);
    }
    for (const id of ids) expect(await settle(api, 'imports', id, 120_000)).toMatchObject({ status: 'completed' });
    for (let i = 0; i < 6; i++) expect(await countTagged(`shared-${i}`)).toBe(300);
    expect(await t.database.sql`select id from jobs`).toHaveLength(0);
    expect(await checkInvariants(t.database.sql)).toEqual([]);
  });
});

describe('export snapshot', () => {
  it('reads every page from the snapshot its first page saw, whatever commits in between', async () => {
    for (const s of servers.splice(0)) await stopServerProcess(s.proc);
    const f = factory(api);
    const location = await f.stockLocation();
    const cat = await f.shippingCategory();
    await t.database.sql`insert into skus (id, mode, code, name, shipping_category_id)
      select 'snap' || n, 'test', 'SNAP-' || n, 'x', ${cat} from generate_series(1, 700) n`;
    await t.database.sql`insert into stock_items (id, mode, quantity, sku_id, stock_location_id, reserved_stock_id)
      select 'snapsi' || n, 'test', 1, 'snap' || n, ${location}, 'snaprs' || n from generate_series(1, 700) n`;
    const res = await postExport(api, { resource_type: 'stock_items', filters: { stock_location_id_eq: location } });
    expect(res.status).toBe(201);
    // a registry whose stock items' sku_code loader, run per page, commits a write after the first page
    const reg = buildRegistry();
    let pages = 0;
    const def = reg.get('stock_items')!;
    const a = def.attributes.sku_code!;
    const slow = {
      ...def,
      attributes: {
        ...def.attributes,
        sku_code: {
          ...a,
          load: async (...args: Parameters<NonNullable<typeof a.load>>) => {
            if (++pages === 1)
              await t.database.sql`update stock_items set quantity = 2 where stock_location_id = ${location}`;
            return a.load!(...args);
          },
        },
      },
    };
    const snapReg = new Registry(reg.all().map((d) => (d.type === 'stock_items' ? slow : d)));
    expect(await runExport({ db: t.database.db, reg: snapReg, stopping: () => false }, res.body.data.id)).toBe('done');
    expect(pages).toBe(2);
    const exp = await settle(api, 'exports', res.body.data.id);
    const records = JSON.parse(await download(t.app, exp.attachment_url));
    expect(records).toHaveLength(700);
    expect(records.every((r: { quantity: number }) => r.quantity === 1)).toBe(true);
    const [{ n }] = await t.database.sql`select count(*)::int as n from stock_items where quantity = 2`;
    expect(n).toBe(700);
  });
});
