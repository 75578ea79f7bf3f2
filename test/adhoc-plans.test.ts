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
  it('plans prepared statements once and ad hoc ones for their values, in transactions in any order', async () => {
    const db = t.database.db;
    expect(await mode((q) => db.execute(q), false)).toBe('force_generic_plan');
    expect(await mode((q) => db.execute(q), true)).toBe('auto');
    const inTx = await db.transaction(async (tx) => [
      await mode((q) => tx.execute(q), false),
      await mode((q) => tx.execute(q), true),
      await mode((q) => tx.execute(q), true),
      // SET LOCAL would last to COMMIT: a prepared statement after an ad hoc one gets its generic plan back
      await mode((q) => tx.execute(q), false),
      await mode((q) => tx.execute(q), true),
    ]);
    expect(inTx).toEqual(['force_generic_plan', 'auto', 'auto', 'force_generic_plan', 'auto']);
  });

  it('keeps each statement’s plans through savepoints, released or rolled back', async () => {
    const db = t.database.db;
    const [prepared, adhoc] = ['force_generic_plan', 'auto'];
    const seen = await db.transaction(async (tx) => {
      const at = (run: typeof tx, values: boolean) => mode((q) => run.execute(q), values);
      const out = [await at(tx, true)];
      out.push(await tx.transaction((sp) => at(sp, false))); // the savepoint knows its transaction set auto
      out.push(await at(tx, false));
      out.push(await tx.transaction((sp) => at(sp, true))); // released: its SET LOCAL stays
      out.push(await at(tx, false));
      out.push(await at(tx, true));
      await tx
        .transaction(async (sp) => {
          out.push(await at(sp, false));
          throw new Error('rolled back'); // and with it the savepoint's SET LOCAL: auto again
        })
        .catch(() => {});
      out.push(await at(tx, false));
      return out;
    });
    expect(seen).toEqual([adhoc, prepared, prepared, adhoc, prepared, adhoc, prepared, prepared]);
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

describe('filtered pages, read from their matches or in list order', () => {
  it('give the same pages either way: a few matches (sorted after reading) and thousands (index walk)', async () => {
    const sqlc = t.database.sql;
    // 5,100 SKUs named "Fence …", every 1,000th also "… rare"; a shared second created_at to test the id tie-break
    await sqlc`insert into skus (id, mode, code, name, do_not_ship, created_at)
      select 'FENCE' || lpad(g::text, 5, '0'), 'test', 'FENCE-' || g, 'Fence ' || g || case when g % 1000 = 0
        then ' rare' else '' end, true, timestamptz '2026-01-01' + ((g / 3) || ' s')::interval
      from generate_series(1, 5100) g`;
    const expected = async (cond: string, order: string) =>
      (await sqlc.unsafe(`select id from skus where mode = 'test' and ${cond} order by ${order}`)).map(
        (r) => r.id as string,
      );
    const ids = async (query: string) => {
      const res = await api.get(`/api/skus?${query}`);
      expect(res.status).toBe(200);
      return { ids: res.body.data.map((d: { id: string }) => d.id), meta: res.body.meta };
    };
    // few matches: read first, then sorted
    const rare = await expected(`name ilike '%rare%'`, 'created_at, id');
    expect(rare).toHaveLength(5);
    expect(await ids('filter[q][name_cont]=RARE&page[size]=2&page[number]=2')).toEqual({
      ids: rare.slice(2, 4),
      meta: { record_count: 5, page_count: 3 },
    });
    // past the last page: none, with the count
    expect(await ids('filter[q][name_cont]=rare&page[number]=9')).toEqual({
      ids: [],
      meta: { record_count: 5, page_count: 1 },
    });
    // thousands of matches: walked in list order, sorted by a client's key too
    const all = await expected(`name ilike 'fence%'`, 'created_at, id');
    for (const n of [1, 7, 204])
      expect((await ids(`filter[q][name_start]=fence&page[size]=25&page[number]=${n}`)).ids).toEqual(
        all.slice((n - 1) * 25, n * 25),
      );
    const byCode = await expected(`name ilike 'fence%'`, 'code desc, id asc');
    expect((await ids('filter[q][name_start]=fence&sort=-code&page[size]=25&page[number]=3')).ids).toEqual(
      byCode.slice(50, 75),
    );
    const rareByCode = await expected(`name ilike '%rare%'`, 'code desc, id asc');
    expect((await ids('filter[q][name_cont]=rare&sort=-code')).ids).toEqual(rareByCode);
  });
});
