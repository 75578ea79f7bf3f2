import { getTableColumns, type SQL, sql } from 'drizzle-orm';
import { type AnyPgColumn, PgDialect } from 'drizzle-orm/pg-core';
import type { RequestContext } from '../auth/context';
import { skus } from '../db/schema/catalog';
import type { Tx } from '../db/tx';
import type { ParsedQuery } from '../jsonapi/query';
import type { ResourceDefinition } from '../resources/define';
import { type Row, withRowKey } from '../rows/row';
import { type Rendered, runRendered } from '../rows/statement';
import { BUCKET_SKUS } from './list-keeper';
import { type Carried, carriedFor, carriedSql, carriedValues, columnsIn } from './list-page';

/** Deltas past which a page stops trusting the kept running counts (a bulk load not yet folded). */
const MOVED = BUCKET_SKUS;

/*
 * Pages of SKUs in list order, with exact totals, from the counts migration 0019 keeps
 * (docs/lists.md): the total is the scope's row in sku_list_totals (with deltas not yet folded),
 * and page N starts from the bucket of about 1,000 SKUs where its first row falls, found from the
 * running counts the keeper keeps (migration 0030), so no request walks the catalogue. Serves the
 * plain collection (no filter, no sort, not a related endpoint) for integration tokens and for sales
 * channels whose enabled markets share one inventory model, without a stock location scope; any
 * other list takes the general path (list.ts).
 */

/**
 * The counts' scope of the caller's SKUs: `all:{mode}`, an inventory model's id, '' when the
 * caller sees none, or null when no one scope describes what it sees.
 */
function scopeOf(kind: 'all' | 'model' | 'none'): SQL {
  if (kind === 'all') return sql`'all:' || ${sql.placeholder('mode')}::text`;
  if (kind === 'none') return sql`null::text`;
  return sql`(select case count(distinct m.inventory_model_id) when 0 then '' when 1 then min(m.inventory_model_id) end
    from markets m where m.id = any(${sql.placeholder('marketIds')}::text[]) and m.disabled_at is null)`;
}

const columns = Object.entries(getTableColumns(skus));

/** The keys of the page statement's own columns beside the SKU's (no column of `skus` has them). */
const SCOPE = '__page_scope';
const TOTAL = '__page_total';

export function servesPages(def: ResourceDefinition, q: ParsedQuery, extra?: SQL): boolean {
  return def.table === skus && !extra && !q.ransack.length && !q.filters.length && !q.sort.length;
}

/**
 * The statement of a page: its start (the scope's total, and where row `offset` falls: first the
 * nearest running count the keeper kept at or before it, corrected by the deltas written since its
 * fold; when that is stale, or too many deltas wait, the bucket found by a running sum from the
 * nearer end of the list), then the page's rows from that bucket (the mode's SKUs in list order from
 * their index, or the model's from its own and their rows by id), with the attributes the
 * presentation will load that are selected with a row (`withRow`: a SKU's inventory), so a page with
 * them is one statement too. Placeholders: `mode`, `marketIds`, `stockLocationIds`, `offset`, `size`
 * and the attributes' own.
 */
function pageStatement(scope: SQL, carried: Carried): SQL {
  const n = sql`${sql.placeholder('offset')}::int`;
  const size = sql`${sql.placeholder('size')}::int`;
  const mode = sql`${sql.placeholder('mode')}::text`;
  const start = sql`with sc as (select ${scope} as scope),
    t as (select coalesce(sum(k.n), 0)::int as total from sku_list_totals k where k.scope = (select scope from sc)),
    u as (select coalesce(sum(abs(d.n)), 0)::int as moved from sku_list_counts d
      where d.scope = (select scope from sc) and not d.folded)
    select (select scope from sc) as scope, (select total from t) as total,
      st.mark_at, st.mark_id, ${n} - st.before as skip
    from (select 1) one left join lateral (select * from (
      (select p.mark_at, p.mark_id, (p.before + coalesce((select sum(d.n) from sku_list_counts d
          where d.scope = p.scope and not d.folded and (d.mark_at, d.mark_id) < (p.mark_at, p.mark_id)), 0))::int
        from sku_list_prefix p
        where p.scope = (select scope from sc) and p.before <= ${n} - (select moved from u)
          and ${n} < (select total from t) and (select moved from u) <= ${MOVED}::int
          and coalesce((select v.valid from sku_list_prefix_valid v where v.scope = (select scope from sc)), false)
        order by p.before desc limit 1)
      union all
      (select w.mark_at, w.mark_id, (w.upto - (select sum(b.n) from sku_list_counts b
          where b.scope = (select scope from sc) and b.mark_at = w.mark_at and b.mark_id = w.mark_id))::int
        from (select k.mark_at, k.mark_id, sum(k.n) over (order by k.mark_at, k.mark_id) as upto
          from sku_list_counts k where k.scope = (select scope from sc)) w
        where w.upto > ${n} and ${n} * 2 < (select total from t) order by w.mark_at, w.mark_id limit 1)
      union all
      (select w.mark_at, w.mark_id, ((select total from t) - w.tail)::int
        from (select k.mark_at, k.mark_id, sum(k.n) over (order by k.mark_at desc, k.mark_id desc) as tail
          from sku_list_counts k where k.scope = (select scope from sc)) w
        where (select total from t) - w.tail <= ${n} and ${n} * 2 >= (select total from t)
          and ${n} < (select total from t)
        order by w.mark_at desc, w.mark_id desc limit 1)) x(mark_at, mark_id, before) limit 1
    ) st on true`;
  const { columns: carriedColumns, joins } = carriedSql(carried);
  return sql`with st as (${start}),
    r as (select p.* from st cross join lateral (
      (select s.* from skus s where st.scope like 'all:%' and s.mode = ${mode}
        and (s.created_at, s.id) >= (st.mark_at, st.mark_id)
        order by s.created_at, s.id offset st.skip limit ${size})
      union all
      (select s.* from skus s where st.scope not like 'all:%' and s.mode = ${mode}
        and s.id = any(array(select v.sku_id from sku_visibility v where v.inventory_model_id = st.scope
          and (v.sku_created_at, v.sku_id) >= (st.mark_at, st.mark_id) order by v.sku_created_at, v.sku_id
          offset st.skip limit ${size})))
    ) p)
    select st.scope, st.total, ${columnsIn('r', columns)} ${carriedColumns}
    from st left join r on true ${joins}
    order by r.created_at, r.id`;
}

const dialect = new PgDialect();
/** Page statements rendered once per scope kind and attributes carried (building one costs more than running it). */
const rendered = new Map<string, Rendered>();

/** A page statement rendered, its result columns in order: scope, total, the SKU's, then what it carries. */
function renderPage(kind: 'all' | 'model' | 'none', carried: Carried): Rendered {
  const { sql: text, params } = dialect.sqlToQuery(pageStatement(scopeOf(kind), carried));
  const fields: Rendered['fields'] = [
    [SCOPE, undefined],
    [TOTAL, undefined],
    ...columns.map(([key, c]): [string, AnyPgColumn] => [key, c]),
    ...carried.map(([name]): [string, undefined] => [withRowKey(name), undefined]),
  ];
  return { text, params, fields };
}

/**
 * A page of the caller's SKUs and their total, in one statement (one snapshot, one round trip), with
 * what `load` attributes named in `fields[skus]` need when they can be selected with the row;
 * undefined when the general path must answer.
 */
export async function skuPage(
  db: Tx,
  def: ResourceDefinition,
  ctx: RequestContext,
  q: ParsedQuery,
): Promise<{ rows: Row[]; total: number } | undefined> {
  const kind = ctx.caller.kind !== 'sales_channel' ? 'all' : ctx.caller.stockLocationIds.length ? 'none' : 'model';
  const carried = carriedFor(def, ctx, q);
  const key = `${kind}|${carried.map(([name]) => name).join(',')}`;
  let statement = rendered.get(key);
  if (!statement) rendered.set(key, (statement = renderPage(kind, carried)));
  const values = {
    ...carriedValues(carried, ctx, db),
    offset: (q.page.number - 1) * q.page.size,
    size: q.page.size,
  };
  const read = await runRendered(db, statement, values);
  const first = read[0];
  if (!first || first[SCOPE] === null) return undefined;
  const total = first[TOTAL] as number;
  const rows = first.id === null ? [] : read;
  for (const r of rows) {
    delete r[SCOPE];
    delete r[TOTAL];
  }
  return { rows, total };
}
