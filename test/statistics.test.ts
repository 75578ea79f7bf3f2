import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStatisticsKeeper } from '../src/db/statistics';
import { connect, type Database } from '../src/db/client';
import { createTestDatabase } from './helpers/app';

describe('statistics keeper', () => {
  let t: { database: Database; drop(): Promise<void> };
  beforeAll(async () => {
    const created = await createTestDatabase();
    t = { database: connect(created.url, 2), drop: created.drop };
  });
  afterAll(async () => {
    await t.database.close();
    await t.drop();
  });

  const lastAnalyze = async (table: string) => {
    const [r] = await t.database.sql`select last_analyze, last_autoanalyze from pg_stat_user_tables where relname = ${table}`;
    return r!.last_analyze as Date | null;
  };

  it('analyzes a table that outgrew its statistics, so cached plans are re-made for its new size', async () => {
    await t.database.sql`insert into versions (id, mode, resource_type, resource_id, event, changes, who)
      select 'V' || g, 'test', 'skus', 'S' || g, 'create', '{}'::jsonb, '{}'::jsonb from generate_series(1, 500) g`;
    expect(await lastAnalyze('versions')).toBeNull();
    const stop = startStatisticsKeeper(t.database.sql, 50);
    try {
      // pgstat counters reach pg_stat_user_tables about once a second
      for (let i = 0; i < 100 && !(await lastAnalyze('versions')); i++) await new Promise((r) => setTimeout(r, 100));
      expect(await lastAnalyze('versions')).not.toBeNull();
      const [c] = await t.database.sql`select reltuples from pg_class where relname = 'versions'`;
      expect(c!.reltuples).toBe(500);
    } finally {
      stop();
    }
  });
});
