import { getTableName, type SQL, sql } from 'drizzle-orm';
import { PgDialect, type PgTable } from 'drizzle-orm/pg-core';
import type { RequestContext } from '../auth/context';
import { type Db, rawClient } from '../db/client';
import type { ResourceDefinition } from '../resources/define';
import { coalesce } from './coalesce';
import { col, type Rendered, render, runRendered } from './read';

/** Where a row looked up for a cacheable response carries its version and how long it holds. */
export const VERSION = '~version';
export const UNTIL = '~until';
export const SNAPSHOT = '~snapshot';

/**
 * The server's incarnation: transaction ids and snapshots only compare within one server's history
 * (a failover, restore or restart may hand them out again), even behind a pooler that keeps our
 * connections open. Part of every snapshot and version. A crash PostgreSQL recovers from without a
 * restart keeps it, which is safe only while commits are durable before they are visible
 * (`commitsAreDurable`).
 */
const server = sql`extract(epoch from pg_postmaster_start_time())::text`;
/** The statement's snapshot: equal snapshots of one server see exactly the same committed transactions. */
const snapshot = sql`pg_current_snapshot()::text || '@' || ${server}`;
const now = sql`ceil(extract(epoch from now()) * 1000)::float8`;
const snapshotText = new PgDialect().sqlToQuery(sql`select ${snapshot}, ${now}`).sql;

/**
 * A row's version for the response cache: the row's own `xmin` (a new one with every update; ids
 * are never reused) and the definition's `dependsOn` text. Selected with the row, so a response
 * and its version always come from one snapshot.
 */
function version(def: ResourceDefinition): SQL {
  return sql`${server} || '|' || ${sql.raw(`"${getTableName(def.table as PgTable)}".xmin::text`)} || '|' || ${def.cache!.dependsOn(col(def.table, 'id'))}`;
}

/** `until` whole milliseconds, rounded down: a response is never served past it. */
export function versionFields(def: ResourceDefinition): Record<string, SQL> {
  return {
    [VERSION]: version(def),
    [UNTIL]: sql`floor(${def.cache!.until(col(def.table, 'id'))})::float8`,
    [SNAPSHOT]: snapshot,
  };
}

export interface Instant {
  /** The probe's snapshot (`pg_current_snapshot()`). */
  snapshot: string;
  /** PostgreSQL's clock at the probe, whole milliseconds rounded up. */
  now: number;
}

export interface Probe extends Instant {
  version: string;
}

/**
 * The database's snapshot now, for every concurrent caller at once (one statement per batch, any
 * resource): when it equals the snapshot a response was confirmed at, no transaction has committed
 * since, and the response still holds. A statement that starts after the request arrived. One in
 * flight at a time: the statement is so cheap that more would only make batches smaller.
 */
export function probeSnapshot(db: Db): Promise<Instant> {
  return coalesce(
    db,
    'snapshot',
    '',
    async () => {
      const [[s, n]] = (await rawClient(db).unsafe(snapshotText, []).values()) as unknown as [[string, number]];
      return new Map([['', { snapshot: s, now: n }]]);
    },
    1,
  ) as Promise<Instant>;
}

const probes = new Map<string, Rendered>();

/**
 * The current version of a row, without its data: concurrent probes share one statement
 * (coalesce.ts), so a probe starts after its request arrived and sees every write committed
 * before. No scope condition: the version covers what visibility depends on, and only a response
 * already served to the same caller is ever compared with it. Undefined: no such row in the mode.
 */
export function probeVersion(
  db: Db,
  def: ResourceDefinition,
  ctx: RequestContext,
  id: string,
): Promise<Probe | undefined> {
  let q = probes.get(def.type);
  if (!q) {
    const fields = { [VERSION]: version(def), now, snapshot };
    const where = sql`${col(def.table, 'mode')} = ${sql.placeholder('mode')} and ${col(def.table, 'id')} = any(${sql.placeholder('ids')}::text[])`;
    probes.set(def.type, (q = render(def, db, fields, (b) => b.where(where), true)));
  }
  const statement = q;
  // a version binds only the mode: every caller of a mode shares the batch
  return coalesce(db, `probe|${def.type}|${ctx.mode}`, id, async (ids) => {
    const rows = await runRendered(db, statement, { mode: ctx.mode, ids });
    return new Map(
      rows.map((r) => [
        r.id as string,
        { version: r[VERSION] as string, now: r.now as number, snapshot: r.snapshot as string },
      ]),
    );
  });
}

/**
 * Whether a commit is flushed before other sessions see it (synchronous_commit not off, fsync on):
 * then a crash loses no transaction a kept response was made from, and no transaction id it saw is
 * handed out again. Otherwise the response cache stays off.
 */
export async function commitsAreDurable(client: { unsafe: (q: string) => Promise<unknown[]> }): Promise<boolean> {
  const [row] = (await client.unsafe(
    `select current_setting('synchronous_commit') <> 'off' and current_setting('fsync') = 'on' as durable`,
  )) as Array<{ durable: boolean }>;
  return row?.durable === true;
}
