import { and, asc, desc, getTableColumns, getViewSelectedFields, is, type SQL, sql, View } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { RequestContext } from '../auth/context';
import { ADHOC } from '../db/client';
import type { Tx } from '../db/tx';
import { errors } from '../jsonapi/errors';
import type { ParsedQuery } from '../jsonapi/query';
import type { ResourceDefinition } from '../resources/define';
import type { Registry } from '../resources/registry';
import { visible } from '../rows/find';
import type { Row } from '../rows/row';
import { col } from '../rows/statement';
import { buildFilters, guardFor } from './filters';
import { servesPages, skuPage } from './sku-pages';

/**
 * The list order: the requested sorts (or the definition's default), then creation order and id, so
 * pages never overlap. `fenced`: each key as `coalesce(c, c)`, the same order that no index offers,
 * so PostgreSQL finds the matching rows first and sorts them (see listRows). `from`: the columns
 * of another relation with the table's columns (a CTE of its rows).
 */
export function orderBy(def: ResourceDefinition, q: ParsedQuery, fenced = false, from?: string) {
  const sorts = q.sort.length ? q.sort : (def.defaultSort ?? []);
  const key = (field: string) => {
    const c = from ? sql`${sql.identifier(from)}.${sql.identifier(col(def.table, field).name)}` : col(def.table, field);
    return fenced ? sql`coalesce(${c}, ${c})` : c;
  };
  const order = sorts.map(({ field, desc: d }) => {
    const a = def.attributes[field];
    if (!a?.sort || !a.column) throw errors.invalidSort(def.type, field);
    return d ? desc(key(field)) : asc(key(field));
  });
  if (!sorts.length) order.push(asc(key('created_at')));
  order.push(def.defaultSort && sorts[0]?.desc ? desc(key('id')) : asc(key('id')));
  return order;
}

export interface ListResult {
  rows: Row[];
  total: number;
}

/**
 * One page of a collection plus its total, with filters, sort and an optional extra condition
 * (related endpoints, scopes).
 */
export async function listRows(
  db: Tx,
  reg: Registry,
  def: ResourceDefinition,
  ctx: RequestContext,
  q: ParsedQuery,
  extra?: SQL,
): Promise<ListResult> {
  if (servesPages(def, q, extra)) {
    const page = await skuPage(db, def, ctx, q);
    if (page) return page;
  }
  const adhoc = q.ransack.length || q.filters.length || q.sort.length ? sql.raw(`${ADHOC} true`) : undefined;
  const where = and(visible(def, ctx), buildFilters(reg, def, def.table, q, guardFor(ctx)), extra, adhoc);
  const offset = (q.page.number - 1) * q.page.size;
  const page = (fenced: boolean) =>
    db
      .select()
      .from(def.table)
      .where(where)
      .orderBy(...orderBy(def, q, fenced))
      .limit(q.page.size)
      .offset(offset);
  const count = db.select({ n: sql<number>`count(*)::int` }).from(def.table).where(where);
  if (!adhoc) {
    const [rows, [c]] = await Promise.all([page(false), count]);
    return { rows: rows as Row[], total: c?.n ?? 0 };
  }
  // few matches: the page and their number from one reading of them (what PostgreSQL cannot know is
  // how many rows `name ILIKE '%abcd%'` matches)
  const few = db.$with('few').as(
    db
      .select()
      .from(def.table)
      .where(where)
      .limit(MATCHES_READ_AT_ONCE + 1),
  );
  // a view (reserved_stocks) has selected fields, a table columns
  const own = isView(def.table) ? getViewSelectedFields(def.table) : getTableColumns(def.table);
  const fields = Object.fromEntries(
    Object.keys(own).map((k) => [k, (few as unknown as Record<string, unknown>)[k]]),
  ) as Record<string, AnyPgColumn>;
  const read = (await db
    .with(few)
    .select({ ...fields, [TOTAL]: sql<number>`(select count(*)::int from ${few})` })
    .from(few)
    .orderBy(...orderBy(def, q, false, 'few'))
    .limit(q.page.size)
    .offset(offset)) as Row[];
  const seen = read[0]?.[TOTAL] as number | undefined;
  if (seen !== undefined && seen <= MATCHES_READ_AT_ONCE) {
    for (const r of read) delete r[TOTAL];
    return { rows: read, total: seen };
  }
  // many matches (or a page past the last): the exact count, then the page by the planner's choice
  const total = (await count)[0]?.n ?? 0;
  if (offset >= total) return { rows: [], total };
  return { rows: (await page(total <= MATCHES_READ_FIRST)) as Row[], total };
}

/** The key of the matches' number on rows read with it. */
const TOTAL = '__allot_total';

const isView = (t: unknown): t is View => is(t, View);

/**
 * Up to this many matches, a filtered page is read from its matches (sorted), not by walking an
 * index in list order until the page is full: PostgreSQL cannot know how many rows `name ILIKE
 * '%abcd%'` matches and may walk the whole catalogue for three rows.
 */
const MATCHES_READ_FIRST = 5_000;

/**
 * Up to this many, the matches are read once for the page and their number; past it, that reading
 * is given up (a broad filter pays for it: 1,001 rows) and the count decides.
 */
const MATCHES_READ_AT_ONCE = 1_000;
