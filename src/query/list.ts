import { and, asc, desc, type SQL, sql } from 'drizzle-orm';
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

export function orderBy(def: ResourceDefinition, q: ParsedQuery) {
  const sorts = q.sort.length ? q.sort : (def.defaultSort ?? []);
  const order = sorts.map(({ field, desc: d }) => {
    const a = def.attributes[field];
    if (!a?.sort || !a.column) throw errors.invalidSort(def.type, field);
    return d ? desc(col(def.table, field)) : asc(col(def.table, field));
  });
  // default and tie-break: creation order, then id, so pages never overlap
  if (!sorts.length) order.push(asc(col(def.table, 'created_at')));
  order.push(def.defaultSort && sorts[0]?.desc ? desc(col(def.table, 'id')) : asc(col(def.table, 'id')));
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
    const page = await skuPage(db, ctx, q);
    if (page) return page;
  }
  const adhoc = q.ransack.length || q.filters.length || q.sort.length ? sql.raw(`${ADHOC} true`) : undefined;
  const where = and(visible(def, ctx), buildFilters(reg, def, def.table, q, guardFor(ctx)), extra, adhoc);
  const order = orderBy(def, q);
  const offset = (q.page.number - 1) * q.page.size;
  const [rows, count] = await Promise.all([
    db
      .select()
      .from(def.table)
      .where(where)
      .orderBy(...order)
      .limit(q.page.size)
      .offset(offset),
    db.select({ n: sql<number>`count(*)::int` }).from(def.table).where(where),
  ]);
  return { rows: rows as Row[], total: count[0]?.n ?? 0 };
}
