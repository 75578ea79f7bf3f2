import type { Sql } from 'postgres';
import { upsertApplication } from '../src/auth/applications';
import { keepListCounts } from '../src/query/list-keeper';
import {
  benchDatabase,
  type Figures,
  freePort,
  load,
  postmasterPid,
  seedNetwork,
  startProcess,
  stopProcess,
  table,
} from './lib';

/**
 * `npm run bench -- scale`: the same reads at 10,000 SKUs × 10 stock locations and at SCALE_SKUS
 * (default 1,000,000) × 10: availability of single SKUs spread uniformly (cache misses), list pages
 * with inventory (first and deep pages, sales channel and integration) and filtered lists. Each row
 * is compared with a bare Fastify route answering a body of the same size in the same run, and the
 * large size with the small one. Seeding is set-based (the ledger's triggers see one statement).
 */
const LOCATIONS = 10;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 10;

export async function seed(sql: Sql, skus: number) {
  process.stderr.write(`seeding ${skus} SKUs × ${LOCATIONS} stock locations…\n`);
  const t0 = Date.now();
  await sql.begin(async (tx) => {
    await seedNetwork(tx, { locations: LOCATIONS, cutoff: 3 });
    await tx`insert into skus (id, mode, code, name, shipping_category_id)
      select 'S' || lpad(g::text, 9, '0'), 'test', 'SKU' || g, 'Shirt ' || md5(g::text), 'CATEGORY01'
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
    + pg_total_relation_size('sku_list_counts') + pg_total_relation_size('sku_list_marks'))::float8 as lists`;
  return { seconds: (Date.now() - t0) / 1000, keepSeconds, bytesPerItem: bytes / (skus * LOCATIONS), listBytes: lists };
}

async function token(base: string, body: Record<string, string>): Promise<string> {
  const r = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', ...body }),
  });
  return ((await r.json()) as { access_token: string }).access_token;
}

async function measure(skus: number): Promise<{ rows: Figures[]; notes: string[] }> {
  const db = await benchDatabase();
  const { sql } = db.database;
  const notes: string[] = [];
  const s = await seed(sql, skus);
  notes.push(
    `${skus} SKUs: seeded in ${s.seconds.toFixed(0)} s (list buckets split in ${s.keepSeconds.toFixed(1)} s), ` +
      `${s.bytesPerItem.toFixed(0)} B per stock item, list counts ${(s.listBytes / skus).toFixed(0)} B per SKU`,
  );
  for (const app of [
    { name: 'sc', kind: 'sales_channel' as const, mode: 'test' as const, client_id: 'bench-sc' },
    { name: 'in', kind: 'integration' as const, role: 'admin' as const, mode: 'test' as const },
  ])
    await upsertApplication(db.database.db, {
      ...app,
      client_id: `bench-${app.name}`,
      ...(app.kind === 'integration' ? { client_secret: 'bench-integration-secret' } : {}),
    } as never);
  const dbPid = await postmasterPid(sql);
  const port = await freePort();
  const server = await startProcess(
    ['src/server.ts'],
    { DATABASE_URL: db.url, PORT: String(port), RATE_LIMITS: 'off', LOG_LEVEL: 'warn', RESPONSE_CACHE_MB: '0' },
    'ready on',
  );
  const base = `http://127.0.0.1:${port}`;
  const rows: Figures[] = [];
  try {
    // what follows a bulk load: the stock watcher records every pair's state (a sweep in short
    // rounds); measured apart, not under the reads
    const t0 = Date.now();
    while (!(await sql`select 1 from stock_watch where config_version is not null and sweep_after is null`).length)
      await new Promise((r) => setTimeout(r, 500));
    notes.push(`${skus} SKUs: the stock watcher's sweep took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const sc = await token(base, { client_id: 'bench-sc', scope: 'market:code:bench' });
    const integ = await token(base, { client_id: 'bench-in', client_secret: 'bench-integration-secret' });
    const pages = Math.floor(skus / 25);
    const sku = (i: number) => `S${String(1 + ((i * 7919) % skus)).padStart(9, '0')}`;
    const cases: Array<[string, string, string[]]> = [
      ['GET /api/skus/{id}, uniform', sc, Array.from({ length: 1000 }, (_, i) => `/api/skus/${sku(i)}`)],
      ['skus page 1, inventory (sales channel)', sc, ['/api/skus?fields[skus]=code,inventory&page[size]=25']],
      [
        'skus deep pages, inventory (sales channel)',
        sc,
        Array.from(
          { length: 50 },
          (_, i) => `/api/skus?fields[skus]=code,inventory&page[size]=25&page[number]=${1 + ((i * 7919) % pages)}`,
        ),
      ],
      ['skus page 1 (integration)', integ, ['/api/skus?fields[skus]=code,name&page[size]=25']],
      [
        'skus deep pages, inventory (integration)',
        integ,
        Array.from(
          { length: 50 },
          (_, i) => `/api/skus?fields[skus]=code,inventory&page[size]=25&page[number]=${1 + ((i * 7919) % pages)}`,
        ),
      ],
      [
        'skus code_start (integration)',
        integ,
        Array.from({ length: 50 }, (_, i) => `/api/skus?filter[q][code_start]=sku${1 + ((i * 7919) % skus)}`),
      ],
      [
        'skus code_eq (sales channel)',
        sc,
        Array.from({ length: 50 }, (_, i) => `/api/skus?filter[q][code_eq]=SKU${1 + ((i * 7919) % skus)}`),
      ],
      ['skus name_cont (integration)', integ, ['/api/skus?filter[q][name_cont]=abcd']],
      [
        'stock_items sku_code_in (integration)',
        integ,
        Array.from({ length: 50 }, (_, i) => `/api/stock_items?filter[q][sku_code_in]=SKU${1 + ((i * 7919) % skus)}`),
      ],
    ];
    for (const [name, tok, paths] of cases) {
      const headers = { accept: 'application/vnd.api+json', authorization: `Bearer ${tok}` };
      const res = await fetch(`${base}${paths[0]}`, { headers });
      const sample = await res.text();
      if (res.status !== 200) throw new Error(`${name}: ${res.status} ${sample}`);
      const meta = JSON.parse(sample).meta;
      if (meta) notes.push(`${skus} SKUs, ${name}: record_count ${meta.record_count}, page_count ${meta.page_count}`);
      const barePort = await freePort();
      const bare = await startProcess(
        ['bench/bare.ts'],
        { PORT: String(barePort), BARE_BODY: sample, BARE_PATH: paths[0]!.split('?')[0]!.replace(/S\d{9}$/, ':id') },
        'bare ready',
      );
      let vs: Figures;
      try {
        vs = await load('bare', `http://127.0.0.1:${barePort}`, paths, headers, 2, bare.pid, undefined, CONNECTIONS);
      } finally {
        await stopProcess(bare);
      }
      await load('warm-up', base, paths, headers, 1, undefined, undefined, CONNECTIONS);
      rows.push({
        // the server runs one worker per CPU under a primary: its CPU is the whole process tree's
        ...(await load(
          `${name} @${skus / 1000}k`,
          base,
          paths,
          headers,
          SECONDS,
          server.pid,
          dbPid,
          CONNECTIONS,
          true,
        )),
        vs,
      });
    }
    const rss = (await import('node:fs')).readFileSync(`/proc/${server.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
    if (rss) notes.push(`${skus} SKUs: server RSS ${(Number(rss[1]) / 1024).toFixed(0)} MB after the runs`);
  } finally {
    await stopProcess(server);
    await db.close();
  }
  return { rows, notes };
}

export default async function scaleBench() {
  const large = Number(process.env.SCALE_SKUS ?? 1_000_000);
  const small = await measure(10_000);
  const big = await measure(large);
  const ratios = big.rows.map((r, i) => {
    const s = small.rows[i]!;
    return `${r.name.padEnd(52)} p99 ${String(r.p99).padStart(5)} ms, req/s ${(r.rps / s.rps).toFixed(2)} × of 10k`;
  });
  process.stdout.write(
    `\nscale: ${CONNECTIONS} connections, ${SECONDS} s per run, response cache off; ratio: to a bare route ` +
      `answering the same body in the same run\n${table([...small.rows, ...big.rows])}\n` +
      `${[...small.notes, ...big.notes].join('\n')}\nlarge vs small:\n${ratios.join('\n')}\n`,
  );
}
