import { getTableName, type SQL, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { RowSource } from './row';
import { col } from './statement';

/** Where a row looked up for a cacheable response carries its version and how long it holds. */
export const VERSION = '~version';
export const UNTIL = '~until';

/**
 * The server's incarnation: transaction ids and snapshots only compare within one server's history
 * (a failover, restore or restart may hand them out again), even behind a pooler that keeps our
 * connections open. Part of every snapshot and version. A crash PostgreSQL recovers from without a
 * restart keeps it, which is safe only while commits are durable before they are visible
 * (`commitsAreDurable` in query/probe.ts).
 */
const server = sql`(select extract(epoch from pg_postmaster_start_time())::text)`;
/*
 * The same for every row of a statement, so each is a scalar subquery: PostgreSQL computes it once
 * per statement (an InitPlan), not once per row of a batched probe (12 % of its time for 10 SKUs).
 */
/** The statement's snapshot: equal snapshots of one server see exactly the same committed transactions. */
export const snapshot = sql`(select pg_current_snapshot()::text || '@' || ${server})`;
/** PostgreSQL's clock, whole milliseconds rounded up. */
export const now = sql`(select ceil(extract(epoch from now()) * 1000)::float8)`;

/**
 * A row's version for the response cache: the row's own `xmin` (a new one with every update; ids
 * are never reused) and the source's `dependsOn` text. Selected with the row, so a response
 * and its version always come from one snapshot.
 */
export function version(src: RowSource): SQL {
  return sql`${server} || '|' || ${sql.raw(`"${getTableName(src.table as PgTable)}".xmin::text`)} || '|' ||
    ${src.cache!.dependsOn(col(src.table, 'id'))}`;
}

/** `until` whole milliseconds, rounded down: a response is never served past it. */
export function versionFields(src: RowSource): Record<string, SQL> {
  return {
    [VERSION]: version(src),
    [UNTIL]: sql`floor(${src.cache!.until(col(src.table, 'id'))})::float8`,
  };
}
