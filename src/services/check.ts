import type postgres from 'postgres';
import {
  type CheckMode,
  collectItems,
  counterDrift,
  type Run,
  replayFromCheckpoints,
  writeCheckpoints,
} from './check-ledger';
import { type Drift, replayLedger, type Shortfall, shortfalls } from './shortfalls';

export type { CheckMode, Drift, Shortfall };

export interface StockReport {
  /** Breaches of the invariants: any is a bug or a write around Allot. */
  drift: Drift[];
  /** Stock items a count left short of their holds: Commerce Layer allows it; to resolve, not a bug. */
  shortfalls: Shortfall[];
  /** What the check read: the mode it ran in, stock items it collected, checkpoints it wrote, milliseconds. */
  stats: { mode: CheckMode; collected: number; checkpoints: number; ms: number; steps: Record<string, number> };
}

/** The invariants only (what tests and benchmarks require to be empty): see checkStock. */
export async function checkInvariants(sql: postgres.Sql, mode: CheckMode = 'full'): Promise<Drift[]> {
  return (await checkStock(sql, mode)).drift;
}

/** Drift kinds that name a stock item: such an item keeps no checkpoint until it is clean again. */
const ITEM_KINDS = new Set(['reserved_drift', 'negative_quantity', 'ledger_drift', 'oversold']);

/**
 * The invariants stock must satisfy at every commit (docs/ledger-and-check.md#invariants):
 * quantity ≥ 0, reserved = Σ reservation rows, counters = the stock ledger replayed, no hold ever
 * granted beyond stock (the ledger replayed in order), every pending reservation of a placed order
 * backed by its stock line item; and, apart, the shortfalls counts left. The ledger is replayed from the
 * checkpoints the last check wrote (docs/ledger-and-check.md#checkpoints), and this one advances them.
 * One snapshot (repeatable read) for every query; a check that loses a race with another retries.
 */
export async function checkStock(sql: postgres.Sql, mode: CheckMode = 'full'): Promise<StockReport> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await checkOnce(sql, mode);
    } catch (e) {
      if ((e as { code?: string }).code !== '40001' || attempt >= 3) throw e;
    }
  }
}

async function checkOnce(sql: postgres.Sql, asked: CheckMode): Promise<StockReport> {
  const t0 = Date.now();
  // read before the snapshot: every transaction the snapshot will not see began at or after this
  const [{ open_since }] = await sql`select coalesce(min(xact_start), now()) as open_since
    from pg_stat_activity where xact_start is not null`;
  return (await sql.begin('isolation level repeatable read', async (tx) => {
    const [{ locked, snapshot }] = await tx`select pg_try_advisory_xact_lock(hashtext('allot check')) as locked,
      pg_current_snapshot()::text as snapshot`;
    if (!locked) throw new Error('another allot check is running on this database');
    const [last] = await tx`select snapshot, pg_snapshot_xmin(snapshot::pg_snapshot)::text as xmin, open_since
      from ledger_check_runs order by id desc limit 1`;
    const run = last as Run | undefined;
    const mode: CheckMode = asked === 'since-last' && !run ? 'full' : asked;
    const zero = mode === 'from-zero' || !run;
    // one large join per step: a hash in memory rather than in batches on disk, and no JIT compilation
    await tx`select set_config('work_mem', '256MB', true), set_config('jit', 'off', true)`;
    const steps: Record<string, number> = {};
    const step = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
      const s0 = Date.now();
      const r = await f();
      steps[name] = Date.now() - s0;
      return r;
    };
    await step('collect', () => collectItems(tx, mode, run));
    const drift = await counterDrift(tx);
    drift.push(...(await step('replay', () => (zero || !run ? replayLedger(tx) : replayFromCheckpoints(tx, run)))));
    drift.push(...(await step('orders', () => orderDrift(tx))));
    const bad = [...new Set(drift.filter((d) => ITEM_KINDS.has(d.kind)).map((d) => d.id))];
    const checkpoints = await step('checkpoints', () => writeCheckpoints(tx, zero, bad));
    const [{ collected }] = await tx`select count(*)::int as collected from check_items`;
    const short = await step('shortfalls', () => shortfalls(tx, true));
    const ms = Date.now() - t0;
    await tx`insert into ledger_check_runs (snapshot, open_since, "full", items_checked, drift, milliseconds)
      values (${snapshot}, ${open_since}, ${mode !== 'since-last'}, ${collected}, ${drift.length}, ${ms})`;
    return { drift, shortfalls: short, stats: { mode, collected, checkpoints, ms, steps } };
  })) as StockReport;
}

/** Holds of placed orders: every pending reservation backs a line or transfer, every open line holds stock. */
async function orderDrift(tx: postgres.TransactionSql): Promise<Drift[]> {
  const drift: Drift[] = [];
  const orphans = await tx`
    select r.id from stock_reservations r join orders o on o.id = r.order_id
    where o.status in ('placed', 'approved') and r.status = 'pending' and r.stock_line_item_id is null
      and r.stock_transfer_id is null`;
  for (const o of orphans)
    drift.push({
      kind: 'orphan_reservation',
      id: o.id,
      detail: 'pending reservation of a placed order without a stock line item',
    });
  const unheld = await tx`
    select sli.id from stock_line_items sli join orders o on o.id = sli.order_id
    where o.status = 'placed' and sli.stock_item_id is not null and sli.decremented_at is null
      and not exists (select 1 from stock_reservations r where r.stock_line_item_id = sli.id)
      and exists (select 1 from shipments s where s.id = sli.shipment_id and s.status <> 'cancelled')`;
  for (const u of unheld)
    drift.push({
      kind: 'unheld_stock_line_item',
      id: u.id,
      detail: 'stock line item of a placed order holds no stock',
    });
  return drift;
}
