import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ADHOC } from '../src/db/client';
import type { TestApp } from './helpers/app';
import { type Client, doc } from './helpers/http';
import { useTestApp } from './helpers/use-app';

/*
 * The pool plans its prepared statements once (plan_cache_mode = force_generic_plan), and
 * PostgreSQL applies that setting to unnamed statements too. A filtered list planned without its
 * values walked a million SKUs in list order instead of using the trigram or prefix index (seconds
 * instead of milliseconds), so client-shaped statements run where plans are made for their values.
 */
let t: TestApp;
let api: Client;
useTestApp({}, (s) => ({ t, api } = s));

const mode = async (run: (q: ReturnType<typeof sql.raw>) => Promise<unknown>, adhoc: boolean) => {
  const rows = (await run(sql.raw(`select current_setting('plan_cache_mode') as m${adhoc ? ` ${ADHOC}` : ''}`))) as
    | Array<{ m: string }>
    | { rows: Array<{ m: string }> };
  return (Array.isArray(rows) ? rows : rows.rows)[0]!.m;
};

describe('plans of client-shaped statements', () => {
  it('keeps generic plans for prepared statements, plans ad hoc ones for their values (transactions too)', async () => {
    const db = t.database.db;
    expect(await mode((q) => db.execute(q), false)).toBe('force_generic_plan');
    expect(await mode((q) => db.execute(q), true)).toBe('auto');
    const inTx = await db.transaction(async (tx) => [
      await mode((q) => tx.execute(q), false),
      await mode((q) => tx.execute(q), true),
    ]);
    expect(inTx).toEqual(['force_generic_plan', 'auto']);
  });

  it('a filtered list is answered by a plan that uses the prefix index', async () => {
    const sqlc = t.database.sql;
    for (const code of ['PLAN-A1', 'PLAN-A2', 'PLAN-B1'])
      expect((await api.post('/api/skus', doc('skus', { code, name: code, do_not_ship: true }))).status).toBe(201);
    const res = await api.get('/api/skus?filter[q][code_start]=plan-a&sort=code');
    expect(res.body.data.map((d: { attributes: { code: string } }) => d.attributes.code)).toEqual([
      'PLAN-A1',
      'PLAN-A2',
    ]);
    expect(res.body.meta).toEqual({ record_count: 2, page_count: 1 });
    // a blank value is ignored, as Ransack does
    const all = await api.get('/api/skus?filter[q][code_start]=&filter[q][code_cont]=PLAN-');
    expect(all.body.meta.record_count).toBe(3);
    // the count can read the index alone (the code is one of its keys; scans of the heap switched off,
    // as the planner rightly prefers them for three rows)
    const plan = (await sqlc.begin(async (tx) => {
      await tx`set local enable_seqscan = off`;
      await tx`set local enable_bitmapscan = off`;
      return tx.unsafe(`explain (costs off) select count(*) from skus where mode = 'test'
        and lower(code) ~>=~ 'plan-a' and lower(code) ~<~ 'plan-b'`);
    })) as unknown as Array<Record<string, string>>;
    expect(plan.map((r) => Object.values(r)[0]).join('\n')).toMatch(/Index Only Scan using skus_mode_code_prefix_idx/);
  });
});
