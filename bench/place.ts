import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Sql } from 'postgres';
import { upsertApplication } from '../src/auth/applications';
import { checkInvariants } from '../src/services/check';
import { bareWriteBaselines } from './bare-db';
import {
  benchDatabase,
  benchHeaders,
  type Figures,
  freePort,
  postmasterPid,
  resetStatements,
  seedNetwork,
  startProcess,
  startServer,
  statementProfile,
  stopProcess,
  table,
} from './lib';
import { placeLoad } from './place-load';
import { alternate, ROUNDS } from './rounds';

/**
 * `npm run bench -- place`: `PATCH /api/orders/{id}` with `_place` for orders of 3 line items,
 * SKUs drawn uniformly from 1,000, the same with a webhook on `orders.place` (its receiver, in this
 * process, answers 204), then with one hot SKU in every order; the invariant check runs after each.
 * Next to, in the same run: a bare Fastify PATCH route answering a body of the same size (the HTTP
 * ceiling); for uniform SKUs, plain transactions writing as many rows as a placement
 * (bench/bare-db.ts); for the hot SKU, conditional single-row updates of one row; all at the same
 * concurrency, the database baselines alternated round by round with their rows (bench/rounds.ts).
 * `BENCH_STATEMENTS=1` adds pg_stat_statements' profile of each run.
 */
const SKUS = 1000;
const ORDERS = Number(process.env.BENCH_ORDERS ?? 4000);
const CONNECTIONS = 50;

export async function seed(sql: Sql) {
  await sql.begin(async (tx) => {
    await seedNetwork(tx, { locations: 2, strategy: 'split_shipments' });
    await tx`insert into skus (id, mode, code, name, shipping_category_id)
             select 'S' || lpad(g::text, 9, '0'), 'test', 'SKU' || g, 'SKU ' || g, 'CATEGORY01'
             from generate_series(1, ${SKUS}) g`;
    await tx`insert into stock_items (id, mode, quantity, sku_id, stock_location_id, reserved_stock_id)
             select 'I' || lpad((s * 10 + l)::text, 9, '0'), 'test', 100000, 'S' || lpad(s::text, 9, '0'),
                    'LOC' || lpad(l::text, 7, '0'), 'R' || lpad((s * 10 + l)::text, 9, '0')
             from generate_series(1, ${SKUS}) s, generate_series(1, 2) l`;
  });
}

/** Draft orders of three line items; `hot` puts SKU 1 in every order. */
export async function orders(sql: Sql, prefix: string, hot: boolean, count = ORDERS): Promise<string[]> {
  await sql`insert into orders (id, mode, market_id) select ${prefix} || lpad(g::text, 8, '0'), 'test', 'MARKET0001'
    from generate_series(1, ${count}) g`;
  await sql`insert into line_items (id, mode, order_id, sku_id, sku_code, name, quantity)
    select ${prefix} || 'L' || lpad((g * 3 + k)::text, 7, '0'), 'test', ${prefix} || lpad(g::text, 8, '0'),
      'S' || lpad(sku::text, 9, '0'), 'SKU' || sku, 'SKU', 1 + (g + k) % 3
    from generate_series(1, ${count}) g, generate_series(0, 2) k,
    lateral (select case when ${hot} and k = 0 then 1 else 2 + ((g * 7919 + k * 104729) % (${SKUS} - 1)) end as sku) s`;
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(8, '0')}`);
}

export default async function placeBench() {
  const db = await benchDatabase();
  const { sql } = db.database;
  await seed(sql);
  const warm = await orders(sql, 'OA', false, Math.ceil(ORDERS / 4));
  const uniform = await orders(sql, 'OU', false);
  const recorded = await orders(sql, 'OR', false);
  const hooked = await orders(sql, 'OW', false);
  const hot = await orders(sql, 'OH', true);
  await sql`analyze`;
  await upsertApplication(db.database.db, {
    name: 'bench',
    kind: 'integration',
    role: 'admin',
    mode: 'test',
    client_id: 'bench-integration',
    client_secret: 'bench-integration-secret',
  });
  const dbPid = await postmasterPid(sql);
  const { server, base } = await startServer(db.url, {
    WORKERS: '1',
    ...(process.env.BENCH_POOL ? { DB_POOL_SIZE: process.env.BENCH_POOL } : {}),
  });
  try {
    const headers = await benchHeaders(base);
    const sample = await (await fetch(`${base}/api/orders/${uniform[0]}`, { headers })).text();
    const barePort = await freePort();
    const bare = await startProcess(
      ['bench/bare.ts'],
      { PORT: String(barePort), BARE_BODY: sample, BARE_METHOD: 'PATCH', BARE_PATH: '/api/orders/:id' },
      'bare ready',
    );
    let baseline: Figures;
    try {
      baseline = await placeLoad(
        `bare Fastify PATCH (${sample.length} B body)`,
        `http://127.0.0.1:${barePort}`,
        uniform,
        headers,
        { seconds: 5, serverPid: bare.pid },
      );
    } finally {
      await stopProcess(bare);
    }
    const pool = Number(process.env.BENCH_POOL ?? 50);
    const bareDb = await bareWriteBaselines(db.url, CONNECTIONS, pool, dbPid);
    const rows: Figures[] = [baseline];
    const checks: string[] = [];
    const profiles: string[] = [];
    const receiver = await webhookReceiver(sql);
    const lags: number[] = [];
    try {
      // unmeasured: the first run would otherwise also pay for JIT compilation and cold plan caches
      await placeLoad('warm-up', base, warm, headers, { serverPid: server.pid, dbPid });
      const perRound = Math.ceil(ORDERS / ROUNDS);
      for (const [name, ids, hotSku] of [
        ['_place, SKUs uniform over 1,000', uniform, false],
        ['the same, events recorded (circuit open)', recorded, false],
        ['the same, events recorded and delivered', hooked, false],
        ['_place, one hot SKU in every order', hot, true],
      ] as const) {
        if (ids === recorded) await receiver.record();
        if (ids === hooked) await receiver.deliver();
        await resetStatements(sql);
        // each round places its own slice of the orders, alternated with as many bare transactions
        const pair = await alternate(
          () => (hotSku ? bareDb.hot(perRound * 3) : bareDb.loop(perRound)),
          async (r) => {
            const row = await placeLoad(name, base, ids.slice(r * perRound, (r + 1) * perRound), headers, {
              serverPid: server.pid,
              dbPid,
            });
            // deliveries still under way would slow the bare round that follows: they finish first
            if (ids === hooked) lags.push(await receiver.caughtUp(Math.min(ids.length, (r + 1) * perRound)));
            return row;
          },
        );
        if (ids === uniform || ids === hot) rows.push(pair.bare);
        rows.push(pair.row);
        profiles.push(await statementProfile(sql, ids.length));
        if (ids === recorded) checks.push(await receiver.recorded(ids.length));
        if (ids === hooked)
          checks.push(`${await receiver.stop(ids.length)}; the last of each round came ${lags.join(', ')} ms after it`);
        const [placed] = await sql`select count(*)::int as n from orders where id like ${`${ids[0]!.slice(0, 2)}%`}
            and status = 'placed'`;
        const drift = await checkInvariants(sql);
        checks.push(
          `${name}: ${placed!.n}/${ids.length} placed, ` +
            `invariant check: ${drift.length ? `${drift.length} DRIFT` : 'clean (no oversell)'}`,
        );
      }
    } finally {
      await bareDb.close();
    }
    process.stdout.write(
      `\nplace: orders of 3 line items, ${CONNECTIONS} connections, ${ORDERS} orders per row in ${ROUNDS} ` +
        `rounds, each alternated with as many bare transactions (bench/rounds.ts; req/s = orders placed ` +
        `per second; baseline: the bare rounds each row is compared with; ratio: the rounds' median)\n` +
        `${table(rows)}\n${checks.join('\n')}\n${profiles.join('\n')}`,
    );
  } finally {
    await stopProcess(server);
    await db.close();
  }
}

/**
 * A webhook on `orders.place` whose receiver answers 204 at once. `record`: with its circuit open,
 * so events are recorded and not sent (the write path's own cost); `deliver`: the circuit closed
 * (what was recorded meanwhile dropped); `caughtUp` waits for the events placed so far and says how late
 * the last came; `stop` waits for every event, then disables the webhook and says how many came.
 */
async function webhookReceiver(sql: Sql) {
  let received = 0;
  let lastAt = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      lastAt = Date.now();
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  /** Waits (at most 60 s) for `expected` events in all; how long after the call the last one came. */
  const caughtUp = async (expected: number) => {
    const ranAt = Date.now();
    while (received < expected && Date.now() - ranAt < 60_000) await new Promise((r) => setTimeout(r, 50));
    return Math.max(0, lastAt - ranAt);
  };
  return {
    record: async () => {
      await sql`insert into webhooks (id, mode, name, topic, event_id, callback_url, shared_secret, circuit_state)
        select 'BENCHHOOK1', 'test', 'bench', name, id, ${url}, 'bench-secret', 'open' from events where mode
          = 'test' and name = 'orders.place'`;
    },
    recorded: async (expected: number) => {
      const [r] = await sql`select count(*)::int as n from webhook_deliveries where webhook_id = 'BENCHHOOK1'`;
      return `events recorded with the circuit open: ${r!.n}/${expected}`;
    },
    deliver: async () => {
      await sql`delete from webhook_deliveries where webhook_id = 'BENCHHOOK1'`;
      await sql`update webhooks set circuit_state = 'closed' where id = 'BENCHHOOK1'`;
    },
    caughtUp,
    stop: async (expected: number) => {
      await caughtUp(expected);
      await sql`update webhooks set disabled_at = now() where id = 'BENCHHOOK1'`;
      server.close();
      return `events delivered: ${received}/${expected}`;
    },
  };
}
