import type { Mode, RequestContext } from '../auth/context';
import { type Db, rawClient } from '../db/client';
import type { Tx } from '../db/tx';
import type { Inventory } from '../inventory/availability';
import { periodic } from '../lib/periodic';
import type { Registry } from '../resources/registry';
import type { Row } from '../rows/row';

/** One round at a time across every process of the database (an advisory lock, per database). */
const LOCK = 727_275;
/** Transactions read per round at most (a bulk load is followed in steps, not in one long transaction). */
const TXIDS_PER_ROUND = 2_000;
const SKUS_PER_STATEMENT = 500;

interface Pair {
  mode: Mode;
  market_id: string;
  sku_id: string;
}

/** SKUs whose present state one round records while a sweep runs (a short transaction each). */
const SKUS_PER_SWEEP = 2_000;

/**
 * `skus.out_of_stock` / `skus.back_in_stock` per market, and back-in-stock notifications, computed
 * after commit from the stock ledger, never on the write path. Each round reads the ledger rows of
 * the transactions in [next_xid, xmin of a fresh snapshot): every transaction below that xmin has
 * ended, so its rows are all visible now and none can appear later — a transaction that took a
 * smaller id but commits after a larger one is simply read in a later round. For the (SKU, market)
 * pairs those rows touch, availability is computed by the same loader as `sku.inventory` for a
 * token of that market, compared with the last state seen, and the crossings recorded as events —
 * all in one transaction with the new watermark, so a round happens once or not at all.
 *
 * The first round, and a configuration change (a new market, a location new to a model), start a
 * sweep that records the present state of the pairs that have none, without events, `sweepBatch`
 * SKUs a round in id order: a million SKUs take many short transactions, not one that holds a core
 * and vacuum back for a minute. Meanwhile a pair with no state is followed by the ledger once the
 * sweep has passed its SKU (it then had no stock in the market: its first stock was unavailable
 * before); before that, the sweep records it.
 */
export async function watchStockOnce(db: Db, reg: Registry, sweepBatch = SKUS_PER_SWEEP): Promise<void> {
  await db.transaction(async (tx) => {
    const sql = rawClient(tx);
    const [{ locked }] = (await sql`select pg_try_advisory_xact_lock(${LOCK}) as locked`) as unknown as [
      { locked: boolean },
    ];
    if (!locked) return;
    const [{ xmin }] = (await sql`select pg_snapshot_xmin(pg_current_snapshot())::text::bigint as xmin`) as unknown as [
      { xmin: string },
    ];
    const [w] = await sql`select next_xid, config_version, sweep_after, (select n from market_config_version) as config
      from stock_watch where id = 1`;
    const from = w?.next_xid === null || w?.next_xid === undefined ? undefined : BigInt(w.next_xid);
    const horizon = BigInt(xmin);
    let sweepAfter = (w?.sweep_after ?? null) as string | null;
    if (from === undefined || String(w!.config_version) !== String(w!.config)) {
      sweepAfter = '';
      await sql`update stock_watch set config_version = ${w!.config}, next_xid = coalesce(next_xid,
        ${horizon.toString()}) where id = 1`;
    }
    if (sweepAfter !== null) {
      sweepAfter = await sweep(tx, reg, sweepAfter, sweepBatch);
      await sql`update stock_watch set sweep_after = ${sweepAfter} where id = 1`;
    }
    if (from === undefined || horizon <= from) return;
    // the transactions with ledger rows in range, a bounded number per round; none: nothing to write
    const txids = (await sql`select distinct txid from stock_movements where txid >= ${from.toString()} and txid <
        ${horizon.toString()}
      order by txid limit ${TXIDS_PER_ROUND + 1}`) as unknown as Array<{ txid: string }>;
    if (!txids.length) return;
    const upto = txids.length > TXIDS_PER_ROUND ? BigInt(txids[TXIDS_PER_ROUND]!.txid) : horizon;
    // while a sweep runs, a pair with no state past its position is left to it
    const pairs = (await sql`
      select distinct m.mode, mk.id as market_id, m.sku_id from stock_movements m
        join inventory_stock_locations l on l.stock_location_id = m.stock_location_id
        join markets mk on mk.inventory_model_id = l.inventory_model_id and mk.mode = m.mode
      where m.txid >= ${from.toString()} and m.txid < ${upto.toString()}
        and (${sweepAfter}::text is null or m.sku_id <= ${sweepAfter}
          or exists (select 1 from sku_market_stock s where s.sku_id = m.sku_id and s.market_id = mk.id))
    `) as unknown as Pair[];
    await observe(tx, reg, pairs, true);
    await sql`update stock_watch set next_xid = ${upto.toString()} where id = 1`;
  });
}

/**
 * The present state, without events, of the pairs with no state among the next `batch` SKUs after
 * `after` (id order); the last SKU id seen, or null once every SKU has been seen.
 */
async function sweep(tx: Tx, reg: Registry, after: string, batch: number): Promise<string | null> {
  const sql = rawClient(tx);
  const ids = (
    (await sql`select id from skus where id > ${after} order by id limit ${batch}`) as unknown as Array<{ id: string }>
  ).map((r) => r.id);
  if (!ids.length) return null;
  const pairs = (await sql`
    select distinct si.mode, mk.id as market_id, si.sku_id from stock_items si
      join inventory_stock_locations l on l.stock_location_id = si.stock_location_id
      join markets mk on mk.inventory_model_id = l.inventory_model_id and mk.mode = si.mode
    where si.sku_id = any(${ids}::text[])
      and not exists (select 1 from sku_market_stock s where s.sku_id = si.sku_id and s.market_id = mk.id)
  `) as unknown as Pair[];
  await observe(tx, reg, pairs, false);
  return ids.length < batch ? null : ids[ids.length - 1]!;
}

/** Availability of each pair now, against the last state seen; crossings become events when `fire`. */
async function observe(tx: Tx, reg: Registry, pairs: Pair[], fire: boolean): Promise<void> {
  const byMarket = new Map<string, { mode: Mode; skus: string[] }>();
  for (const p of pairs) {
    const m = byMarket.get(p.market_id) ?? { mode: p.mode, skus: [] };
    m.skus.push(p.sku_id);
    byMarket.set(p.market_id, m);
  }
  for (const [marketId, { mode, skus }] of byMarket)
    for (let i = 0; i < skus.length; i += SKUS_PER_STATEMENT)
      await observeMarket(tx, reg, mode, marketId, skus.slice(i, i + SKUS_PER_STATEMENT), fire);
}

async function observeMarket(tx: Tx, reg: Registry, mode: Mode, marketId: string, skuIds: string[], fire: boolean) {
  const sql = rawClient(tx);
  const load = reg.get('skus')!.attributes.inventory!.load!;
  const rows = (await sql`select id, do_not_track from skus where id = any(${skuIds}::text[])`) as unknown as Row[];
  const ctx: RequestContext = {
    mode,
    caller: {
      applicationId: 'stock-watch',
      kind: 'integration',
      role: 'admin',
      mode,
      scope: `market:id:${marketId}`,
      marketIds: [marketId],
      stockLocationIds: [],
    },
    baseUrl: '',
  };
  const now = (await load(tx, ctx, rows)) as Map<string, Inventory | null>;
  const seen = rows.filter((r) => now.get(r.id));
  if (!seen.length) return; // a disabled market: nothing to compare
  const ids = seen.map((r) => r.id as string);
  // as text: postgres.js sends a boolean array as one boolean
  const available = seen.map((r) => (now.get(r.id)!.available ? 't' : 'f'));
  const quantity = seen.map((r) => now.get(r.id)!.quantity);
  // the pairs whose availability crossed (no previous state: was unavailable); only those are
  // written: a state that did not move costs the round a read, not a row version and its WAL
  const crossed = (await sql`
    with next as (select * from unnest(${ids}::text[], ${available}::text[]::boolean[]) as n(sku_id, available)),
    moved as (
      select n.sku_id, n.available, p.available is null as fresh from next n
        left join sku_market_stock p on p.market_id = ${marketId} and p.sku_id = n.sku_id
      where n.available is distinct from p.available
    ),
    saved as (
      insert into sku_market_stock (sku_id, market_id, mode, available)
      select sku_id, ${marketId}, ${mode}, available from moved
      on conflict (sku_id, market_id) do update set available = excluded.available, updated_at = now()
    )
    select sku_id, available from moved where not (fresh and not available)
    order by sku_id`) as unknown as Array<{ sku_id: string; available: boolean }>;
  if (!fire) return;
  if (crossed.length)
    await sql`insert into webhook_deliveries (mode, webhook_id, topic, resource_type, resource_id, market_id)
      select w.mode, w.id, w.topic, 'skus', c.sku_id, ${marketId}
      from unnest(${crossed.map((c) => c.sku_id)}::text[],
        ${crossed.map((c) => (c.available ? 'skus.back_in_stock' : 'skus.out_of_stock'))}::text[])
        with ordinality as c(sku_id, topic, n)
      join webhooks w on w.mode = ${mode} and w.topic = c.topic and w.disabled_at is null
      order by c.n, w.id`;
  // back in stock for the customers who asked: once, as the subscription leaves `active` (its trigger records notify)
  await sql`update in_stock_subscriptions s set status = 'notified', updated_at = now()
    from unnest(${ids}::text[], ${quantity}::int[]) as q(sku_id, quantity)
    where s.sku_id = q.sku_id and s.market_id = ${marketId} and s.status = 'active' and q.quantity >=
      s.stock_threshold`;
}

/** Runs a round every `everyMs` in the background; the returned function stops it (waiting for a round in progress). */
export function startStockWatch(
  db: Db,
  reg: Registry,
  everyMs: number,
  log: (e: unknown) => void,
): () => Promise<void> {
  return periodic(everyMs, () => watchStockOnce(db, reg), log);
}
