import type postgres from 'postgres';
import { type Drift, oversold } from './shortfalls';

/**
 * How much `allot check` reads (docs/ledger-and-check.md#check): `full` every stock item against its
 * checkpoint plus what moved since; `since-last` only the stock items that moved (or whose reservation
 * rows changed) since the last check; `from-zero` every stock item against its whole ledger, ignoring
 * the checkpoints and rewriting them.
 */
export type CheckMode = 'full' | 'since-last' | 'from-zero';

/** The last check that wrote checkpoints: what its snapshot saw is covered. */
export interface Run {
  snapshot: string;
  xmin: string;
  open_since: Date;
}

type Tx = postgres.TransactionSql;

/**
 * Movements the run's snapshot did not see: their transaction was in progress or not yet begun then.
 * Transaction ids below the snapshot's xmin had all ended, so the txid index bounds the scan.
 */
const uncovered = (tx: Tx, run: Run) =>
  tx`m.txid >= ${run.xmin}::bigint and not pg_visible_in_snapshot(m.txid::text::xid8, ${run.snapshot}::pg_snapshot)`;

/**
 * Fill the temporary table check_items with the stock items to look at: each one's counters, the sum
 * of its reservation rows and its ledger balance (lq, lr; the checkpoint plus the movements since, or
 * the whole ledger where there is no checkpoint). Full mode keeps only the items that moved, lack a
 * checkpoint, break an invariant or are short of their holds (for the shortfalls), so the table stays as
 * small as the activity since the last check.
 */
export async function collectItems(tx: Tx, mode: CheckMode, run: Run | undefined): Promise<void> {
  const zero = mode === 'from-zero' || !run;
  const u = zero
    ? tx`select m.stock_item_id, sum(m.quantity_delta)::int as q, sum(m.reserved_delta)::int as r, max(m.id) as last
        from stock_movements m group by 1`
    : tx`select m.stock_item_id, sum(m.quantity_delta)::int as q, sum(m.reserved_delta)::int as r, max(m.id) as last
        from stock_movements m where ${uncovered(tx, run)} group by 1`;
  const cp = zero
    ? tx`(select ''::text as stock_item_id, 0 as quantity, 0 as reserved_quantity, 0::bigint as movement_id) cp
        on true`
    : mode === 'since-last'
      ? // a probe per collected item: a hash join would read all the checkpoints to find a few
        tx`lateral (select * from ledger_checkpoints c where c.stock_item_id = si.id) cp on true`
      : tx`ledger_checkpoints cp on cp.stock_item_id = si.id`;
  const incremental = mode === 'since-last' && run;
  const items = incremental
    ? tx`(select stock_item_id as id from u union select stock_item_id from stock_reservations
          where updated_at >= ${run.open_since}) c join stock_items si on si.id = c.id`
    : tx`stock_items si`;
  const res = incremental
    ? tx`select stock_item_id, sum(quantity)::int as s from stock_reservations
        where stock_item_id in (select stock_item_id from u union select stock_item_id from stock_reservations
          where updated_at >= ${run.open_since}) group by 1`
    : tx`select stock_item_id, sum(quantity)::int as s from stock_reservations group by 1`;
  const keep = zero
    ? tx`true`
    : tx`cp.stock_item_id is null or u.stock_item_id is not null or si.quantity < 0
        or si.reserved_quantity > si.quantity
        or si.reserved_quantity <> coalesce(res.s, 0) or si.quantity <> cp.quantity + coalesce(u.q, 0)
        or si.reserved_quantity <> cp.reserved_quantity + coalesce(u.r, 0)`;
  await tx`create temp table check_items on commit drop as
    with u as (${u}), res as (${res})
    select si.id, false as deleted, cp.stock_item_id is not null as has_cp, u.stock_item_id is not null as moved,
      si.quantity, si.reserved_quantity as reserved, coalesce(res.s, 0) as held,
      coalesce(cp.quantity, 0) as q0, coalesce(cp.reserved_quantity, 0) as r0,
      cp.quantity + coalesce(u.q, 0) as lq, cp.reserved_quantity + coalesce(u.r, 0) as lr,
      greatest(cp.movement_id, u.last) as last
    from ${items} left join ${cp} left join u on u.stock_item_id = si.id left join res on res.stock_item_id = si.id
    where ${keep}`;
  await tx`analyze check_items`; // a temporary table has no statistics until told: the joins below need them
  if (zero) return;
  // stock items without a checkpoint (new since, or that drifted): their whole ledger
  await tx`update check_items c set lq = coalesce(f.q, 0), lr = coalesce(f.r, 0), last = f.last
    from (select c2.id, sum(m.quantity_delta)::int as q, sum(m.reserved_delta)::int as r, max(m.id) as last
      from check_items c2 left join stock_movements m on m.stock_item_id = c2.id where not c2.has_cp group by c2.id) f
    where f.id = c.id`;
  // deleted stock items that moved (their `deleted` movement): replayed, and their checkpoint dropped
  await tx`insert into check_items (id, deleted, has_cp, moved, q0, r0)
    select d.stock_item_id, true, cp.stock_item_id is not null, true, coalesce(cp.quantity, 0),
      coalesce(cp.reserved_quantity, 0)
    from (select distinct m.stock_item_id from stock_movements m where ${uncovered(tx, run)}) d
      left join ledger_checkpoints cp on cp.stock_item_id = d.stock_item_id
    where not exists (select 1 from stock_items si where si.id = d.stock_item_id)`;
}

/**
 * The hold rule replayed in movement order (docs/ledger-and-check.md#invariants) for the collected
 * stock items: from the checkpoint over the movements since, or from the first movement without one.
 */
export async function replayFromCheckpoints(tx: Tx, run: Run): Promise<Drift[]> {
  const rows = await tx`
    select stock_item_id, id, reason, dq, dr, q, r from (
      select m.stock_item_id, m.id, m.reason, m.quantity_delta as dq, m.reserved_delta as dr,
        m.q0 + sum(m.quantity_delta) over w as q, m.r0 + sum(m.reserved_delta) over w as r
      from (
        select m.*, c.q0, c.r0 from (select * from stock_movements m where ${uncovered(tx, run)}) m
          join check_items c on c.id = m.stock_item_id and c.has_cp
        union all
        select m.*, 0, 0 from check_items c join stock_movements m on m.stock_item_id = c.id where not c.has_cp
      ) m window w as (partition by m.stock_item_id order by m.id)
    ) m
    where r > q and (dr > 0 or r - q > greatest(0, (r - dr) - (q - dq)))
    order by stock_item_id, id`;
  return oversold(rows);
}

/** Counter breaches among the collected stock items, in the order and words the check always printed. */
export async function counterDrift(tx: Tx): Promise<Drift[]> {
  const rows = await tx`select id, quantity, reserved, held, lq, lr from check_items where not deleted
    and (quantity < 0 or reserved <> held or quantity <> lq or reserved <> lr) order by id`;
  const drift: Drift[] = [];
  for (const c of rows) {
    if (c.reserved !== c.held)
      drift.push({
        kind: 'reserved_drift',
        id: c.id,
        detail: `reserved_quantity ${c.reserved} but reservations sum to ${c.held}`,
      });
    if (c.quantity < 0) drift.push({ kind: 'negative_quantity', id: c.id, detail: `quantity ${c.quantity}` });
  }
  for (const l of rows)
    if (l.quantity !== l.lq || l.reserved !== l.lr)
      drift.push({
        kind: 'ledger_drift',
        id: l.id,
        detail: `counters ${l.quantity}/${l.reserved} but the ledger replays to ${l.lq}/${l.lr}`,
      });
  return drift;
}

/**
 * Advance the checkpoints: every collected stock item that broke no invariant gets its ledger balance
 * as of this snapshot; one that did loses its checkpoint (the next check replays it from the start);
 * a deleted one too. Returns how many were written.
 */
export async function writeCheckpoints(tx: Tx, zero: boolean, bad: string[]): Promise<number> {
  if (zero) {
    // every stock item was collected: the checkpoints are written anew (only checks read this table)
    await tx`truncate ledger_checkpoints`;
    const written = await tx`insert into ledger_checkpoints (stock_item_id, movement_id, quantity, reserved_quantity)
      select id, coalesce(last, 0), lq, lr from check_items where not deleted and not (id = any(${bad}::text[]))`;
    return written.count;
  }
  // two statements: an OR of the two would scan every checkpoint instead of probing the key
  await tx`delete from ledger_checkpoints where stock_item_id in (select id from check_items where deleted)`;
  if (bad.length) await tx`delete from ledger_checkpoints where stock_item_id = any(${bad}::text[])`;
  // rewrite in place where a checkpoint exists (a join, not a conflict probe per row), insert the others
  const updated = await tx`update ledger_checkpoints cp set movement_id = coalesce(c.last, 0), quantity = c.lq,
      reserved_quantity = c.lr, checked_at = now()
    from check_items c where cp.stock_item_id = c.id and not c.deleted and c.has_cp and c.moved
      and not (c.id = any(${bad}::text[]))`;
  const inserted = await tx`insert into ledger_checkpoints (stock_item_id, movement_id, quantity, reserved_quantity)
    select id, coalesce(last, 0), lq, lr from check_items
    where not deleted and not has_cp and not (id = any(${bad}::text[]))`;
  return updated.count + inserted.count;
}
