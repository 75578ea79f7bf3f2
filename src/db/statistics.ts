import type postgres from 'postgres';

/**
 * Keeps planner statistics up with tables that grow fast (a new install's first sale, a bench).
 * Every statement runs prepared with a plan cached per connection, made from the statistics of the
 * moment — for a table that was nearly empty, a sequential scan. PostgreSQL re-plans when a table's
 * statistics change, but autovacuum looks only once a minute and after 10% growth; until then a
 * cached plan (and the foreign-key checks') scans ever larger tables, with stock rows locked.
 * So, every few seconds: ANALYZE each table Allot owns that has more than doubled since its last
 * analysis (updates and deletes alone do not count: they leave plans right). One process at a time
 * (a session advisory lock); each ANALYZE is its own statement and skips a table someone else is
 * vacuuming or analyzing, so autovacuum is never held up.
 */
export function startStatisticsKeeper(sql: postgres.Sql, everyMs = 2_000, log: (e: unknown) => void = () => {}): () => Promise<void> {
  let current: Promise<void> | undefined;
  let stopped = false;
  const run = async () => {
    const conn = await sql.reserve();
    try {
      const [lock] = await conn`select pg_try_advisory_lock(hashtext('allot:statistics')) as ok`;
      if (!lock!.ok) return;
      try {
        const grown = await conn<Array<{ name: string }>>`
          select c.oid::regclass::text as name from pg_stat_user_tables s join pg_class c on c.oid = s.relid
          where s.schemaname = current_schema() and pg_has_role(c.relowner, 'USAGE')
            and s.n_live_tup > greatest(100, 2 * c.reltuples)`;
        for (const { name } of grown) if (!stopped) await conn.unsafe(`analyze (skip_locked) ${name}`, [], { prepare: false });
      } finally {
        await conn`select pg_advisory_unlock(hashtext('allot:statistics'))`;
      }
    } finally {
      conn.release();
    }
  };
  const timer = setInterval(() => {
    if (current || stopped) return;
    current = run()
      .catch(log)
      .finally(() => (current = undefined));
  }, everyMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await current;
  };
}
