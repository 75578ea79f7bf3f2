import type postgres from 'postgres';
import { type Db, rawClient } from '../db/client';
import { periodic } from '../lib/periodic';

/** What one read of the SKU change feed (migration 0026) found. */
export interface FeedStep {
  /** The statement's snapshot (`pg_current_snapshot()` as text). */
  snapshot: string;
  /** The server's incarnation: snapshots and transaction ids only compare within one. */
  server: string;
  /** PostgreSQL's clock at the read, whole milliseconds rounded up. */
  now: number;
  /** `market_config_version`: every SKU's answer depends on it. */
  config: string;
  /** No feed row of a transaction below this id is left (pruning). */
  floor: bigint;
  /**
   * The SKUs written by transactions visible at `snapshot` and not at the snapshot asked about, '*'
   * for all of them; null when there was none to ask about, or too many transactions to list.
   */
  changed: string[] | null;
}

/** SKU rows read at most (one more says "too many": the caller then trusts nothing it kept). */
export const FEED_LIMIT = 5_000;
/** Transaction ids listed at most between two reads. */
const MAX_XIDS = 20_000;

/*
 * The transactions not visible at snapshot $1 are those in its in-progress list and those from its
 * xmax on; of these, the ones visible now are below the current xmax and not in the current
 * in-progress list. Their feed rows are found through the txid index, one lookup per transaction
 * (a transaction still running is not looked up: the next read asks again, from a snapshot where it
 * is in progress). No unbounded range: a long transaction holds back no scan.
 */
const text = `select s.cur::text as snapshot, extract(epoch from pg_postmaster_start_time())::text as server,
  ceil(extract(epoch from now()) * 1000)::float8 as now, (select n from market_config_version)::text as config,
  (select floor from sku_changes_horizon where id = 1)::text as floor,
  case when $1::text is null
    or pg_snapshot_xmax(s.cur)::text::bigint - pg_snapshot_xmax($1::pg_snapshot)::text::bigint > ${MAX_XIDS} then null
  else array(select c.sku_id from sku_changes c where c.txid = any(array(
      select x from generate_series(pg_snapshot_xmax($1::pg_snapshot)::text::bigint,
        pg_snapshot_xmax(s.cur)::text::bigint - 1) x
      union select x::text::bigint from pg_snapshot_xip($1::pg_snapshot) x
      except select x::text::bigint from pg_snapshot_xip(s.cur) x))
    limit ${FEED_LIMIT + 1}) end as changed
from (select pg_current_snapshot() as cur) s`;

/** The feed from snapshot `since` (undefined: none yet) to the statement's own. */
export async function readFeed(db: Db, since: string | undefined): Promise<FeedStep> {
  const [r] = (await rawClient(db).unsafe(text, [since ?? null])) as unknown as [Record<string, unknown>];
  return {
    snapshot: r.snapshot as string,
    server: r.server as string,
    now: Number(r.now),
    config: String(r.config),
    floor: BigInt(r.floor as string),
    changed: (r.changed as string[] | null) ?? null,
  };
}

/** Feed rows older than the last pruning round's oldest running transaction go (every process may run it). */
export function startFeedPruner(sql: postgres.Sql, everyMs = 5_000, log: (e: unknown) => void = () => {}) {
  return periodic(everyMs, async () => void (await sql`select sku_changes_prune()`), log, 5_000);
}

/** A snapshot's xmin: every transaction below it had ended when the snapshot was taken. */
export function snapshotXmin(snapshot: string): bigint {
  return BigInt(snapshot.slice(0, snapshot.indexOf(':')));
}
