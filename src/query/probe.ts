import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { RequestContext } from '../auth/context';
import { type Db, rawClient } from '../db/client';
import { coalesce } from '../rows/coalesce';
import type { RowSource } from '../rows/row';
import { col, type Rendered, render, runRendered } from '../rows/statement';
import { now, snapshot, VERSION, version } from '../rows/version';

const snapshotText = new PgDialect().sqlToQuery(sql`select ${snapshot}, ${now}`).sql;

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
export function probeVersion(db: Db, src: RowSource, ctx: RequestContext, id: string): Promise<Probe | undefined> {
  let q = probes.get(src.type);
  if (!q) {
    const fields = { [VERSION]: version(src), now, snapshot };
    const where = sql`${col(src.table, 'mode')} = ${sql.placeholder('mode')}
      and ${col(src.table, 'id')} = any(${sql.placeholder('ids')}::text[])`;
    probes.set(src.type, (q = render(src.table, db, fields, (b) => b.where(where), true)));
  }
  const statement = q;
  // a version binds only the mode: every caller of a mode shares the batch
  return coalesce(db, `probe|${src.type}|${ctx.mode}`, id, async (ids) => {
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
