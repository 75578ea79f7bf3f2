import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type postgres from 'postgres';

/** This process's count in one fixed window of one key. */
export interface SyncRow {
  key: string;
  start: number;
  count: number;
}

export interface SharedCounts {
  /**
   * Store this process's counts, and return the other processes' sums for the given keys in every
   * window from `start` on, keyed `"{windowStart} {key}"`, with how many processes counted.
   */
  sync(
    rows: SyncRow[],
    keys: { key: string; start: number }[],
  ): Promise<Map<string, { count: number; instances: number }>>;
}

/**
 * Rate-limit counts shared through `rate_limit_counts` (an UNLOGGED table: counts need no crash
 * safety nor replication). One row per key, window and process, holding that process's absolute
 * count, so a repeated or lost reconciliation never counts twice. One statement per reconciliation:
 * the upsert of the rows that changed, and the others' sums (the CTE's writes are invisible to the
 * select, and this process's rows are excluded anyway). Rows idle for 5 minutes are deleted.
 */
export class TableCounts implements SharedCounts {
  readonly instance = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private lastCleanup = Date.now();

  constructor(private readonly sql: postgres.Sql) {}

  async sync(rows: SyncRow[], keys: { key: string; start: number }[]) {
    const since = Math.min(...keys.map((k) => k.start));
    const names = [...new Set(keys.map((k) => k.key))];
    const result = rows.length
      ? await this.sql<{ key: string; start: string; count: number; instances: number }[]>`
          with mine as (
            insert into rate_limit_counts as r (key, window_start, instance, count)
            select k, s, ${this.instance}, c
            from unnest(${rows.map((r) => r.key)}::text[], ${rows.map((r) => r.start)}::int8[], ${rows.map((r) => r.count)}::int4[]) as u(k, s, c)
            on conflict (key, window_start, instance) do update set count = excluded.count, updated_at = now()
          )
          select key, window_start::text as start, sum(count)::int as count, count(*)::int as instances
          from rate_limit_counts
          where key = any(${names}::text[]) and window_start >= ${since} and instance <> ${this.instance}
          group by key, window_start`
      : await this.sql<{ key: string; start: string; count: number; instances: number }[]>`
          select key, window_start::text as start, sum(count)::int as count, count(*)::int as instances
          from rate_limit_counts
          where key = any(${names}::text[]) and window_start >= ${since} and instance <> ${this.instance}
          group by key, window_start`;
    if (Date.now() - this.lastCleanup > 60_000) {
      this.lastCleanup = Date.now();
      await this.sql`delete from rate_limit_counts where updated_at < now() - interval '5 minutes'`;
    }
    return new Map(result.map((r) => [`${r.start} ${r.key}`, { count: r.count, instances: r.instances }]));
  }
}
