import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Sql } from 'postgres';
import { upsertApplication } from '../src/auth/applications';
import { keepListCounts } from '../src/query/list-keeper';
import { benchDatabase, postmasterPid, seedNetwork, startServer, stopProcess } from './lib';

/**
 * One catalogue of `skus` SKUs × 10 stock locations for bench/scale.ts, with its server: seeded
 * set-based (the ledger's triggers see one statement), draft orders for the placement rows, a
 * sales-channel and an integration token. Both sizes stay up side by side so that their rounds
 * alternate (bench/rounds.ts).
 */
export const LOCATIONS = 10;
/** SKUs named "Linen shirt …": the first `MARKED` multiples of 100 (`name_cont=linen` matches as many at any size). */
export const MARKED = 100;

export interface Size {
  skus: number;
  sql: Sql;
  dbPid?: number;
  server: ChildProcess;
  base: string;
  sc: string;
  integ: string;
  /** Draft orders of three lines, SKUs spread uniformly over the catalogue. */
  orders: string[];
  notes: string[];
  close(): Promise<void>;
}

export async function seed(sql: Sql, skus: number) {
  process.stderr.write(`seeding ${skus} SKUs × ${LOCATIONS} stock locations…\n`);
  const t0 = Date.now();
  await sql.begin(async (tx) => {
    await seedNetwork(tx, { locations: LOCATIONS, cutoff: 3, strategy: 'split_shipments' });
    await tx`insert into skus (id, mode, code, name, shipping_category_id)
      select 'S' || lpad(g::text, 9, '0'), 'test', 'SKU' || g,
        case when g % 100 = 0 and g <= ${MARKED * 100} then 'Linen shirt ' else 'Shirt ' end || md5(g::text),
        'CATEGORY01'
      from generate_series(1, ${skus}) g`;
    await tx`insert into stock_items (id, mode, quantity, reserved_quantity, sku_id, stock_location_id,
        reserved_stock_id)
      select 'I' || lpad((s::bigint * 10 + l)::text, 11, '0'), 'test', (s * 7 + l * 13) % 100, 0,
        'S' || lpad(s::text, 9, '0'), 'LOC' || lpad(l::text, 7, '0'), 'R' || lpad((s::bigint * 10 + l)::text, 11, '0')
      from generate_series(1, ${skus}) s, generate_series(1, ${LOCATIONS}) l`;
  });
  // what a bulk load is followed by: the list counts' buckets split (the server's keeper would within 5 s)
  const t1 = Date.now();
  await keepListCounts(sql);
  const keepSeconds = (Date.now() - t1) / 1000;
  await sql`vacuum analyze`;
  const [{ bytes }] = await sql<{ bytes: number }[]>`select (pg_total_relation_size('stock_items')
    + pg_total_relation_size('stock_movements'))::float8 as bytes`;
  const [{ lists }] = await sql<{ lists: number }[]>`select (pg_total_relation_size('sku_visibility')
    + pg_total_relation_size('sku_list_counts') + pg_total_relation_size('sku_list_marks')
    + pg_total_relation_size('sku_list_totals') + pg_total_relation_size('sku_list_prefix')
    + pg_total_relation_size('sku_list_prefix_valid'))::float8 as lists`;
  return { seconds: (Date.now() - t0) / 1000, keepSeconds, bytesPerItem: bytes / (skus * LOCATIONS), listBytes: lists };
}

/** `count` draft orders of three lines of one unit, SKUs spread uniformly over the catalogue. */
export async function scaleOrders(sql: Sql, skus: number, count: number, prefix = 'OS'): Promise<string[]> {
  await sql`insert into orders (id, mode, market_id) select ${prefix} || lpad(g::text, 8, '0'), 'test', 'MARKET0001'
    from generate_series(1, ${count}) g`;
  await sql`insert into line_items (id, mode, order_id, sku_id, sku_code, name, quantity)
    select ${prefix} || 'L' || lpad((g * 3 + k)::text, 9, '0'), 'test', ${prefix} || lpad(g::text, 8, '0'),
      'S' || lpad(sku::text, 9, '0'), 'SKU' || sku, 'SKU', 1
    from generate_series(1, ${count}) g, generate_series(0, 2) k,
    lateral (select 1 + ((g::bigint * 7919 + k * 104729) % ${skus}) as sku) s`;
  await sql`analyze orders, line_items`;
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(8, '0')}`);
}

async function token(base: string, body: Record<string, string>): Promise<string> {
  const r = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', ...body }),
  });
  return ((await r.json()) as { access_token: string }).access_token;
}

/** A seeded catalogue of `skus` SKUs and its server (response cache off), up once the stock watcher's sweep ended. */
export async function openSize(skus: number, orderCount: number): Promise<Size> {
  const db = await benchDatabase();
  const { sql } = db.database;
  const notes: string[] = [];
  const s = await seed(sql, skus);
  notes.push(
    `${skus} SKUs: seeded in ${s.seconds.toFixed(0)} s (list buckets split in ${s.keepSeconds.toFixed(1)} s), ` +
      `${s.bytesPerItem.toFixed(0)} B per stock item, list counts ${(s.listBytes / skus).toFixed(0)} B per SKU`,
  );
  const orders = await scaleOrders(sql, skus, orderCount);
  for (const app of [
    { name: 'sc', kind: 'sales_channel' as const, mode: 'test' as const },
    { name: 'in', kind: 'integration' as const, role: 'admin' as const, mode: 'test' as const },
  ])
    await upsertApplication(db.database.db, {
      ...app,
      client_id: `bench-${app.name}`,
      ...(app.kind === 'integration' ? { client_secret: 'bench-integration-secret' } : {}),
    } as never);
  const dbPid = await postmasterPid(sql);
  const { server, base } = await startServer(db.url, { RESPONSE_CACHE_MB: '0' });
  const close = async () => {
    await stopProcess(server);
    await db.close();
  };
  try {
    // what follows a bulk load: the stock watcher records every pair's state (a sweep in short
    // rounds); measured apart, not under the reads
    const t0 = Date.now();
    while (!(await sql`select 1 from stock_watch where config_version is not null and sweep_after is null`).length)
      await new Promise((r) => setTimeout(r, 500));
    notes.push(`${skus} SKUs: the stock watcher's sweep took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const sc = await token(base, { client_id: 'bench-sc', scope: 'market:code:bench' });
    const integ = await token(base, { client_id: 'bench-in', client_secret: 'bench-integration-secret' });
    return { skus, sql, dbPid, server, base, sc, integ, orders, notes, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** The server's resident memory in MB, read from /proc (undefined off Linux). */
export function rssMb(pid: number | undefined): number | undefined {
  const m = pid ? readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/) : null;
  return m ? Number(m[1]) / 1024 : undefined;
}
