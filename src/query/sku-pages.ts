import { and, asc, eq, param, type SQL, sql } from 'drizzle-orm';
import type { RequestContext } from '../auth/context';
import { skus } from '../db/schema/catalog';
import type { Tx } from '../db/tx';
import type { ParsedQuery } from '../jsonapi/query';
import type { ResourceDefinition } from '../resources/define';
import type { Row } from '../rows/row';
import { BUCKET_SKUS } from './list-keeper';

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
function scopeOf(ctx: RequestContext): SQL {
  if (ctx.caller.kind !== 'sales_channel') return sql`${`all:${ctx.mode}`}::text`;
  if (ctx.caller.stockLocationIds.length) return sql`null::text`;
  return sql`(select case count(distinct m.inventory_model_id) when 0 then '' when 1 then min(m.inventory_model_id) end
    from markets m where m.id = any(${param(ctx.caller.marketIds)}::text[]) and m.disabled_at is null)`;
}

interface Start {
  scope: string | null;
  total: number;
  mark_at: string | null;
  mark_id: string | null;
  before: number | null;
}

export function servesPages(def: ResourceDefinition, q: ParsedQuery, extra?: SQL): boolean {
  return def.table === skus && !extra && !q.ransack.length && !q.filters.length && !q.sort.length;
}

/** A page of the caller's SKUs and their total; undefined when the general path must answer. */
export async function skuPage(
  db: Tx,
  ctx: RequestContext,
  q: ParsedQuery,
): Promise<{ rows: Row[]; total: number } | undefined> {
  const offset = (q.page.number - 1) * q.page.size;
  // the scope's total, and where row `offset` falls: first the nearest running count the keeper
  // kept at or before it, corrected by the deltas written since its fold; when that is stale (or
  // too many deltas wait), the bucket found by a running sum from the nearer end of the list
  const n = sql`${offset}::int`;
  const [start] = (await db.execute(sql`with sc as (select ${scopeOf(ctx)} as scope),
    t as (select coalesce(sum(k.n), 0)::int as total from sku_list_totals k where k.scope = (select scope from sc)),
    u as (select coalesce(sum(abs(d.n)), 0)::int as moved from sku_list_counts d
      where d.scope = (select scope from sc) and not d.folded)
    select (select scope from sc) as scope, (select total from t) as total,
      st.mark_at::text as mark_at, st.mark_id, st.before
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
    ) st on true`)) as unknown as Start[];
  if (!start || start.scope === null) return undefined;
  if (start.mark_at === null || start.scope === '') return { rows: [], total: start.total };
  const from = sql`(${start.mark_at}::timestamptz, ${start.mark_id}::text)`;
  const skip = offset - start.before!;
  const order = [asc(skus.created_at), asc(skus.id)];
  const inMode = eq(skus.mode, ctx.mode);
  if (start.scope.startsWith('all:')) {
    const rows = await db
      .select()
      .from(skus)
      .where(and(inMode, sql`(${skus.created_at}, ${skus.id}) >= ${from}`))
      .orderBy(...order)
      .limit(q.page.size)
      .offset(skip);
    return { rows: rows as Row[], total: start.total };
  }
  // the model's SKUs in list order, from its own index; then the page's rows by id
  const ids = sql`array(select v.sku_id from sku_visibility v where v.inventory_model_id = ${start.scope}
    and (v.sku_created_at, v.sku_id) >= ${from} order by v.sku_created_at, v.sku_id
    offset ${skip} limit ${q.page.size})`;
  const rows = await db
    .select()
    .from(skus)
    .where(and(inMode, sql`${skus.id} = any(${ids})`))
    .orderBy(...order);
  return { rows: rows as Row[], total: start.total };
}
