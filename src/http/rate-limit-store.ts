import type postgres from 'postgres';

/** One (key, window) of one reconciliation: see `rate_limit_sync` in migration 0012. */
export interface SyncEntry {
  key: string;
  start: number;
  /** Admitted by this process in the window. */
  own: number;
  /** What the table holds for this process (admitted + allowance held). */
  stored: number;
  /** Allowance wanted beyond `own`. */
  want: number;
  /** The most the window's total may reach. */
  cap: number;
}

export interface SharedCounts {
  /** Store and lease; for each entry, keyed `"{start} {key}"`, what the others hold and what was granted. */
  sync(entries: SyncEntry[]): Promise<Map<string, { others: number; granted: number }>>;
}

/**
 * Rate-limit counts shared through `rate_limit_counts` (UNLOGGED), one statement per reconciliation.
 * Rows idle for 5 minutes are deleted, by whichever process gets there (at most once a minute each).
 */
export class TableCounts implements SharedCounts {
  private lastCleanup = Date.now();

  constructor(private readonly sql: postgres.Sql) {}

  async sync(entries: SyncEntry[]) {
    const col = <K extends keyof SyncEntry>(k: K) => entries.map((e) => e[k]);
    const rows = await this.sql<{ key: string; start: string; others: number; granted: number }[]>`
      select key, window_start::text as start, others, granted
      from rate_limit_sync(${col('key')}::text[], ${col('start')}::int8[], ${col('own')}::int4[],
                           ${col('stored')}::int4[], ${col('want')}::int4[], ${col('cap')}::int4[])`;
    if (Date.now() - this.lastCleanup > 60_000) {
      this.lastCleanup = Date.now();
      await this.sql`delete from rate_limit_counts where updated_at < now() - interval '5 minutes'`;
    }
    return new Map(rows.map((r) => [`${r.start} ${r.key}`, { others: r.others, granted: r.granted }]));
  }
}
