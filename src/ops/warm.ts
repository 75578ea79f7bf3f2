import type { FastifyInstance } from 'fastify';
import { authenticateClient } from '../auth/applications';
import type { RequestContext } from '../auth/context';
import type { Config } from '../config';
import type { Database, Db } from '../db/client';
import { rawClient } from '../db/client';
import type { Tx } from '../db/tx';
import { parseDocument } from '../jsonapi/document';
import { parseQuery } from '../jsonapi/query';
import { newId } from '../lib/ids';
import { preparePresentation, present } from '../query/present';
import { findVisibleOr401 } from '../rows/find';
import { updateResource } from '../services/crud';
import { buildRegistry } from '../wiring';

/**
 * Warm start (README, "Warm start"): before a process takes requests, every connection of its pool
 * is opened and has planned the hot statements, and every table has planner statistics. Otherwise
 * the first second after a start pays for all of it at once under load: 50 new backends each
 * planning every statement of a placement (plans are per connection) and loading their catalog
 * caches, on tables whose statistics may not exist yet.
 *
 * - Tables never analyzed (`reltuples < 0`) are analyzed, skipping any someone else is working on.
 * - Each connection of the pool rehearses, in a transaction that is rolled back: a token lookup, a
 *   placement of an order of its own (through the same service as `PATCH /api/orders/{id}` with
 *   `_place`, so the same statements, triggers and foreign-key checks) and a sales channel's read of
 *   a SKU with its availability. The transactions wait for each other before they begin, so each
 *   holds its own connection. Nothing is written: the rows exist only inside the rolled-back
 *   transactions, and the order, market and stock location take no number from their sequences.
 *   They run side by side and wait for no other writer: they skip the list lock that linking a
 *   model to a location takes, and are marked so that they cannot commit (migration 0023).
 *
 * Failures are not fatal: the process then starts cold, as before, and the reason goes to `log`.
 */
export async function warmUp(
  app: FastifyInstance,
  database: Database,
  log: (msg: string, err?: unknown) => void,
): Promise<{ analyzed: number; connections: number; ms: number }> {
  const t0 = performance.now();
  app.readiness.warming = 'warming up: analyzing tables and preparing statements';
  let analyzed = 0;
  let connections = 0;
  try {
    analyzed = await analyzeNeverAnalyzed(database);
    connections = await rehearseOnEveryConnection(database);
  } catch (e) {
    log('warm start incomplete: the first requests may be slow', e);
  } finally {
    app.readiness.warming = undefined;
  }
  return { analyzed, connections, ms: Math.round(performance.now() - t0) };
}

/** serve.ts's one call: warm up unless WARM_START=off, and say how it went (on stderr, as start-up does). */
export async function warmStart(app: FastifyInstance, database: Database, config: Config): Promise<void> {
  if (!config.warmStart) return;
  const r = await warmUp(app, database, (msg, err) => app.log.warn({ err }, msg));
  // next to the other start-up lines ("ready on …"), in order
  process.stderr.write(
    `[allot] warm start: ${r.analyzed} table(s) analyzed, ${r.connections} connection(s) prepared in ${r.ms} ms\n`,
  );
}

async function analyzeNeverAnalyzed(database: Database): Promise<number> {
  const never = await database.sql<Array<{ name: string }>>`
    select c.oid::regclass::text as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind in ('r', 'p') and c.reltuples < 0
      and pg_has_role(c.relowner, 'USAGE')`;
  for (const { name } of never) await database.sql.unsafe(`analyze (skip_locked) ${name}`, [], { prepare: false });
  return never.length;
}

const ROLLBACK = Symbol('warm-up rollback');

async function rehearseOnEveryConnection(database: Database): Promise<number> {
  const n = database.sql.options.max;
  const reg = buildRegistry();
  let arrived = 0;
  let all!: () => void;
  const together = new Promise<void>((r) => (all = r));
  // a pool that cannot open all its connections (max_connections) still warms those it has
  const enough = new Promise<void>((r) => setTimeout(r, 2_000).unref());
  const one = async () => {
    try {
      await database.db.transaction(async (tx) => {
        await rawClient(tx)`select 1`;
        if (++arrived === n) all();
        await Promise.race([together, enough]);
        await rehearse(tx, reg);
        throw ROLLBACK;
      });
    } catch (e) {
      if (e !== ROLLBACK) throw e;
    }
  };
  await Promise.all(Array.from({ length: n }, one));
  return arrived;
}

async function rehearse(tx: Tx, reg: ReturnType<typeof buildRegistry>): Promise<void> {
  const sql = rawClient(tx);
  // rolled back whatever happens: linking its own model and location need not wait for the list
  // lock, nor hold up stock item and SKU writers meanwhile (migration 0023; it can never commit)
  await sql`select set_config('allot.rehearsal', 'rollback', true)`;
  const id = (p: string) => `${p}${newId()}`.slice(0, 20);
  const k = {
    address: id('wa'),
    location: id('wl'),
    model: id('wm'),
    isl: id('wi'),
    market: id('wk'),
    category: id('wc'),
    sku: id('ws'),
    item: id('wt'),
    order: id('wo'),
    line: id('wn'),
    code: `warm-${newId()}`,
  };
  await sql`insert into addresses (id, mode, first_name, last_name, line_1, city, zip_code, country_code, phone)
    values (${k.address}, 'test', 'Warm', 'Start', 'Street', 'City', '00000', 'IT', '+39')`;
  await sql`insert into stock_locations (id, mode, number, name, code, address_id)
    values (${k.location}, 'test', 0, 'Warm start', ${k.code}, ${k.address})`;
  await sql`insert into inventory_models (id, mode, name, strategy) values (${k.model}, 'test', 'Warm', 'no_split')`;
  await sql`insert into inventory_stock_locations (id, mode, priority, inventory_model_id, stock_location_id)
    values (${k.isl}, 'test', 1, ${k.model}, ${k.location})`;
  await sql`insert into markets (id, mode, number, name, code, shared_secret, inventory_model_id)
    values (${k.market}, 'test', 0, 'Warm start', ${k.code}, 'warm', ${k.model})`;
  await sql`insert into shipping_categories (id, mode, name) values (${k.category}, 'test', 'Warm start')`;
  await sql`insert into skus (id, mode, code, name, shipping_category_id)
    values (${k.sku}, 'test', ${k.code}, 'Warm start', ${k.category})`;
  await sql`insert into stock_items (id, mode, quantity, sku_id, stock_location_id, reserved_stock_id)
    values (${k.item}, 'test', 10, ${k.sku}, ${k.location}, ${id('wr')})`;
  await sql`insert into orders (id, mode, market_id, number) values (${k.order}, 'test', ${k.market}, 0)`;
  await sql`insert into line_items (id, mode, order_id, sku_id, sku_code, name, quantity)
    values (${k.line}, 'test', ${k.order}, ${k.sku}, ${k.code}, 'Warm start', 1)`;

  await authenticateClient(tx as unknown as Db, `warm-${k.code}`, undefined);
  const caller = { applicationId: 'warm-start', mode: 'test' as const, scope: 'market:all', stockLocationIds: [] };
  const admin: RequestContext = {
    mode: 'test',
    caller: { ...caller, kind: 'integration', role: 'admin', marketIds: [] },
    baseUrl: 'http://warm.start',
  };
  const place = parseDocument(
    { data: { type: 'orders', id: k.order, attributes: { _place: true } } },
    {
      type: 'orders',
      id: k.order,
    },
  );
  const orders = reg.get('orders')!;
  const q = parseQuery({});
  const placed = await updateResource({ db: tx as unknown as Db, reg }, orders, k.order, place, admin);
  await present(tx, admin, orders, [placed], preparePresentation(reg, orders, q, admin), { single: true });
  const shop: RequestContext = {
    mode: 'test',
    caller: { ...caller, kind: 'sales_channel', role: null, marketIds: [k.market] },
    baseUrl: 'http://warm.start',
  };
  const skus = reg.get('skus')!;
  const row = await findVisibleOr401(tx, skus, shop, k.sku, true);
  await present(tx, shop, skus, [row], preparePresentation(reg, skus, q, shop), { single: true });
}
