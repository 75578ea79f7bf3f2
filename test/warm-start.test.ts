import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertApplication } from '../src/auth/applications';
import { connect, type Database } from '../src/db/client';
import { freePort } from '../src/db/embedded';
import { warmUp } from '../src/ops/warm';
import { createTestDatabase, type TestApp } from './helpers/app';
import { remoteClient } from './helpers/http';
import { network, order, trigger } from './helpers/orders';
import { spawnServer, stopServerProcess } from './helpers/server';
import { useTestApp } from './helpers/use-app';

/**
 * Warm start (README, "Warm start"): a server process listens only once its tables have statistics
 * and every connection of its pool has rehearsed the hot statements, in transactions rolled back —
 * so nothing of the rehearsal is left, and the first placement is served like any other.
 */
let tdb: Awaited<ReturnType<typeof createTestDatabase>>;
let database: Database;
let proc: ChildProcess | undefined;
let base: string;
let output: string;
let neverAnalyzedBefore: string[];

const neverAnalyzed = async () =>
  (
    await database.sql<{ name: string }[]>`select c.relname as name from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind = 'r' and c.reltuples < 0 order by 1`
  ).map((r) => r.name);

beforeAll(async () => {
  tdb = await createTestDatabase();
  database = connect(tdb.url, 2);
  neverAnalyzedBefore = await neverAnalyzed();
  await upsertApplication(database.db, {
    name: 'warm',
    kind: 'integration',
    role: 'admin',
    mode: 'test',
    client_id: 'warm-admin',
    client_secret: 'warm-admin-secret',
  });
  const port = await freePort();
  const server = spawnServer({
    DATABASE_URL: tdb.url,
    PORT: String(port),
    RATE_LIMITS: 'off',
    LOG_LEVEL: 'info',
    WORKERS: '1',
    DB_POOL_SIZE: '4',
  });
  proc = server.proc;
  output = await server.ready;
  base = `http://127.0.0.1:${port}`;
}, 60_000);
afterAll(async () => {
  await stopServerProcess(proc);
  await database?.close();
  await tdb?.drop();
});

describe('warm start', () => {
  it('analyzes the tables never analyzed and prepares every pool connection before it listens', async () => {
    expect(neverAnalyzedBefore).toEqual(expect.arrayContaining(['orders', 'stock_items', 'skus']));
    const warm = output.indexOf('warm start: ');
    expect(warm, output).toBeGreaterThanOrEqual(0);
    expect(warm).toBeLessThan(output.indexOf('ready on'));
    expect(output).toMatch(new RegExp(`warm start: ${neverAnalyzedBefore.length} table\\(s\\) analyzed, 4 connection`));
    expect(await neverAnalyzed()).toEqual([]);
    // the pool's connections are open already (and the probe of /ready is answered from them)
    const [open] = await database.sql<{ n: number }[]>`select count(*)::int as n from pg_stat_activity
      where datname = current_database() and application_name = 'allot' and pid <> pg_backend_pid()`;
    expect(open!.n).toBeGreaterThanOrEqual(4);
    expect((await fetch(`${base}/ready`)).status).toBe(200);
  });

  it('leaves nothing behind: no rows, no number taken from a sequence; the first placement is served', async () => {
    for (const table of ['orders', 'skus', 'markets', 'stock_items', 'shipments', 'stock_movements', 'versions'])
      expect((await database.sql.unsafe(`select count(*)::int as n from ${table}`))[0]!.n, table).toBe(0);
    const res = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: 'warm-admin',
        client_secret: 'warm-admin-secret',
      }),
    });
    const api = remoteClient(base, ((await res.json()) as { access_token: string }).access_token);
    const n = await network(api, { stock: { X: { A: 2 } } });
    const id = await order(api, n, { X: 2 });
    const placed = await trigger(api, 'orders', id, '_place');
    expect(placed.status, JSON.stringify(placed.body)).toBe(200);
    expect(placed.body.data.attributes).toMatchObject({ status: 'placed', number: 1 });
    const numbers = await database.sql`select (select number from markets) as market,
      (select number from stock_locations) as location`;
    expect(numbers[0]).toEqual({ market: 1, location: 1 });
  });
});

describe('/ready during the warm-up', () => {
  let w: TestApp;
  useTestApp({}, (s) => ({ t: w } = s));

  it('is 503 "warming up" until every connection has rehearsed, then 200', async () => {
    const problems: unknown[] = [];
    const warming = warmUp(w.app, w.database, (_m, err) => problems.push(err));
    const during = await w.app.inject({ url: '/ready' });
    expect([during.statusCode, during.json().reason]).toEqual([503, expect.stringMatching(/^warming up/)]);
    expect(await warming).toMatchObject({ connections: w.database.sql.options.max });
    expect(problems).toEqual([]);
    expect((await w.app.inject({ url: '/ready' })).statusCode).toBe(200);
  });
});

describe('warm-up beside writers', () => {
  let w: TestApp;
  useTestApp({}, (s) => ({ t: w } = s));

  it('finishes while an import-like writer keeps a SKU insert open, and holds up no writer meanwhile', async () => {
    // a transaction that has created a SKU and stays open (as an import does for as long as it runs)
    const held = connect(w.dbUrl, 1);
    let commit!: () => void;
    const open = new Promise<void>((ready) => {
      void held.sql.begin(async (tx) => {
        await tx`insert into shipping_categories (id, mode, name) values ('heldcat', 'test', 'Held')`;
        await tx`insert into skus (id, mode, code, name, shipping_category_id)
          values ('heldsku', 'test', 'HELD', 'Held', 'heldcat')`;
        ready();
        await new Promise<void>((r) => (commit = r));
      });
    });
    await open;
    try {
      const bound = new Promise((r) => setTimeout(() => r('still warming after 20 s'), 20_000));
      const result = await Promise.race([warmUp(w.app, w.database, () => {}), bound]);
      expect(result).toMatchObject({ connections: w.database.sql.options.max });
      // and another writer of SKUs is not queued behind a warm-up's lock either
      const other = connect(w.dbUrl, 1);
      await other.sql`insert into shipping_categories (id, mode, name) values ('othercat', 'test', 'Other')`;
      await other.sql`insert into skus (id, mode, code, name, shipping_category_id)
        values ('othersku', 'test', 'OTHER', 'Other', 'othercat')`;
      await other.close();
    } finally {
      commit();
      await held.close();
    }
    const [{ n }] = await w.database.sql<{ n: number }[]>`select count(*)::int as n from skus`;
    expect(n).toBe(2);
  }, 40_000);

  it('a transaction that says it rehearses cannot commit what it skipped the list lock for', async () => {
    const sql = w.database.sql;
    const attempt = sql.begin(async (tx) => {
      await tx`select set_config('allot.rehearsal', 'rollback', true)`;
      await tx`insert into inventory_models (id, mode, name, strategy) values ('rehmodel', 'test', 'R', 'no_split')`;
      await tx`insert into addresses (id, mode, first_name, last_name, line_1, city, zip_code, country_code, phone)
        values ('rehaddr', 'test', 'R', 'R', 'Street', 'City', '00000', 'IT', '+39')`;
      await tx`insert into stock_locations (id, mode, number, name, code, address_id)
        values ('rehloc', 'test', 0, 'R', 'rehloc', 'rehaddr')`;
      await tx`insert into inventory_stock_locations (id, mode, priority, inventory_model_id, stock_location_id)
        values ('rehisl', 'test', 1, 'rehmodel', 'rehloc')`;
    });
    await expect(attempt).rejects.toMatchObject({ code: '25000' });
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from inventory_models where id = 'rehmodel'`;
    expect(n).toBe(0);
  });
});
