import {
  and,
  asc,
  desc,
  eq,
  fillPlaceholders,
  getTableColumns,
  getViewSelectedFields,
  is,
  type SQL,
  sql,
  View,
} from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { RequestContext } from '../auth/context';
import { ADHOC, type Db, rawClient } from '../db/client';
import type { Tx } from '../db/tx';
import { errors } from '../jsonapi/errors';
import type { ParsedQuery } from '../jsonapi/query';
import { attributesOf, type ResourceDefinition, type Row, withRowKey } from '../resources/define';
import type { Registry } from '../resources/registry';
import { scopePlaceholders, scopeValues } from '../resources/scopes';
import { coalesce } from './coalesce';
import { buildFilters, guardFor } from './filters';
import { versionFields } from './probe';

export const col = (t: PgTable, key: string) => (t as unknown as Record<string, AnyPgColumn>)[key]!;

/** Rows of one mode only: test and live never see each other (spec §1.9). */
export const inMode = (def: ResourceDefinition, ctx: RequestContext) => eq(col(def.table, 'mode'), ctx.mode);

/** What the caller may see: its mode, and for sales channels the definition's scope (spec §2.5). */
export const visible = (def: ResourceDefinition, ctx: RequestContext) =>
  and(inMode(def, ctx), ctx.caller.kind === 'sales_channel' ? def.scope?.(scopeValues(ctx)) : undefined);

export function orderBy(def: ResourceDefinition, q: ParsedQuery) {
  const order = q.sort.map(({ field, desc: d }) => {
    const a = def.attributes[field];
    if (!a?.sort || !a.column) throw errors.invalidSort(def.type, field);
    return d ? desc(col(def.table, field)) : asc(col(def.table, field));
  });
  // Default and tie-break: creation order, then id, so pages never overlap (spec §1.4 [INF]).
  if (!q.sort.length) order.push(asc(col(def.table, 'created_at')));
  order.push(asc(col(def.table, 'id')));
  return order;
}

export interface ListResult {
  rows: Row[];
  total: number;
}

/** One page of a collection plus its total, with filters, sort and an optional extra condition (related endpoints, scopes). */
export async function listRows(
  db: Db | Tx,
  reg: Registry,
  def: ResourceDefinition,
  ctx: RequestContext,
  q: ParsedQuery,
  extra?: SQL,
): Promise<ListResult> {
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

/** `versioned`: the row also carries its version for the response cache (a response about to be kept). */
export async function findRow(
  db: Db | Tx,
  def: ResourceDefinition,
  ctx: RequestContext,
  id: string,
  extra?: SQL,
  versioned = false,
): Promise<Row | undefined> {
  if (!extra && !(db instanceof PgTransaction)) return findCoalesced(db, def, ctx, id, false, versioned);
  const rows = await db
    .select()
    .from(def.table)
    .where(and(visible(def, ctx), eq(col(def.table, 'id'), id), extra))
    .limit(1);
  return rows[0] as Row | undefined;
}

/**
 * A statement rendered once by Drizzle with placeholders, run through postgres.js (prepared per
 * connection) and its rows decoded by the columns' own decoders: what Drizzle's prepared queries
 * do, without rebuilding or re-wrapping anything per execution. Every read and write by id uses one.
 */
export interface Rendered {
  text: string;
  params: unknown[];
  /** Result columns in order: property key, and the column decoding it (none: the driver's value). */
  fields: Array<[string, AnyPgColumn | undefined]>;
}

export function render(
  def: ResourceDefinition,
  db: Db | Tx,
  extra: Record<string, SQL>,
  // biome-ignore lint/suspicious/noExplicitAny: Drizzle's select builder types differ per table
  build: (q: any) => { toSQL(): { sql: string; params: unknown[] } },
  idOnly = false,
): Rendered {
  const columns = idOnly
    ? { id: col(def.table, 'id') }
    : is(def.table, View)
      ? getViewSelectedFields(def.table as unknown as View)
      : getTableColumns(def.table);
  const fields = { ...(columns as Record<string, AnyPgColumn>), ...extra };
  const { sql: text, params } = build(db.select(fields).from(def.table)).toSQL();
  return {
    text,
    params,
    fields: Object.entries(fields).map(([k, f]) => [
      k,
      typeof (f as AnyPgColumn).mapFromDriverValue === 'function' ? (f as AnyPgColumn) : undefined,
    ]),
  };
}

export async function runRendered(client: Db | Tx, r: Rendered, values: Record<string, unknown>): Promise<Row[]> {
  const raw = await rawClient(client)
    .unsafe(r.text, fillPlaceholders(r.params, values) as never[])
    .values();
  return raw.map((cells: unknown[]) => {
    const row: Row = {};
    for (let i = 0; i < r.fields.length; i++) {
      const [key, column] = r.fields[i]!;
      const v = cells[i];
      row[key] = v === null || v === undefined ? null : column ? column.mapFromDriverValue(v) : v;
    }
    return row;
  });
}

const finds = new Map<string, Rendered>();

/**
 * The lookup by id every read starts with: concurrent ones share one statement (coalesce.ts), which
 * is rendered once per (type, scoped, attributes selected with the row) and runs prepared —
 * Drizzle's query building costs more than PostgreSQL's index lookup. Requests share a statement
 * only when every value bound to it is the same: mode, and the token's markets and stock locations
 * whenever a scope or a `withRow` attribute reads them.
 */
function findCoalesced(
  db: Db,
  def: ResourceDefinition,
  ctx: RequestContext,
  id: string,
  ignoreScope = false,
  versioned = false,
): Promise<Row | undefined> {
  const scoped = !ignoreScope && ctx.caller.kind === 'sales_channel' && !!def.scope;
  const withRow = attributesOf(def, 'withRow').filter(([, a]) => a.withRow!.when(ctx));
  const key = `${def.type}:${scoped}:${withRow.map(([name]) => name).join(',')}:${versioned}`;
  let q = finds.get(key);
  if (!q) {
    const where = and(
      eq(col(def.table, 'mode'), sql.placeholder('mode')),
      scoped ? def.scope!(scopePlaceholders()) : undefined,
      sql`${col(def.table, 'id')} = any(${sql.placeholder('ids')}::text[])`,
    );
    const extra = Object.fromEntries(
      withRow.map(([name, a]) => [withRowKey(name), a.withRow!.select(col(def.table, 'id'))]),
    );
    finds.set(
      key,
      (q = render(def, db, versioned ? { ...extra, ...versionFields(def) } : extra, (b) => b.where(where))),
    );
  }
  const statement = q;
  const { marketIds, stockLocationIds } = ctx.caller;
  const group = `find|${key}|${ctx.mode}|${scoped || withRow.length || versioned ? `${marketIds.join(',')}|${stockLocationIds.join(',')}` : ''}`;
  return coalesce(db, group, id, async (ids) => {
    const rows = await runRendered(db, statement, { mode: ctx.mode, ids, marketIds, stockLocationIds });
    return new Map(rows.map((r) => [r.id as string, r]));
  });
}

/** A row the caller cannot see but that exists is a permission problem (401), not a 404 (spec §2.5). */
export async function findVisibleOr401(
  db: Db | Tx,
  def: ResourceDefinition,
  ctx: RequestContext,
  id: string,
  versioned = false,
): Promise<Row> {
  return (await findRow(db, def, ctx, id, undefined, versioned)) ?? notVisible(db, def, ctx, id);
}

async function notVisible(db: Db | Tx, def: ResourceDefinition, ctx: RequestContext, id: string): Promise<never> {
  if (ctx.caller.kind === 'sales_channel' && def.scope) {
    const hidden = await db
      .select({ id: col(def.table, 'id') })
      .from(def.table)
      .where(and(inMode(def, ctx), eq(col(def.table, 'id'), id)))
      .limit(1);
    if (hidden.length) throw errors.unauthorized();
  }
  throw errors.recordNotFound();
}

/** Lock a visible row for the rest of the transaction; one that exists but is out of scope is 401, as on reads. */
export async function lockVisibleOr401(tx: Tx, def: ResourceDefinition, ctx: RequestContext, id: string): Promise<Row> {
  return (await lockRow(tx, def, ctx, id)) ?? notVisible(tx, def, ctx, id);
}

/** A row by id in the caller's mode, whatever its scope (a write's result, read after commit); coalesced like reads. */
export function findInMode(db: Db, def: ResourceDefinition, ctx: RequestContext, id: string): Promise<Row | undefined> {
  return findCoalesced(db, def, ctx, id, true);
}

const locks = new Map<string, Rendered>();

/** Lock a row for the rest of the transaction (writes that read-then-decide); rendered once per (type, scoped). */
export async function lockRow(
  tx: Tx,
  def: ResourceDefinition,
  ctx: RequestContext,
  id: string,
): Promise<Row | undefined> {
  const scoped = ctx.caller.kind === 'sales_channel' && !!def.scope;
  const key = `${def.type}:${scoped}`;
  let q = locks.get(key);
  if (!q) {
    const where = and(
      eq(col(def.table, 'mode'), sql.placeholder('mode')),
      scoped ? def.scope!(scopePlaceholders()) : undefined,
      eq(col(def.table, 'id'), sql.placeholder('id')),
    );
    locks.set(key, (q = render(def, tx, {}, (b) => b.where(where).limit(1).for('update'))));
  }
  const { marketIds, stockLocationIds } = ctx.caller;
  return (await runRendered(tx, q, { mode: ctx.mode, id, marketIds, stockLocationIds }))[0];
}
