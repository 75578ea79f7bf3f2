import { asc, desc, type SQL, sql } from 'drizzle-orm';
import { type AnyPgColumn, PgDialect } from 'drizzle-orm/pg-core';
import type { RequestContext } from '../auth/context';
import type { Tx } from '../db/tx';
import { errors } from '../jsonapi/errors';
import type { ParsedQuery } from '../jsonapi/query';
import type { ResourceDefinition } from '../resources/define';
import { type Row, type WithRow, withRowKey } from '../rows/row';
import { col, columnsOf, runRendered } from '../rows/statement';

/** Attributes whose values a list's rows carry from its statement (`WithRow.selectMany`). */
export type Carried = Array<[string, WithRow]>;

/** The attributes `fields[type]` names that rows can carry for this caller (a SKU's inventory). */
export function carriedFor(def: ResourceDefinition, ctx: RequestContext, q: ParsedQuery): Carried {
  const named = q.fields[def.type] ?? [];
  return Object.entries(def.attributes).flatMap(([name, a]) =>
    a.withRow?.selectMany && named.includes(name) && a.withRow.when(ctx)
      ? [[name, a.withRow] as [string, WithRow]]
      : [],
  );
}

/**
 * What the rows of relation `r` carry: a column and a left join per attribute, each a relation
 * `(id, value)` over the relation's ids, so a page reads them in one pass with its rows.
 */
export function carriedSql(carried: Carried): { columns: SQL; joins: SQL } {
  const parts = carried.map(([, w], i) => {
    const alias = sql.identifier(`w${i}`);
    return {
      column: sql`, ${alias}.value`,
      join: sql` left join (${w.selectMany!(sql`array(select r.id from r)`)}) ${alias} on ${alias}.id = r.id`,
    };
  });
  return { columns: sql.join(parts.map((p) => p.column)), joins: sql.join(parts.map((p) => p.join)) };
}

/** The columns as selected from relation `from`, in order. */
export const columnsIn = (from: string, columns: Array<[string, AnyPgColumn]>): SQL =>
  sql.join(
    columns.map(([, c]) => sql`${sql.identifier(from)}.${sql.identifier(c.name)}`),
    sql`, `,
  );

/** The placeholders' values of carried attributes (`mode`, markets, stock locations, their own). */
export function carriedValues(carried: Carried, ctx: RequestContext, db: Tx): Record<string, unknown> {
  const values: Record<string, unknown> = {
    mode: ctx.mode,
    marketIds: ctx.caller.marketIds,
    stockLocationIds: ctx.caller.stockLocationIds,
  };
  for (const [, w] of carried) if (w.bind) Object.assign(values, w.bind(ctx, db));
  return values;
}

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

const dialect = new PgDialect();
const TOTAL = '__allot_total';

export interface PageRead {
  /** The matching rows: `where` on the definition's table, at most `readAtMost` of them when given. */
  where: SQL | undefined;
  readAtMost?: number;
  /** Sort the matches rather than walk an index in list order (see list.ts). */
  fenced: boolean;
  /** Count the matches in the same statement (otherwise the total is undefined). */
  counted: boolean;
  carried: Carried;
}

/**
 * A page of a collection in one statement, so one snapshot: the matches (read once when capped, or
 * inlined so an index can serve the order), their number, the page in list order, and what its rows
 * carry. Past the last match, no rows and the number still.
 */
export async function readPage(
  db: Tx,
  def: ResourceDefinition,
  ctx: RequestContext,
  q: ParsedQuery,
  p: PageRead,
): Promise<{ rows: Row[]; total: number | undefined }> {
  const own = Object.entries(columnsOf(def.table));
  const capped = p.readAtMost !== undefined;
  const matches = sql`select ${def.table}.* from ${def.table} where ${p.where ?? sql`true`}${
    capped ? sql` limit ${p.readAtMost}` : sql``
  }`;
  const { columns, joins } = carriedSql(p.carried);
  const statement = sql`with m as ${sql.raw(capped ? 'materialized' : 'not materialized')} (${matches}),
    r as (select * from m order by ${sql.join(orderBy(def, q, p.fenced, 'm'), sql`, `)}
      limit ${q.page.size} offset ${(q.page.number - 1) * q.page.size})
    select ${p.counted ? sql`(select count(*)::int from m)` : sql`null::int`},
      ${columnsIn('r', own)} ${columns}
    from (select 1) one left join r on true ${joins}
    order by ${sql.join(orderBy(def, q, false, 'r'), sql`, `)}`;
  const { sql: text, params } = dialect.sqlToQuery(statement);
  const read = await runRendered(
    db,
    {
      text,
      params,
      fields: [
        [TOTAL, undefined],
        ...own,
        ...p.carried.map(([name]): [string, undefined] => [withRowKey(name), undefined]),
      ],
    },
    p.carried.length ? carriedValues(p.carried, ctx, db) : {},
  );
  const total = read[0]?.[TOTAL] as number | null | undefined;
  const rows = read[0]?.id === null ? [] : read;
  for (const r of rows) delete r[TOTAL];
  return { rows, total: total ?? undefined };
}
