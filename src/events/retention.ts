import type postgres from 'postgres';
import { periodic } from '../lib/periodic';

export interface RetentionOptions {
  /** Finished deliveries and event callbacks older than this many days go; 0 keeps everything. */
  days: number;
  /** Rows per statement (each its own short transaction). */
  batch: number;
}

/**
 * One pruning pass (docs/webhooks.md#retention), in bounded batches, each one autocommit statement:
 * 1. `webhook_deliveries` that are finished (`delivered` or `failed`) and last changed before the
 *    cutoff, except the newest delivery of each webhook, whatever its age: `_trigger` sends a
 *    webhook's last delivery again (its stored bytes, or its snapshot), so that one stays. A pending
 *    delivery is never touched, however old (it may wait behind an open circuit for ever).
 * 2. `event_callbacks` made before the cutoff whose delivery is gone: the tries of a delivery that
 *    is kept (pending, or a webhook's newest) stay with it.
 * Rows are claimed with SKIP LOCKED, so processes pruning at once never wait on each other nor on a
 * deliverer's lease. Returns what it deleted.
 */
export async function pruneEvents(
  sql: postgres.Sql,
  o: RetentionOptions,
  stopping: () => boolean = () => false,
): Promise<{ deliveries: number; callbacks: number }> {
  const out = { deliveries: 0, callbacks: 0 };
  if (o.days <= 0) return out;
  const cutoff = sql`now() - ${o.days} * interval '1 day'`;
  for (;;) {
    const gone = await sql`
      with doomed as (
        select d.id from webhook_deliveries d
        where d.status <> 'pending' and d.updated_at < ${cutoff}
          and d.id < (select max(e.id) from webhook_deliveries e where e.webhook_id = d.webhook_id)
        order by d.updated_at, d.id limit ${o.batch} for update skip locked
      )
      delete from webhook_deliveries d using doomed where d.id = doomed.id`;
    out.deliveries += gone.count;
    if (gone.count < o.batch || stopping()) break;
  }
  for (const mode of ['test', 'live'])
    for (;;) {
      if (stopping()) return out;
      const gone = await sql`
        with doomed as (
          select c.id from event_callbacks c
          where c.mode = ${mode} and c.created_at < ${cutoff}
            and not exists (select 1 from webhook_deliveries d where d.id = c.delivery_id)
          order by c.created_at, c.id limit ${o.batch} for update skip locked
        )
        delete from event_callbacks c using doomed where c.id = doomed.id`;
      out.callbacks += gone.count;
      if (gone.count < o.batch) break;
    }
  return out;
}

/** Prunes every `everyMs` in the background; the returned function stops it (waiting for a pass, at most 5 s). */
export function startRetention(
  sql: postgres.Sql,
  o: RetentionOptions & { everyMs: number },
  log: (e: unknown) => void,
): () => Promise<void> {
  if (o.days <= 0) return async () => {};
  return periodic(o.everyMs, (stopping) => pruneEvents(sql, o, stopping).then(() => {}), log, 5_000);
}
