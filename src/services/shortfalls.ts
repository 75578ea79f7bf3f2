import type postgres from 'postgres';

/** A breach of an invariant: a bug, or a write around Allot. */
export interface Drift {
  kind: string;
  id: string;
  detail: string;
}

/** One hold that the stock on hand no longer covers, oldest holds being covered first. */
export interface ShortHold {
  /** An order's hold (its stock line item or transfer), a standalone transfer's, or a generic reservation's. */
  owner: 'order' | 'stock_transfer' | 'stock_reservation';
  id: string;
  /** The order's number and status, or the transfer's number. */
  label: string;
  held: number;
  short: number;
}

/** A stock item whose holds exceed what is on hand, because a count lowered its quantity. */
export interface Shortfall {
  stockItemId: string;
  skuCode: string;
  stockLocation: string;
  quantity: number;
  reserved: number;
  short: number;
  holds: ShortHold[];
}

/**
 * Reasons a client's count leaves in the ledger (`adjusted …`, `import …`), or a quantity lowered by
 * hand in SQL.
 */
const COUNT = (reason: string) =>
  reason.startsWith('adjusted') || reason.startsWith('import') || reason === 'decreased';

/**
 * Replay each stock item's ledger in order (its movements are serialised by the row lock, so id
 * order is commit order) and look at every movement that leaves more held than on hand. A hold
 * granted there (reserved up) is an oversell: Allot gave units it did not have. Units taken there
 * without their hold (reserved not down as much) are too, unless the movement is a count: a client
 * setting the quantity, which Commerce Layer allows below what is held. Those are shortfalls, and
 * not drift.
 */
export async function replayLedger(sql: postgres.Sql | postgres.TransactionSql): Promise<Drift[]> {
  const rows = await sql`
    select stock_item_id, id, reason, quantity_delta as dq, reserved_delta as dr, q, r from (
      select m.*, sum(m.quantity_delta) over w as q, sum(m.reserved_delta) over w as r
      from stock_movements m window w as (partition by m.stock_item_id order by m.id)
    ) m
    where r > q and (reserved_delta > 0 or r - q > greatest(0, (r - reserved_delta) - (q - quantity_delta)))
    order by stock_item_id, id`;
  return oversold(rows);
}

/** Movements that left more held than on hand, as the replay finds them: the oversold ones as drift. */
export function oversold(rows: readonly postgres.Row[]): Drift[] {
  const drift: Drift[] = [];
  for (const m of rows) {
    const at =
      `movement ${m.id} (${m.reason}: ${m.dq} on hand, ${m.dr} reserved) ` + `left ${m.r} reserved over ${m.q} on hand`;
    if (Number(m.dr) > 0)
      drift.push({ kind: 'oversold', id: m.stock_item_id, detail: `a hold granted beyond stock: ${at}` });
    else if (!COUNT(m.reason))
      drift.push({ kind: 'oversold', id: m.stock_item_id, detail: `units taken that were not held: ${at}` });
  }
  return drift;
}

/**
 * Stock items short of their holds now, and which holds (newest first to go short) the stock no longer covers;
 * with `collected`, only among the stock items the check collected (src/services/check-ledger.ts).
 */
export async function shortfalls(sql: postgres.Sql | postgres.TransactionSql, collected = false): Promise<Shortfall[]> {
  const items = await sql`
    select si.id, s.code, coalesce(sl.code, sl.name) as location, si.quantity, si.reserved_quantity
    from stock_items si join skus s on s.id = si.sku_id join stock_locations sl on sl.id = si.stock_location_id
    where si.reserved_quantity > si.quantity ${collected ? sql`and si.id in (select id from check_items)` : sql``}
    order by si.id`;
  if (!items.length) return [];
  const holds = await sql`
    select r.stock_item_id, r.quantity, r.order_id, r.stock_transfer_id, r.id, o.number as order_number,
      o.status as order_status,
      t.number as transfer_number
    from stock_reservations r left join orders o on o.id = r.order_id left join stock_transfers t on t.id =
      r.stock_transfer_id
    where r.stock_item_id = any(${items.map((i) => i.id as string)}::text[])
    order by r.stock_item_id, r.created_at, r.id`;
  return items.map((i) => {
    let covered = i.quantity as number;
    const short: ShortHold[] = [];
    for (const h of holds.filter((x) => x.stock_item_id === i.id)) {
      const gap = Math.min(h.quantity, h.quantity - covered);
      covered = Math.max(0, covered - h.quantity);
      if (gap <= 0) continue;
      const owner = h.order_id ? 'order' : h.stock_transfer_id ? 'stock_transfer' : 'stock_reservation';
      const id = h.order_id ?? h.stock_transfer_id ?? h.id;
      const label = h.order_id
        ? `#${h.order_number} ${h.order_status}`
        : h.stock_transfer_id
          ? `${h.transfer_number}`
          : '';
      const same = short.find((s) => s.owner === owner && s.id === id);
      if (same) {
        same.held += h.quantity;
        same.short += gap;
      } else short.push({ owner, id, label, held: h.quantity, short: gap });
    }
    return {
      stockItemId: i.id,
      skuCode: i.code,
      stockLocation: i.location,
      quantity: i.quantity,
      reserved: i.reserved_quantity,
      short: i.reserved_quantity - i.quantity,
      holds: short,
    };
  });
}
