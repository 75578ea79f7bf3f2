import type { ChildProcess } from 'node:child_process';
import type { Sql } from 'postgres';
import { upsertApplication } from '../src/auth/applications';
import {
  benchDatabase,
  type Figures,
  freePort,
  load,
  postmasterPid,
  resetStatements,
  seedNetwork,
  startProcess,
  startServer,
  statementProfile,
  stopProcess,
  table,
} from './lib';
import { alternate, ROUNDS } from './rounds';

/**
 * `npm run bench -- availability`: a storefront's product page read, `GET /api/skus/{id}` with a
 * market-scoped sales channel token (the `inventory` object, docs/availability.md), over 10,000
 * SKUs × 5 stock locations, at cutoff 2 and 10; next to a bare Fastify route answering a body of the
 * same size, alternated round by round with each row (bench/rounds.ts).
 */
const SKUS = 10_000;
const LOCATIONS = 5;
/** Seconds per round: each row is ROUNDS rounds alternated with its bare route's (bench/rounds.ts). */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WRITES_PER_SECOND = 200;

export default async function availabilityBench() {
  const db = await benchDatabase();
  const { sql } = db.database;
  await seedAvailability(db.database.sql);
  await upsertApplication(db.database.db, {
    name: 'bench',
    kind: 'sales_channel',
    mode: 'test',
    client_id: 'bench-sales-channel',
  });

  const dbPid = await postmasterPid(sql);
  const { server, base } = await startServer(db.url, { WORKERS: '1' });
  try {
    const tokenRes = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: 'bench-sales-channel',
        scope: 'market:code:bench',
      }),
    });
    const { access_token } = (await tokenRes.json()) as { access_token: string };
    const headers = { accept: 'application/vnd.api+json', authorization: `Bearer ${access_token}` };
    const paths = Array.from(
      { length: 1000 },
      (_, i) => `/api/skus/S${String(((i * 7919) % SKUS) + 1).padStart(9, '0')}`,
    );
    const rows: Figures[] = [];
    const bares: ChildProcess[] = [];
    const bareFastify = async (body: string) => {
      const port = await freePort();
      const proc = await startProcess(['bench/bare.ts'], { PORT: String(port), BARE_BODY: body }, 'bare ready');
      bares.push(proc);
      const url = `http://127.0.0.1:${port}`;
      await load('warm-up', url, paths, headers, 2);
      return () => load(`bare Fastify (${body.length} B body)`, url, paths, headers, SECONDS, proc.pid);
    };
    let bare10: () => Promise<Figures> = () => Promise.reject(new Error('no bare route'));
    let sample = '';
    for (const cutoff of [2, 10]) {
      await sql`update inventory_models set stock_locations_cutoff = ${cutoff} where id = 'MODEL00001'`;
      sample = await (await fetch(`${base}${paths[0]}`, { headers })).text();
      const levels = JSON.parse(sample).data.attributes.inventory?.levels.length;
      if (levels !== Math.min(cutoff, LOCATIONS))
        throw new Error(`cutoff ${cutoff} should show ${Math.min(cutoff, LOCATIONS)} levels: ${sample}`);
      // the ceiling for this body: a bare Fastify route answering the same bytes, alternated with the row
      const bare = await bareFastify(sample);
      if (cutoff === 10) bare10 = bare;
      await load('warm-up', base, paths, headers, 2);
      const pair = await alternate(bare, () =>
        load(`GET /api/skus/{id} cutoff ${cutoff}`, base, paths, headers, SECONDS, server.pid, dbPid),
      );
      rows.push(pair.bare, pair.row);
    }
    rows.push(...(await asDeployed(db.url, sample, paths, headers, dbPid)));
    // a shop that sells and restocks while it is browsed: every commit moves the snapshot, so kept
    // responses are confirmed by their SKU's version, and a written SKU's next read is a miss
    let writes = 0;
    const writing = async (name: string) => {
      let on = true;
      const writer = (async () => {
        while (on) {
          const item = `I${String(
            (1 + Math.floor(Math.random() * SKUS)) * 10 + 1 + Math.floor(Math.random() * LOCATIONS),
          ).padStart(9, '0')}`;
          await sql`update stock_items set quantity = quantity + 1 where id = ${item}`;
          writes++;
          await new Promise((r) => setTimeout(r, 1000 / WRITES_PER_SECOND));
        }
      })();
      try {
        return await load(name, base, paths, headers, SECONDS, server.pid, dbPid);
      } finally {
        on = false;
        await writer;
      }
    };
    const written = await alternate(bare10, () => writing(`cutoff 10, ${WRITES_PER_SECOND} stock writes/s`));
    const perSecond = Math.round(writes / (SECONDS * ROUNDS));
    rows.push({ ...written.row, name: written.row.name.replace(/\d+ stock/, `${perSecond} stock`) });
    // every read a miss (as under constant writes to the same SKUs): the response cache off
    let profile = ''; // its statements, with BENCH_STATEMENTS=1
    const uncachedPort = await freePort();
    const uncached = await startProcess(
      ['src/server.ts'],
      {
        DATABASE_URL: db.url,
        PORT: String(uncachedPort),
        RATE_LIMITS: 'off',
        LOG_LEVEL: 'warn',
        WORKERS: '1',
        RESPONSE_CACHE_MB: '0',
      },
      'ready on',
    );
    try {
      const url = `http://127.0.0.1:${uncachedPort}`;
      await load('warm-up', url, paths, headers, 2);
      await resetStatements(sql);
      const { row } = await alternate(bare10, () =>
        load('cutoff 10, response cache off', url, paths, headers, SECONDS, uncached.pid, dbPid),
      );
      rows.push(row);
      profile = await statementProfile(sql, row.requests ?? 0);
      // the floor of any uncached read: the bare route, reading its SKU's stock items first
      const queryPort = await freePort();
      const env = { PORT: String(queryPort), BARE_BODY: sample, BARE_DATABASE_URL: db.url };
      const query = await startProcess(['bench/bare.ts'], env, 'bare ready');
      bares.push(query);
      const queryUrl = `http://127.0.0.1:${queryPort}`;
      await load('warm-up', queryUrl, paths, headers, 2);
      const floor = await alternate(bare10, () =>
        load("bare Fastify, reading the SKU's stock items", queryUrl, paths, headers, SECONDS, query.pid, dbPid),
      );
      rows.push(floor.row);
    } finally {
      await stopProcess(uncached);
      for (const b of bares) await stopProcess(b);
    }
    process.stdout.write(
      `\navailability: ${SKUS} SKUs × ${LOCATIONS} locations, 50 connections; each row ${ROUNDS} rounds of ` +
        `${SECONDS} s alternated with its bare route answering the same body (bench/rounds.ts); ratio: the ` +
        `rounds' median; p50, p99: over all of a row's requests\n${table(rows)}\n${profile}`,
    );
  } finally {
    await stopProcess(server);
    await db.close();
  }
}

/**
 * Cutoff 10 as `npm start` runs by default: the access log at info (one line per request, read from
 * a pipe and dropped), with one process and with WORKERS=2 (all of them counted for CPU); the ratio
 * here is to the floor of any Node server, a bare node:http route answering the same body.
 */
async function asDeployed(
  url: string,
  body: string,
  paths: string[],
  headers: Record<string, string>,
  dbPid: number | undefined,
): Promise<Figures[]> {
  const barePort = await freePort();
  const bare = await startProcess(['bench/bare-http.ts'], { PORT: String(barePort), BARE_BODY: body }, 'bare ready');
  const rows: Figures[] = [];
  try {
    const bareUrl = `http://127.0.0.1:${barePort}`;
    await load('warm-up', bareUrl, paths, headers, 2);
    const floor = () => load(`bare node:http (${body.length} B body)`, bareUrl, paths, headers, SECONDS, bare.pid);
    for (const workers of ['1', '2']) {
      const port = await freePort();
      const env = { DATABASE_URL: url, PORT: String(port), RATE_LIMITS: 'off', LOG_LEVEL: 'info', WORKERS: workers };
      const server = await startProcess(['src/server.ts'], env, 'ready on');
      try {
        const base = `http://127.0.0.1:${port}`;
        await load('warm-up', base, paths, headers, 2);
        const name = `cutoff 10, access log${workers === '1' ? '' : `, WORKERS=${workers}`}`;
        const pair = await alternate(floor, () =>
          load(name, base, paths, headers, SECONDS, server.pid, dbPid, 50, workers !== '1'),
        );
        rows.push(...(workers === '1' ? [pair.bare] : []), pair.row);
      } finally {
        await stopProcess(server);
      }
    }
  } finally {
    await stopProcess(bare);
  }
  return rows;
}

/** Bulk SQL: one model with 5 prioritised locations, one market, 10,000 SKUs with a stock item in each location. */
export async function seedAvailability(sql: Sql) {
  process.stderr.write(`seeding ${SKUS} SKUs × ${LOCATIONS} stock locations…\n`);
  await sql.begin(async (tx) => {
    await seedNetwork(tx, { locations: LOCATIONS, cutoff: 2 });
    await tx`insert into skus (id, mode, code, name, shipping_category_id)
             select 'S' || lpad(g::text, 9, '0'), 'test', 'SKU' || g, 'SKU ' || g, 'CATEGORY01'
             from generate_series(1, ${SKUS}) g`;
    await tx`insert into stock_items (id, mode, quantity, reserved_quantity, sku_id, stock_location_id,
                                      reserved_stock_id)
             select 'I' || lpad((s * 10 + l)::text, 9, '0'), 'test',
                    (s * 7 + l * 13) % 100, least((s * 7 + l * 13) % 100, (s + l) % 3), 'S' || lpad(s::text, 9, '0'),
                    'LOC' || lpad(l::text, 7, '0'), 'R' || lpad((s * 10 + l)::text, 9, '0')
             from generate_series(1, ${SKUS}) s, generate_series(1, ${LOCATIONS}) l`;
    await tx`insert into shipping_methods (id, mode, name, currency_code, price_amount_cents, shared_secret)
             values ('SHIPSTD001', 'test', 'Standard', 'EUR', 700, 's'),
                    ('SHIPEXP001', 'test', 'Express', 'EUR', 1200, 's')`;
    await tx`insert into delivery_lead_times (id, mode, min_hours, max_hours, stock_location_id, shipping_method_id)
             select 'DLT' || lpad((l * 10 + m)::text, 7, '0'), 'test', 24 * m, 48 * m,
                    'LOC' || lpad(l::text, 7, '0'), (array['SHIPSTD001', 'SHIPEXP001'])[m]
             from generate_series(1, ${LOCATIONS}) l, generate_series(1, 2) m`;
  });
  await sql`analyze`;
}
