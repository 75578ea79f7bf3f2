import fc from 'fast-check';
import type postgres from 'postgres';
import { beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../src/db/client';
import { keepListCounts } from '../src/query/list-keeper';
import type { TestApp } from './helpers/app';
import { type Client, client } from './helpers/http';
import { useTestApp } from './helpers/use-app';

/*
 * SKU lists served from the maintained counts (migration 0019, query/sku-pages.ts): every page and
 * meta.record_count must be what the plain query gives (count(*), ORDER BY created_at, id with
 * OFFSET), for integration and sales channel tokens, after any mix of writes, bucket splits and
 * folds, and after concurrent writers.
 */
let t: TestApp;
let api: Client;
const callers: Record<string, { client: Client; locations: () => Promise<string[] | null> }> = {};

/** A sales channel's client for `scope`, made when the scope's locations are in its model. */
let scopedClient: (scope: string) => Promise<Client>;
const LOCS = Array.from({ length: 6 }, (_, i) => `LSLOC${i}`);
const sqlOf = () => t.database.sql;

/** The model's stock locations now (null: every SKU of the mode). */
const modelLocations = (model: string) => async () =>
  (
    await sqlOf()<{ id: string }[]>`select stock_location_id as id from inventory_stock_locations
      where inventory_model_id = ${model}`
  ).map((r) => r.id);

useTestApp({}, (s) => ({ t, api } = s));
beforeAll(async () => {
  const sql = sqlOf();
  await sql`insert into addresses (id, mode, first_name, last_name, line_1, city, zip_code, country_code, phone)
    values ('LSADDR', 'test', 'A', 'B', 'Street', 'Milan', '20100', 'IT', '+39')`;
  for (const id of LOCS)
    await sql`insert into stock_locations (id, mode, name, code, address_id)
      values (${id}, 'test', ${id}, ${id}, 'LSADDR')`;
  await sql`insert into inventory_models (id, mode, name, stock_locations_cutoff) values
    ('LSMODEL1', 'test', 'M1', 3), ('LSMODEL2', 'test', 'M2', 3)`;
  await sql`insert into markets (id, mode, name, code, shared_secret, inventory_model_id) values
    ('LSMKT1', 'test', 'One', 'ls-one', 's', 'LSMODEL1'), ('LSMKT2', 'test', 'Two', 'ls-two', 's', 'LSMODEL2'),
    ('LSMKT3', 'test', 'Three', 'ls-three', 's', 'LSMODEL1')`;
  const sc = await t.application({ kind: 'sales_channel', role: undefined });
  const token = (scope: string) => t.token(sc, scope);
  callers.integration = { client: api, locations: async () => null };
  callers.market1 = { client: client(t.app, await token('market:code:ls-one')), locations: modelLocations('LSMODEL1') };
  callers.market2 = { client: client(t.app, await token('market:code:ls-two')), locations: modelLocations('LSMODEL2') };
  scopedClient = async (scope) => client(t.app, await token(scope));
  callers.sameModel = {
    client: client(t.app, await token('market:code:ls-one market:code:ls-three')),
    locations: modelLocations('LSMODEL1'),
  };
});

/** What the plain query answers: the caller's SKUs in list order. */
async function expected(locations: string[] | null): Promise<string[]> {
  const sql = sqlOf();
  const rows = locations
    ? await sql<{ id: string }[]>`select s.id from skus s where s.mode = 'test' and exists (select 1 from stock_items si
        where si.sku_id = s.id and si.stock_location_id = any(${locations}::text[])) order by s.created_at, s.id`
    : await sql<{ id: string }[]>`select id from skus where mode = 'test' order by created_at, id`;
  return rows.map((r) => r.id);
}

async function expectPages(name: string, size: number) {
  const { client: c, locations } = callers[name]!;
  const want = await expected(await locations());
  const got: string[] = [];
  const pages = Math.max(1, Math.ceil(want.length / size));
  for (let n = 1; n <= pages + 1; n++) {
    const res = await c.get(`/api/skus?fields[skus]=code&page[size]=${size}&page[number]=${n}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.meta, `${name} page ${n}`).toEqual({
      record_count: want.length,
      page_count: Math.ceil(want.length / size),
    });
    got.push(...res.body.data.map((d: { id: string }) => d.id));
  }
  expect(got, name).toEqual(want);
}

async function reset() {
  const sql = sqlOf();
  // the app's stock watcher may hold SKU rows meanwhile (a deadlock is retried)
  await retried(() => sql`delete from stock_items where stock_location_id like 'LSLOC%'`);
  await retried(() => sql`delete from skus where id like 'LSSKU%'`);
  await sql`delete from inventory_stock_locations where id like 'LSISL%'`;
  await sql`insert into inventory_stock_locations (id, mode, priority, inventory_model_id, stock_location_id) values
    ('LSISL1', 'test', 1, 'LSMODEL1', 'LSLOC0'), ('LSISL2', 'test', 2, 'LSMODEL1', 'LSLOC1'),
    ('LSISL3', 'test', 1, 'LSMODEL2', 'LSLOC1'), ('LSISL4', 'test', 2, 'LSMODEL2', 'LSLOC2')`;
}

type Op =
  | { op: 'skus'; n: number; tick: number }
  | { op: 'item'; sku: number; loc: number }
  | { op: 'unitem'; sku: number; loc: number }
  | { op: 'move'; sku: number; loc: number; to: number }
  | { op: 'join'; model: number; loc: number }
  | { op: 'leave'; model: number; loc: number }
  | { op: 'unsku'; sku: number }
  | { op: 'keep'; size: number }
  | { op: 'fold' }
  | { op: 'touch' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant('skus' as const),
    n: fc.integer({ min: 1, max: 12 }),
    tick: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({ op: fc.constant('item' as const), sku: fc.nat(60), loc: fc.nat(5) }),
  fc.record({ op: fc.constant('item' as const), sku: fc.nat(60), loc: fc.nat(5) }),
  fc.record({ op: fc.constant('unitem' as const), sku: fc.nat(60), loc: fc.nat(5) }),
  fc.record({ op: fc.constant('move' as const), sku: fc.nat(60), loc: fc.nat(5), to: fc.nat(5) }),
  fc.record({ op: fc.constant('join' as const), model: fc.integer({ min: 1, max: 2 }), loc: fc.nat(5) }),
  fc.record({ op: fc.constant('leave' as const), model: fc.integer({ min: 1, max: 2 }), loc: fc.nat(5) }),
  fc.record({ op: fc.constant('unsku' as const), sku: fc.nat(60) }),
  fc.record({ op: fc.constant('keep' as const), size: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ op: fc.constant('fold' as const) }),
  fc.record({ op: fc.constant('touch' as const) }),
);

let serial = 0;
async function apply(o: Op, skus: string[]) {
  const sql = sqlOf();
  const sku = (i: number) => skus[i % Math.max(1, skus.length)];
  switch (o.op) {
    case 'skus': {
      // one statement: every new SKU shares created_at unless ticks set it apart, so ids break the ties
      const ids = Array.from({ length: o.n }, () => `LSSKU${String(serial++).padStart(6, '0')}`);
      const shuffled = [...ids].reverse();
      await sql`insert into skus (id, mode, code, name, do_not_ship, created_at)
        select id, 'test', id, 'n', true, timestamptz '2026-01-01' + (ord % ${o.tick + 1}) * interval '1 ms'
        from unnest(${shuffled}::text[]) with ordinality as u(id, ord)`;
      skus.push(...ids);
      return;
    }
    case 'item':
      if (!skus.length) return;
      await sql`insert into stock_items (id, mode, quantity, sku_id, stock_location_id, reserved_stock_id)
        values (${`LSI${serial}`}, 'test', 1, ${sku(o.sku)!}, ${LOCS[o.loc]!}, ${`LSR${serial++}`})
        on conflict do nothing`;
      return;
    case 'unitem':
      if (skus.length)
        await sql`delete from stock_items where sku_id = ${sku(o.sku)!} and stock_location_id = ${LOCS[o.loc]!}`;
      return;
    case 'move':
      if (skus.length)
        await sql`update stock_items set stock_location_id = ${LOCS[o.to]!} where sku_id = ${sku(o.sku)!}
          and stock_location_id = ${LOCS[o.loc]!} and not exists (select 1 from stock_items x
            where x.sku_id = ${sku(o.sku)!} and x.stock_location_id = ${LOCS[o.to]!})`;
      return;
    case 'join':
      await sql`insert into inventory_stock_locations (id, mode, priority, inventory_model_id, stock_location_id)
        values (${`LSISL${serial++}`}, 'test', 5, ${`LSMODEL${o.model}`}, ${LOCS[o.loc]!}) on conflict do nothing`;
      return;
    case 'leave':
      await sql`delete from inventory_stock_locations where inventory_model_id = ${`LSMODEL${o.model}`}
        and stock_location_id = ${LOCS[o.loc]!}`;
      return;
    case 'unsku': {
      const id = sku(o.sku);
      if (!id) return;
      const [{ n }] = await sql<[{ n: number }]>`select count(*)::int as n from stock_items where sku_id = ${id}`;
      if (n) return;
      await sql`delete from skus where id = ${id}`;
      skus.splice(skus.indexOf(id), 1);
      return;
    }
    case 'keep':
      await sql`select sku_list_rebalance(${o.size})`;
      await sql`select sku_list_compact()`;
      return;
    case 'fold':
      await sql`select sku_list_compact()`;
      return;
    case 'touch':
      // SQL typed by hand on a folded count, changing nothing: its scope's running counts go stale
      await sql`update sku_list_counts set n = n where ctid = (select ctid from sku_list_counts
        where folded and scope like 'LSMODEL%' order by mark_at desc limit 1)`;
  }
}

/** A folded count of `n` written by hand into a scope's bucket, as an operator's SQL would. */
interface Bucket {
  scope: string;
  at: Date;
  id: string;
}
const handCount = (db: postgres.Sql | postgres.TransactionSql, b: Bucket, n: number) =>
  db`insert into sku_list_counts (mode, scope, mark_at, mark_id, n, folded)
    values ('test', ${b.scope}, ${b.at}, ${b.id}, ${n}, true)`;

/** Deadlocks between the writers themselves (rows locked in different orders) are retried, as a client would. */
async function retried(f: () => Promise<unknown>) {
  for (;;) {
    try {
      return await f();
    } catch (e) {
      if (!['40P01', '40001'].includes((e as { code?: string }).code ?? '')) throw e;
    }
  }
}

describe('SKU pages from the maintained counts', () => {
  it('give every page and record_count the plain query gives, after any writes, splits and folds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 5, maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        async (ops, size) => {
          await reset();
          const skus: string[] = [];
          for (const o of ops) await apply(o, skus);
          for (const name of Object.keys(callers)) await expectPages(name, size);
        },
      ),
      { numRuns: 25 },
    );
  }, 240_000);

  it('fold each scope total into one row, and follow counts changed by hand', async () => {
    await reset();
    const sql = sqlOf();
    const skus: string[] = [];
    for (let i = 0; i < 6; i++) await apply({ op: 'skus', n: 5, tick: 1 }, skus);
    for (let i = 0; i < 12; i++) await apply({ op: 'item', sku: i, loc: i % 2 }, skus);
    await apply({ op: 'unsku', sku: 29 }, skus);
    await keepListCounts(sql);
    const rows = await sql<{ scope: string; rows: number }[]>`select scope, count(*)::int as rows
      from sku_list_totals where scope in ('all:test', 'LSMODEL1', 'LSMODEL2') group by 1 order by 1`;
    expect(rows).toEqual([
      { scope: 'LSMODEL1', rows: 1 },
      { scope: 'LSMODEL2', rows: 1 },
      { scope: 'all:test', rows: 1 },
    ]);
    await expectPages('integration', 4);
    await expectPages('market1', 4);
    // a count corrected by hand moves the total the page reports with it
    const before = (await api.get('/api/skus?page[size]=1')).body.meta.record_count;
    const [b] = await sql<[{ at: Date; id: string }]>`select mark_at as at, mark_id as id from sku_list_counts
      where scope = 'all:test' limit 1`;
    const bucket = sql`scope = 'all:test' and mark_at = ${b.at} and mark_id = ${b.id}`;
    await sql`update sku_list_counts set n = n + 2 where ${bucket}`;
    expect((await api.get('/api/skus?page[size]=1')).body.meta.record_count).toBe(before + 2);
    await sql`update sku_list_counts set n = n - 2 where ${bucket}`;
    await expectPages('integration', 4);
  });

  it('start deep pages from kept running counts, exact with deltas since the fold and hand edits', async () => {
    await reset();
    const sql = sqlOf();
    const skus: string[] = [];
    for (let i = 0; i < 6; i++) await apply({ op: 'skus', n: 5, tick: 2 }, skus);
    for (let i = 0; i < 20; i++) await apply({ op: 'item', sku: i, loc: i % 3 }, skus);
    await apply({ op: 'keep', size: 2 }, skus);
    const valid = async () =>
      Object.fromEntries(
        (
          await sql<{ scope: string; valid: boolean }[]>`select scope, valid from sku_list_prefix_valid
            where scope in ('all:test', 'LSMODEL1')`
        ).map((r) => [r.scope, r.valid]),
      );
    expect(await valid()).toEqual({ 'all:test': true, LSMODEL1: true });
    // the pages start from the kept counts: one moved by hand (without the triggers' notice) moves them
    const deep = async () => (await api.get('/api/skus?fields[skus]=code&page[size]=3&page[number]=6')).body.data;
    const want = await deep();
    await sql`update sku_list_prefix set before = before + 1 where scope = 'all:test' and before > 0`;
    expect(await deep()).not.toEqual(want);
    await sql`update sku_list_prefix set before = before - 1 where scope = 'all:test' and before > 0`;
    expect(await deep()).toEqual(want);
    // deltas written since the fold leave the counts valid, and each page adds them
    await apply({ op: 'skus', n: 4, tick: 3 }, skus);
    for (let i = 0; i < 8; i++) await apply({ op: 'unitem', sku: i * 2, loc: (i * 2) % 3 }, skus);
    await apply({ op: 'item', sku: 33, loc: 1 }, skus);
    expect(await valid()).toEqual({ 'all:test': true, LSMODEL1: true });
    for (const size of [1, 2, 5]) {
      await expectPages('integration', size);
      await expectPages('market1', size);
    }
    // a folded count touched by hand makes that scope's running counts stale until the next fold
    await sql`update sku_list_counts set n = n where ctid = (select ctid from sku_list_counts
      where folded and scope = 'all:test' order by mark_at desc limit 1)`;
    expect(await valid()).toEqual({ 'all:test': false, LSMODEL1: true });
    await expectPages('integration', 2);
    await keepListCounts(sql);
    expect(await valid()).toEqual({ 'all:test': true, LSMODEL1: true });
    await expectPages('integration', 2);
    await expectPages('market1', 2);
  });

  it('mark every running count stale on TRUNCATE, and give up a fold behind a hand edit left open', async () => {
    await reset();
    const sql = sqlOf();
    const skus: string[] = [];
    await apply({ op: 'skus', n: 9, tick: 2 }, skus);
    await apply({ op: 'keep', size: 2 }, skus);
    const stale = () => sql<{ scope: string }[]>`select scope from sku_list_prefix_valid where not valid`;
    await sql
      .begin(async (tx) => {
        await tx`truncate sku_list_counts`;
        expect((await tx`select count(*)::int as n from sku_list_prefix_valid where valid`)[0]!.n).toBe(0);
        throw new Error('roll back');
      })
      .catch((e) => expect((e as Error).message).toBe('roll back'));
    expect(await stale()).toEqual([]);
    const pool = connect(t.dbUrl, 2);
    try {
      await apply({ op: 'skus', n: 2, tick: 0 }, skus); // a delta for the fold to take
      const [b] = await sql<[{ at: Date; id: string }]>`select mark_at as at, mark_id as id from sku_list_counts
        where folded and scope = 'all:test' limit 1`;
      let release = () => {};
      const held = new Promise<void>((r) => (release = r));
      const hand = pool.sql.begin(async (tx) => {
        await handCount(tx, { ...b, scope: 'all:test' }, 0);
        await held;
      });
      await new Promise((r) => setTimeout(r, 200));
      const t0 = Date.now();
      const err = await sql`select sku_list_compact()`.catch((e) => e);
      expect(err.code).toBe('55P03');
      expect(Date.now() - t0).toBeLessThan(10_000);
      release();
      await hand;
      await keepListCounts(sql);
      expect(await stale()).toEqual([]);
      await expectPages('integration', 4);
    } finally {
      await pool.close();
    }
  });

  it('keep pages exact when folds race with hand edits of folded counts', async () => {
    await reset();
    const sql = sqlOf();
    const skus: string[] = [];
    for (let i = 0; i < 8; i++) await apply({ op: 'skus', n: 5, tick: 3 }, skus);
    await apply({ op: 'keep', size: 2 }, skus);
    const pool = connect(t.dbUrl, 8);
    try {
      let stop = false;
      const folds = async () => {
        while (!stop) await retried(() => pool.sql`select sku_list_compact()`);
      };
      // a unit added to a folded bucket by hand, then taken away: a rebuild between the two must not
      // outlive the second
      const hand = async (w: number) => {
        for (let i = 0; !stop; i++) {
          const [b] = await pool.sql<[{ scope: string; at: Date; id: string }]>`select scope, mark_at as at,
            mark_id as id from sku_list_counts where folded and scope in ('all:test', 'LSMODEL1')
            order by mark_at, mark_id offset ${(w * 5 + i * 3) % 12} limit 1`;
          if (!b) continue;
          for (const n of [1, -1]) await retried(() => handCount(pool.sql, b, n));
        }
      };
      const items = async (w: number) => {
        for (let i = 0; !stop; i++) await apply({ op: i % 2 ? 'unitem' : 'item', sku: w * 11 + i, loc: i % 3 }, skus);
      };
      const runs = [folds(), folds(), hand(0), hand(1), items(0), items(1)];
      await new Promise((r) => setTimeout(r, 3_000));
      stop = true;
      await Promise.all(runs);
      // and, as the race may end, a hand edit undone after a fold has rebuilt the counts with it
      const [b] = await sql<[{ at: Date; id: string }]>`select mark_at as at, mark_id as id from sku_list_counts
        where folded and scope = 'all:test' order by mark_at, mark_id offset 3 limit 1`;
      await handCount(sql, { ...b, scope: 'all:test' }, 1);
      await keepListCounts(sql);
      await handCount(sql, { ...b, scope: 'all:test' }, -1);
      for (const size of [1, 3]) {
        await expectPages('integration', size);
        await expectPages('market1', size);
      }
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('keep record_count exact under concurrent stock item, SKU and model writes', async () => {
    await reset();
    const pool = connect(t.dbUrl, 12);
    try {
      const skus: string[] = [];
      await apply({ op: 'skus', n: 40, tick: 2 }, skus);
      let stop = false;
      const worker = async (w: number) => {
        let i = 0;
        while (!stop) {
          i++;
          const sku = skus[(w * 7 + i * 13) % skus.length]!;
          const loc = LOCS[(w + i) % LOCS.length]!;
          await retried(() =>
            pool.sql.begin(async (tx) => {
              await tx`insert into stock_items (id, mode, quantity, sku_id, stock_location_id, reserved_stock_id)
              values (${`LSC${w}_${i}`}, 'test', 1, ${sku}, ${loc}, ${`LSCR${w}_${i}`}) on conflict do nothing`;
              if (i % 3 === 0) await tx`delete from stock_items where sku_id = ${skus[(w + i) % skus.length]!}`;
              if (i % 5 === 0)
                await tx`insert into skus (id, mode, code, name, do_not_ship) values (${`LSSKUC${w}_${i}`}, 'test',
                ${`LSSKUC${w}_${i}`}, 'n', true)`;
            }),
          );
        }
      };
      const config = async () => {
        let i = 0;
        while (!stop) {
          i++;
          await pool.sql`insert into inventory_stock_locations
            (id, mode, priority, inventory_model_id, stock_location_id)
            values (${`LSISLC${i}`}, 'test', 9, 'LSMODEL1', ${LOCS[2 + (i % 4)]!}) on conflict do nothing`;
          await pool.sql`select sku_list_rebalance(${1 + (i % 4)})`;
          await pool.sql`delete from inventory_stock_locations where id = ${`LSISLC${i}`}`;
          await pool.sql`select sku_list_compact()`;
        }
      };
      const runs = [...Array.from({ length: 6 }, (_, w) => worker(w)), config(), keepListCounts(pool.sql)];
      await new Promise((r) => setTimeout(r, 4_000));
      stop = true;
      await Promise.all(runs);
      for (const name of Object.keys(callers)) {
        const want = await expected(await callers[name]!.locations());
        const res = await callers[name]!.client.get('/api/skus?page[size]=25');
        expect(res.body.meta.record_count, name).toBe(want.length);
      }
      await expectPages('market1', 25);
      await expectPages('integration', 25);
    } finally {
      await pool.close();
    }
  }, 120_000);

  it('answer a page and its record_count from one snapshot while writers change who sees what', async () => {
    const seen = await readUnderWriters('/api/skus?fields[skus]=code&page[size]=25');
    expect(seen.filter((a) => a.listed !== a.total)).toEqual([]);
  }, 60_000);

  it('answer a filtered, sorted or scoped page and its record_count from one snapshot, and its stock', async () => {
    // the general path (query/list.ts); an unfiltered page carries its SKUs' inventory from the same
    // statement, a filtered one has it loaded after (see listRows)
    for (const [scope, path, sameStock] of [
      ['market:code:ls-two', '/api/skus?filter[q][code_start]=LSSKU&fields[skus]=code,inventory&page[size]=25', false],
      ['market:code:ls-two', '/api/skus?sort=-code&fields[skus]=code&page[size]=25', false],
      // a stock location in scope: the general path without a filter
      ['market:code:ls-two stock_location:code:LSLOC2', '/api/skus?fields[skus]=code,inventory&page[size]=25', true],
    ] as const) {
      const seen = await readUnderWriters(path, scope);
      expect(
        seen.filter((a) => a.listed !== a.total),
        path,
      ).toEqual([]);
      if (!sameStock) continue;
      // a SKU is listed while its one stock item (quantity 1) exists: never listed without it
      expect(
        seen.flatMap((a) => a.quantities).filter((q) => q !== 1),
        path,
      ).toEqual([]);
      expect(
        seen.some((a) => a.quantities.length > 0),
        path,
      ).toBe(true);
    }
  }, 60_000);
});

/**
 * 20 SKUs, fewer than a page; for 3 s three writers add and delete their stock items in the second
 * market's location (so whether it sees them) while two of its readers (with `scope`) read `path`.
 */
async function readUnderWriters(path: string, scope?: string) {
  await reset();
  const pool = connect(t.dbUrl, 6);
  try {
    const skus: string[] = [];
    await apply({ op: 'skus', n: 20, tick: 2 }, skus);
    const reading = scope ? await scopedClient(scope) : callers.market2!.client;
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const sku = skus[(w * 7 + i * 3) % skus.length]!;
        await retried(() =>
          i % 2
            ? pool.sql`delete from stock_items where sku_id = ${sku} and stock_location_id = 'LSLOC2'`
            : pool.sql`insert into stock_items (id, mode, quantity, sku_id, stock_location_id, reserved_stock_id)
              values (${`LSO${w}_${i}`}, 'test', 1, ${sku}, 'LSLOC2', ${`LSOR${w}_${i}`}) on conflict do nothing`,
        );
      }
    };
    const seen: Array<{ listed: number; total: number; quantities: number[] }> = [];
    const reader = async () => {
      while (!stop) {
        const res = await reading.get(path);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        const data = res.body.data as Array<{ attributes: { inventory?: { quantity: number } | null } }>;
        seen.push({
          listed: data.length,
          total: res.body.meta.record_count,
          quantities: data.flatMap((d) =>
            d.attributes.inventory === undefined ? [] : [d.attributes.inventory?.quantity ?? 0],
          ),
        });
      }
    };
    const runs = [writer(0), writer(1), writer(2), reader(), reader()];
    await new Promise((r) => setTimeout(r, 3_000));
    stop = true;
    await Promise.all(runs);
    expect(seen.length).toBeGreaterThan(50);
    expect(new Set(seen.map((a) => a.total)).size).toBeGreaterThan(1);
    return seen;
  } finally {
    await pool.close();
  }
}
