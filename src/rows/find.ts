import { and, eq, type SQL, sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { RequestContext } from '../auth/context';
import type { Db } from '../db/client';
import type { Tx } from '../db/tx';
import { errors } from '../jsonapi/errors';
import { coalesce } from './coalesce';
import { type Row, type RowSource, type WithRow, withRowKey } from './row';
import { scopePlaceholders, scopeValues } from './scope';
import { col, type Rendered, render, runRendered } from './statement';
import { versionFields } from './version';

/** Rows of one mode only: test and live never see each other. */
export const inMode = (src: RowSource, ctx: RequestContext) => eq(col(src.table, 'mode'), ctx.mode);

/** What the caller may see: its mode, and for sales channels the source's scope. */
export const visible = (src: RowSource, ctx: RequestContext) =>
  and(inMode(src, ctx), ctx.caller.kind === 'sales_channel' ? src.scope?.(scopeValues(ctx)) : undefined);

/** `versioned`: the row also carries its version for the response cache (a response about to be kept). */
export async function findRow(
  db: Tx,
  src: RowSource,
  ctx: RequestContext,
  id: string,
  extra?: SQL,
  versioned = false,
): Promise<Row | undefined> {
  if (numericIds(src) && !/^\d{1,18}$/.test(id)) return undefined;
  if (!extra && !(db instanceof PgTransaction)) return findCoalesced(db, src, ctx, id, false, versioned);
  const rows = await db
    .select()
    .from(src.table)
    .where(and(visible(src, ctx), eq(col(src.table, 'id'), id), extra))
    .limit(1);
  return rows[0] as Row | undefined;
}

/** A table keyed by a bigserial (the stock ledger) rather than a text id: its ids are strings of digits on the wire. */
const numericIds = (src: RowSource) => col(src.table, 'id').dataType === 'number';

/** A source's attributes selected with the row, listed once per source: the lookup below is a hot path. */
const withRows = new WeakMap<RowSource, Array<[string, WithRow]>>();
function withRowOf(src: RowSource): Array<[string, WithRow]> {
  let list = withRows.get(src);
  if (!list) {
    list = Object.entries(src.attributes).flatMap(([name, a]) =>
      a.withRow ? [[name, a.withRow] as [string, WithRow]] : [],
    );
    withRows.set(src, list);
  }
  return list;
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
  src: RowSource,
  ctx: RequestContext,
  id: string,
  ignoreScope = false,
  versioned = false,
): Promise<Row | undefined> {
  const scoped = !ignoreScope && ctx.caller.kind === 'sales_channel' && !!src.scope;
  const withRow = withRowOf(src).filter(([, w]) => w.when(ctx));
  const key = `${src.type}:${scoped}:${withRow.map(([name]) => name).join(',')}:${versioned}`;
  let q = finds.get(key);
  if (!q) {
    const where = and(
      eq(col(src.table, 'mode'), sql.placeholder('mode')),
      scoped ? src.scope!(scopePlaceholders()) : undefined,
      sql`${col(src.table, 'id')} = any(${sql.placeholder('ids')}::${sql.raw(numericIds(src) ? 'bigint' : 'text')}[])`,
    );
    const extra = Object.fromEntries(withRow.map(([name, w]) => [withRowKey(name), w.select(col(src.table, 'id'))]));
    finds.set(
      key,
      (q = render(src.table, db, versioned ? { ...extra, ...versionFields(src) } : extra, (b) => b.where(where))),
    );
  }
  const statement = q;
  const { marketIds, stockLocationIds } = ctx.caller;
  const group =
    `find|${key}|${ctx.mode}|` +
    `${scoped || withRow.length || versioned ? `${marketIds.join(',')}|${stockLocationIds.join(',')}` : ''}`;
  return coalesce(db, group, id, async (ids) => {
    const values: Record<string, unknown> = { mode: ctx.mode, ids, marketIds, stockLocationIds };
    for (const [, w] of withRow) if (w.bind) Object.assign(values, w.bind(ctx, db));
    const rows = await runRendered(db, statement, values);
    return new Map(rows.map((r) => [String(r.id), r]));
  });
}

/** A row the caller cannot see but that exists is a permission problem (401), not a 404. */
export async function findVisibleOr401(
  db: Tx,
  src: RowSource,
  ctx: RequestContext,
  id: string,
  versioned = false,
): Promise<Row> {
  return (await findRow(db, src, ctx, id, undefined, versioned)) ?? notVisible(db, src, ctx, id);
}

async function notVisible(db: Tx, src: RowSource, ctx: RequestContext, id: string): Promise<never> {
  if (ctx.caller.kind === 'sales_channel' && src.scope) {
    const hidden = await db
      .select({ id: col(src.table, 'id') })
      .from(src.table)
      .where(and(inMode(src, ctx), eq(col(src.table, 'id'), id)))
      .limit(1);
    if (hidden.length) throw errors.unauthorized();
  }
  throw errors.recordNotFound();
}

/** Lock a visible row for the rest of the transaction; one that exists but is out of scope is 401, as on reads. */
export async function lockVisibleOr401(tx: Tx, src: RowSource, ctx: RequestContext, id: string): Promise<Row> {
  return (await lockRow(tx, src, ctx, id)) ?? notVisible(tx, src, ctx, id);
}

/** A row by id in the caller's mode, whatever its scope (a write's result, read after commit); coalesced like reads. */
export function findInMode(db: Db, src: RowSource, ctx: RequestContext, id: string): Promise<Row | undefined> {
  return findCoalesced(db, src, ctx, id, true);
}

const locks = new Map<string, Rendered>();

/** Lock a row for the rest of the transaction (writes that read-then-decide); rendered once per (type, scoped). */
export async function lockRow(tx: Tx, src: RowSource, ctx: RequestContext, id: string): Promise<Row | undefined> {
  const scoped = ctx.caller.kind === 'sales_channel' && !!src.scope;
  const key = `${src.type}:${scoped}`;
  let q = locks.get(key);
  if (!q) {
    const where = and(
      eq(col(src.table, 'mode'), sql.placeholder('mode')),
      scoped ? src.scope!(scopePlaceholders()) : undefined,
      eq(col(src.table, 'id'), sql.placeholder('id')),
    );
    locks.set(key, (q = render(src.table, tx, {}, (b) => b.where(where).limit(1).for('update'))));
  }
  const { marketIds, stockLocationIds } = ctx.caller;
  return (await runRendered(tx, q, { mode: ctx.mode, id, marketIds, stockLocationIds }))[0];
}
