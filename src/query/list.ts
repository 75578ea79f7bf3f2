import { and, type SQL, sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { RequestContext } from '../auth/context';
import { ADHOC } from '../db/client';
import type { Tx } from '../db/tx';
import type { ParsedQuery } from '../jsonapi/query';
import type { ResourceDefinition } from '../resources/define';
import type { Registry } from '../resources/registry';
import { visible } from '../rows/find';
import type { Row } from '../rows/row';
import { buildFilters, guardFor } from './filters';
import { carriedFor, readPage } from './list-page';
import { servesPages, skuPage } from './sku-pages';

export interface ListResult {
  rows: Row[];
  total: number;
}

/**
 * One page of a collection plus its total, with filters, sort and an optional extra condition
 * (related endpoints, scopes), from one snapshot: the rows listed and `record_count` always agree,
 * whatever commits meanwhile, and so does what an unfiltered page's rows carry (a SKU's inventory).
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
  if (!adhoc) {
    // what the rows carry (a SKU's inventory) from the same statement; a filtered page leaves it to
    // the loader: planned for its values, a statement with that SQL cost PostgreSQL about 3 ms more
    const carried = carriedFor(def, ctx, q);
    const { rows, total } = await readPage(db, def, ctx, q, { where, fenced: false, counted: true, carried });
    return { rows, total: total ?? 0 };
  }
  // few matches: the page and their number from one reading of them (what PostgreSQL cannot know is
  // how many rows `name ILIKE '%abcd%'` matches)
  const few = await readPage(db, def, ctx, q, {
    where,
    readAtMost: MATCHES_READ_AT_ONCE + 1,
    fenced: false,
    counted: true,
    carried: [],
  });
  if ((few.total ?? 0) <= MATCHES_READ_AT_ONCE) return { rows: few.rows, total: few.total ?? 0 };
  // many matches: the exact count, then the page by the planner's choice
  const many = async (tx: Tx): Promise<ListResult> => {
    const [c] = await tx.select({ n: sql<number>`count(*)::int` }).from(def.table).where(where);
    const total = c?.n ?? 0;
    if ((q.page.number - 1) * q.page.size >= total) return { rows: [], total };
    const fenced = total <= MATCHES_READ_FIRST;
    return { rows: (await readPage(tx, def, ctx, q, { where, fenced, counted: false, carried: [] })).rows, total };
  };
  // past MATCHES_READ_AT_ONCE: the count and the page from one snapshot
  if (db instanceof PgTransaction) return many(db);
  return db.transaction(many, { isolationLevel: 'repeatable read', accessMode: 'read only' });
}

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
