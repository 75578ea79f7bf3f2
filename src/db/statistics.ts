import type postgres from 'postgres';

/**
 * Keeps planner statistics up with tables that grow fast (a new install's first sale, a bench).
 * Every statement runs prepared with a plan cached per connection, made from the statistics of the
 * moment — for a table that was nearly empty, a sequential scan. PostgreSQL re-plans when a table's
 * statistics change, but autovacuum looks only once a minute and after 10% growth; until then a
 * cached plan (and the foreign-key checks') scans ever larger tables, with stock rows locked.
 * So, every few seconds: ANALYZE each table that has changed more rows since its last ANALYZE than
 * it had then. A table is analyzed about once per doubling; one process at a time does it.
 */
export function startStatisticsKeeper(sql: postgres.Sql, everyMs = 2_000, log: (e: unknown) => void = () => {}): () => void {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      await sql.begin(async (tx) => {
        const [lock] = await tx`select pg_try_advisory_xact_lock(hashtext('allot:statistics')) as ok`;
        if (!lock!.ok) return;
        const stale = await tx<Array<{ name: string }>>`
          select s.relname as name from pg_stat_user_tables s join pg_class c on c.oid = s.relid
          where s.schemaname = current_schema() and s.n_mod_since_analyze > greatest(100, c.reltuples)`;
        for (const { name } of stale) await tx.unsafe(`analyze "${name.replace(/"/g, '""')}"`, [], { prepare: false });
      });
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void run().catch(log), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
