import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Database } from '../src/db/client';
import { startStatisticsKeeper } from '../src/db/statistics';
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
    const [r] = await t.database
      .sql`select last_analyze, last_autoanalyze from pg_stat_user_tables where relname = ${table}`;
    return r!.last_analyze as Date | null;
  };

  const waitFor = async (check: () => Promise<boolean>) => {
    // pgstat counters reach pg_stat_user_tables about once a second
    for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 100));
  };
  const insert = (from: number, to: number) => t.database
    .sql`insert into versions (id, mode, resource_type, resource_id, event, changes, who)
      select 'V' || g, 'test', 'skus', 'S' || g, 'create', '{}'::jsonb, '{}'::jsonb
        from generate_series(${from}::int, ${to}::int) g`;
  const tuples = async () =>
    (await t.database.sql`select reltuples from pg_class where relname = 'versions'`)[0]!.reltuples as number;

  it('analyzes a table that outgrew its statistics, so cached plans are re-made for its new size', async () => {
    await insert(1, 500);
    expect(await lastAnalyze('versions')).toBeNull();
    const stop = startStatisticsKeeper(t.database.sql, 50);
    try {
      await waitFor(async () => !!(await lastAnalyze('versions')));
      expect(await tuples()).toBe(500);
      const first = await lastAnalyze('versions');
      // updates do not make a table bigger: no new analysis (plans stay right)
      await t.database.sql`update versions set event = 'update'`;
      await t.database.sql`update versions set event = 'create'`;
      await new Promise((r) => setTimeout(r, 1500));
      expect(await lastAnalyze('versions')).toEqual(first);
      // doubling does
      await insert(501, 1600);
      await waitFor(async () => (await tuples()) === 1600);
      expect(await tuples()).toBe(1600);
    } finally {
      await stop();
    }
  });
});
