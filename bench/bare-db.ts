import { performance } from 'node:perf_hooks';
import { connect } from '../src/db/client';
import { type Figures, treeCpuSeconds } from './lib';
import { quantile } from './rounds';

/**
 * Bare PostgreSQL baselines for write benches, run in the same bench run on the same database:
 * plain transactions of single-row statements through a postgres.js pool of the server's size and
 * the bench's concurrency, with no triggers, foreign keys or secondary indexes. What placement
 * costs above these is Allot's own work.
 */
const ITEMS = 2000;

async function prepare(sql: ReturnType<typeof connect>['sql']) {
  await sql`create table if not exists bare_items (id int primary key, n int not null)`;
  await sql`create table if not exists bare_orders (id int primary key, status text not null)`;
  await sql`create table if not exists bare_rows (id bigint primary key, k int not null, v int not null)`;
  await sql`truncate bare_items, bare_orders, bare_rows`;
  await sql`insert into bare_items select g, 0 from generate_series(1, ${ITEMS}) g`;
  await sql`insert into bare_orders select g, 'draft' from generate_series(1, 200000) g`;
  await sql`vacuum analyze bare_items, bare_orders, bare_rows`;
}

/** `workers` concurrent loops share `count` jobs; per-job latency, throughput and PostgreSQL CPU. */
async function drive(
  name: string,
  count: number,
  workers: number,
  dbPid: number | undefined,
  job: (i: number) => Promise<unknown>,
): Promise<Figures> {
  let next = 0;
  const lat: number[] = [];
  const cpu0 = await treeCpuSeconds(dbPid);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        await job(i);
        lat.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu1 = await treeCpuSeconds(dbPid);
  lat.sort((a, b) => a - b);
  return {
    name,
    rps: count / seconds,
    p50: quantile(lat, 0.5),
    p99: quantile(lat, 0.99),
    errors: 0,
    non2xx: 0,
    requests: count,
    latencies: lat,
    ...(cpu0 !== undefined && cpu1 !== undefined ? { dbCpuPerRequest: ((cpu1 - cpu0) * 1e6) / count } : {}),
  };
}

/**
 * The two baselines of `place`: transactions of 12 single-row writes (what a 3-line placement
 * writes: the order, a shipment, 3 stock line items, 3 counters, 3 reservations, a version), on
 * counters drawn uniformly from 2,000 rows; and autocommitted conditional single-row updates all on
 * one row (a hot SKU's stock item). Each call runs `count` of them, so that they can alternate with
 * the rows they are compared with (bench/rounds.ts).
 */
export async function bareWriteBaselines(
  url: string,
  connections: number,
  pool: number,
  dbPid: number | undefined,
): Promise<{
  loop: (count: number) => Promise<Figures>;
  hot: (count: number) => Promise<Figures>;
  close: () => Promise<void>;
}> {
  const database = connect(url, pool);
  const { sql } = database;
  const close = async () => {
    await sql`drop table if exists bare_items, bare_orders, bare_rows`.catch(() => {});
    await database.close();
  };
  let id = 0;
  let order = 0;
  const tx = () => {
    const i = order++;
    return sql.begin(async (t) => {
      await t`update bare_orders set status = 'placed' where id = ${i + 1}`;
      for (let k = 0; k < 3; k++)
        await t`update bare_items set n = n + 1
          where id = ${1 + ((i * 7919 + k * 104729) % ITEMS)} and n < 1000000000`;
      for (let k = 0; k < 8; k++) await t`insert into bare_rows values (${++id}, ${i}, ${k})`;
    });
  };
  try {
    await prepare(sql);
    // warm the pool and the statement caches
    await drive('warm-up', connections * 2, connections, undefined, tx);
  } catch (e) {
    await close();
    throw e;
  }
  return {
    loop: (count) => drive('bare PostgreSQL: txs of 12 row writes', count, connections, dbPid, tx),
    hot: (count) =>
      drive(
        'bare PostgreSQL: conditional updates, one row',
        count,
        connections,
        dbPid,
        () => sql`update bare_items set n = n + 1 where id = 1 and n < 1000000000`,
      ),
    close,
  };
}
