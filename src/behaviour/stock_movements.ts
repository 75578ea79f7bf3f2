import { rawClient } from '../db/client';
import type { Tx } from '../db/tx';
import { errors } from '../jsonapi/errors';
import { parseDate } from '../lib/dates';
import type { Behaviour, ListMeta } from '../resources/bind';
import type { Loader } from '../resources/define';
import type { Row } from '../rows/row';

type Counters = { quantity: number; reserved: number };
interface Who {
  application_id: string | null;
  request_id: string | null;
  source_type: string | null;
  source_id: string | null;
}

/** One computation per page shared by the attributes it feeds (the presenter calls each loader with the same rows). */
function perPage<T>(compute: (db: Tx, rows: Row[]) => Promise<Map<unknown, T>>) {
  const pages = new WeakMap<Row[], Promise<Map<unknown, T>>>();
  return (pick: (v: T) => unknown): Loader =>
    async (db, _ctx, rows) => {
      let p = pages.get(rows);
      if (!p) pages.set(rows, (p = compute(db, rows)));
      const m = await p;
      return new Map(rows.map((r) => [r.id, m.has(r.id) ? pick(m.get(r.id)!) : null]));
    };
}

/**
 * The counters right after each movement: per stock item on the page, the counters before the page's
 * oldest movement of it, then its movements walked forward through the page's id range in id order
 * (the order the changes committed in, docs/ledger-and-check.md#invariants). The replay before the page
 * is read backwards from the stock item's counters, which equal the whole ledger replayed (the same
 * statement writes both; `allot check` says so), so the newest pages cost only the movements after
 * them; a deleted stock item's is summed from the start. One statement for the page.
 */
const after = perPage<Counters>(async (db, rows) => {
  const span = new Map<string, { lo: number; hi: number }>();
  for (const r of rows) {
    const s = span.get(r.stock_item_id);
    const id = Number(r.id);
    span.set(r.stock_item_id, { lo: Math.min(s?.lo ?? id, id), hi: Math.max(s?.hi ?? id, id) });
  }
  const items = [...span.keys()];
  const sql = rawClient(db);
  const before = (col: string) =>
    sql.unsafe(
      `(select coalesce(sum(m.${col}), 0) from stock_movements m where m.stock_item_id = p.si and m.id < p.lo)`,
    );
  const found = await sql`
    with p (si, lo, hi) as (select * from unnest(${items}::text[], ${items.map((i) => span.get(i)!.lo)}::bigint[],
      ${items.map((i) => span.get(i)!.hi)}::bigint[]))
    select p.si, 0::bigint as id,
      (case when s.id is null then ${before('quantity_delta')} else s.quantity - a.q end)::int as q,
      (case when s.id is null then ${before('reserved_delta')} else s.reserved_quantity - a.r end)::int as r
    from p left join stock_items s on s.id = p.si
    cross join lateral (select coalesce(sum(m.quantity_delta), 0) as q, coalesce(sum(m.reserved_delta), 0) as r
      from stock_movements m where m.stock_item_id = p.si and m.id >= p.lo) a
    union all
    select m.stock_item_id, m.id, m.quantity_delta, m.reserved_delta
    from p join stock_movements m on m.stock_item_id = p.si and m.id between p.lo and p.hi
    order by 1, 2`;
  const out = new Map<unknown, Counters>();
  let run: Counters = { quantity: 0, reserved: 0 };
  for (const f of found) {
    if (Number(f.id) === 0) run = { quantity: f.q, reserved: f.r };
    else {
      run = { quantity: run.quantity + f.q, reserved: run.reserved + f.r };
      out.set(Number(f.id), run);
    }
  }
  return new Map(rows.map((r) => [r.id, out.get(Number(r.id))!]));
});

/**
 * Who and what: the `versions` row written by the same transaction (same txid) names the application
 * and the request; the reason names a transfer or a return, and `import` the import whose id is the
 * request id; otherwise the version's resource leads to the order (a shipment's, line item's…).
 */
const who = perPage<Who>(async (db, rows) => {
  const found = await rawClient(db)`
    select m.id::text as id, m.reason, v.who->'application'->>'id' as application_id,
      v.who->>'request_id' as request_id,
      v.resource_type, v.resource_id, i.id as import_id,
      case v.resource_type
        when 'shipments' then (select order_id from shipments where id = v.resource_id)
        when 'line_items' then (select order_id from line_items where id = v.resource_id)
        when 'stock_line_items' then (select order_id from stock_line_items where id = v.resource_id)
        when 'stock_reservations' then (select order_id from stock_reservations where id = v.resource_id)
      end as order_id,
      case v.resource_type
        when 'return_line_items' then (select return_id from return_line_items where id = v.resource_id)
        when 'stock_reservations' then (select stock_transfer_id from stock_reservations where id = v.resource_id)
      end as other_id
    from stock_movements m
    left join lateral (select x.resource_type, x.resource_id, x.who from versions x where x.txid = m.txid
      and x.mode = m.mode order by x.resource_type in ('orders', 'stock_transfers', 'returns') desc, x.id
      limit 1) v on true
    left join imports i on m.reason like 'import%' and i.id = v.who->>'request_id' and i.mode = m.mode
    where m.id = any(${rows.map((r) => String(r.id))}::bigint[])`;
  const out = new Map<unknown, Who>();
  for (const f of found) {
    const [type, id] = source(f);
    out.set(Number(f.id), {
      application_id: f.application_id ?? null,
      request_id: f.request_id ?? null,
      source_type: type,
      source_id: id,
    });
  }
  return new Map(rows.map((r) => [r.id, out.get(Number(r.id))!]));
});

/** docs/ledger-and-check.md#reasons: `transfer_out {id}`, `transfer_in {id}`, `restock return {id}`, `import`. */
function source(f: Row): [string | null, string | null] {
  const m = /^(?:transfer_(?:out|in) (\S+)|restock return (\S+))/.exec(f.reason);
  if (m?.[1]) return ['stock_transfers', m[1]];
  if (m?.[2]) return ['returns', m[2]];
  if (f.reason.startsWith('import')) return ['imports', f.import_id ?? null];
  switch (f.resource_type) {
    case 'orders':
    case 'stock_transfers':
    case 'returns':
      return [f.resource_type, f.resource_id];
    case 'return_line_items':
      return f.other_id ? ['returns', f.other_id] : [null, null];
    case 'stock_reservations':
      if (f.other_id) return ['stock_transfers', f.other_id];
  }
  return f.order_id ? ['orders', f.order_id] : [null, null];
}

/** `as_of`: the stock item's counters replayed from the ledger up to a time (movements created at or before it). */
const listMeta: ListMeta = async ({ db, ctx, params, q, parent }) => {
  if (params.as_of === undefined) return {};
  const at = parseDate(params.as_of);
  if (!at) throw errors.invalidFieldValue('as_of', 'is not an ISO 8601 time', 'as_of');
  const filtered = q.ransack.filter((r) => r.key === 'stock_item_id_eq');
  const fromFilter = filtered.length === 1 && typeof filtered[0]!.value === 'string' ? filtered[0]!.value : undefined;
  const stockItemId = parent?.type === 'stock_items' ? (parent.row.id as string) : fromFilter;
  if (!stockItemId || stockItemId.includes(',')) throw errors.paramMissing('filter[q][stock_item_id_eq]');
  const [c] = await rawClient(db)`
    select coalesce(sum(quantity_delta), 0)::int as quantity, coalesce(sum(reserved_delta), 0)::int as reserved
    from stock_movements where stock_item_id = ${stockItemId} and mode = ${ctx.mode}
      and created_at <= ${at.toISOString()}::timestamptz`;
  return { as_of: { at: at.toISOString(), quantity: c!.quantity, reserved: c!.reserved } };
};

export const stockMovements: Behaviour = {
  loaders: {
    quantity_after: after((c) => c.quantity),
    reserved_after: after((c) => c.reserved),
    application_id: who((w) => w.application_id),
    request_id: who((w) => w.request_id),
    source_type: who((w) => w.source_type),
    source_id: who((w) => w.source_id),
  },
  listMeta,
};
