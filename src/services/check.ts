import type postgres from 'postgres';
import { type Drift, replayLedger, type Shortfall, shortfalls } from './shortfalls';

export type { Drift, Shortfall };

export interface StockReport {
  /** Breaches of the invariants: any is a bug or a write around Allot. */
  drift: Drift[];
  /** Stock items a count left short of their holds: Commerce Layer allows it; to resolve, not a bug. */
  shortfalls: Shortfall[];
}

/** The invariants only (what tests and benchmarks require to be empty): see checkStock. */
export async function checkInvariants(sql: postgres.Sql): Promise<Drift[]> {
  return (await checkStock(sql)).drift;
}

/**
 * The invariants stock must satisfy at every commit (docs/ledger-and-check.md#invariants):
 * quantity ≥ 0, reserved = Σ reservation rows, counters = the stock ledger replayed, no hold ever
 * granted beyond stock (the ledger replayed in order), every pending reservation of a placed order
 * backed by its stock line item; and, apart, the shortfalls counts left.
 */
export async function checkStock(sql: postgres.Sql): Promise<StockReport> {
  const drift: Drift[] = [];
  const counters = await sql`
    select si.id, si.quantity, si.reserved_quantity, coalesce(sum(r.quantity), 0)::int as actual
    from stock_items si left join stock_reservations r on r.stock_item_id = si.id
    group by si.id
    having si.reserved_quantity <> coalesce(sum(r.quantity), 0) or si.quantity < 0`;
  for (const c of counters) {
    if (c.reserved_quantity !== c.actual)
      drift.push({
        kind: 'reserved_drift',
        id: c.id,
        detail: `reserved_quantity ${c.reserved_quantity} but reservations sum to ${c.actual}`,
      });
    if (c.quantity < 0) drift.push({ kind: 'negative_quantity', id: c.id, detail: `quantity ${c.quantity}` });
  }
  // the ledger replayed must give the counters (docs/ledger-and-check.md#ledger)
  const ledger = await sql`
    select si.id, si.quantity, si.reserved_quantity, coalesce(m.q, 0)::int as lq, coalesce(m.r, 0)::int as lr
    from stock_items si left join (select stock_item_id, sum(quantity_delta) as q, sum(reserved_delta) as r
      from stock_movements group by stock_item_id) m
      on m.stock_item_id = si.id
    where si.quantity <> coalesce(m.q, 0) or si.reserved_quantity <> coalesce(m.r, 0)`;
  for (const l of ledger)
    drift.push({
      kind: 'ledger_drift',
      id: l.id,
      detail: `counters ${l.quantity}/${l.reserved_quantity} but the ledger replays to ${l.lq}/${l.lr}`,
    });
  drift.push(...(await replayLedger(sql)));
  const orphans = await sql`
    select r.id from stock_reservations r join orders o on o.id = r.order_id
    where o.status in ('placed', 'approved') and r.status = 'pending' and r.stock_line_item_id is null
      and r.stock_transfer_id is null`;
  for (const o of orphans)
    drift.push({
      kind: 'orphan_reservation',
      id: o.id,
      detail: 'pending reservation of a placed order without a stock line item',
    });
  const unheld = await sql`
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
  return { drift, shortfalls: await shortfalls(sql) };
}
