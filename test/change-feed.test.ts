import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connect } from '../src/db/client';
import { ChangeChain } from '../src/http/change-chain';
import { probeVersion } from '../src/query/probe';
import { skusResource } from '../src/resources/catalog';
import type { TestApp } from './helpers/app';
import type { Client } from './helpers/http';
import { network } from './helpers/orders';
import { useTestApp } from './helpers/use-app';

/*
 * The SKU change feed (migration 0026) and the chain of reads the response cache judges kept
 * responses by (src/http/change-chain.ts): after a write to what a SKU's answer reads, the next read
 * must list that SKU, whichever transaction wrote it and however long it ran; when the chain cannot
 * tell (configuration, TRUNCATE, a pruned gap), nothing earlier may pass as unchanged.
 */
let t: TestApp;
let api: Client;
useTestApp({}, (s) => ({ t, api } = s));

/** A pruning round now, as if the last one were 5 s old. */
async function prune() {
  await t.database.sql`update sku_changes_horizon set pruned_at = '-infinity'`;
  await t.database.sql`select sku_changes_prune()`;
}

/** A chain, and a check of which of `skus` it still finds unchanged since read `at`. */
async function chainOf() {
  const chain = new ChangeChain(t.database.db);
  const { seq } = await chain.read();
  return { chain, seq, unchanged: (skus: string[], at: number) => skus.filter((s) => chain.unchanged(s, at)) };
}

describe('the SKU change feed', () => {
  it('lists what a transaction wrote once it commits, though it began before the previous read', async () => {
    const n = await network(api, { stock: { A: { L: 5 }, B: { L: 5 } } });
    const skus = [n.sku.A!, n.sku.B!];
    const { chain, seq, unchanged } = await chainOf();
    const other = connect(t.dbUrl, 1);
    try {
      await other.sql.begin(async (tx) => {
        await tx`update stock_items set quantity = 9 where id = ${n.item['A@L']!}`;
        // a later transaction ends first, so the read's snapshot lists this one as in progress
        await t.database.sql`select txid_current()`;
        // in progress during this read: not visible, not listed
        const during = await chain.read();
        expect(unchanged(skus, seq)).toEqual(skus);
        expect(during.seq).toBe(seq + 1);
      });
    } finally {
      await other.close();
    }
    const after = await chain.read();
    expect(unchanged(skus, seq)).toEqual([n.sku.B]);
    // known at the latest read, A is unchanged from there on
    expect(unchanged(skus, after.seq)).toEqual(skus);
  });

  it('covers the SKU row, stock items coming, moving and going, and draft reservations', async () => {
    const n = await network(api, { stock: { A: { L: 5, M: 5 }, B: { L: 5 }, C: { L: 5 } } });
    const skus = [n.sku.A!, n.sku.B!, n.sku.C!];
    const { sql } = t.database;
    const { chain, unchanged } = await chainOf();
    const steps: Array<[string, () => Promise<unknown>, string[]]> = [
      ['SKU renamed', () => sql`update skus set name = 'Renamed' where id = ${n.sku.A!}`, [n.sku.A!]],
      ['stock item deleted', () => sql`delete from stock_items where id = ${n.item['A@M']!}`, [n.sku.A!]],
      [
        'stock item of no stock added',
        () => sql`insert into stock_items (id, mode, quantity, sku_id, stock_location_id, reserved_stock_id)
          values ('FEEDITEM1', 'test', 0, ${n.sku.B!}, ${n.loc.M!}, 'FEEDRES1')`,
        [n.sku.B!],
      ],
      [
        'stock item moved to another SKU',
        () => sql`update stock_items set sku_id = ${n.sku.C!} where id = 'FEEDITEM1'`,
        [n.sku.B!, n.sku.C!],
      ],
      [
        // a draft whose own SKU copy predates its stock item's move: answers read it through the item
        'draft on a moved stock item',
        () => sql`insert into stock_reservations (id, mode, status, quantity, stock_item_id, sku_id, expires_at)
          values ('FEEDDRAFT2', 'test', 'draft', 1, 'FEEDITEM1', ${n.sku.B!}, now() + interval '1 hour')`,
        [n.sku.B!, n.sku.C!],
      ],
      [
        'its expiry moved by hand',
        () => sql`update stock_reservations set expires_at = now() + interval '2 hours' where id = 'FEEDDRAFT2'`,
        [n.sku.B!, n.sku.C!],
      ],
      [
        'stock written with replication triggers off (a bulk load)',
        () =>
          sql.begin(async (tx) => {
            await tx`set local session_replication_role = replica`;
            await tx`update stock_items set quantity = quantity + 1 where id = ${n.item['B@L']!}`;
          }),
        [n.sku.B!],
      ],
      [
        'draft reservation',
        () => sql`insert into stock_reservations (id, mode, status, quantity, stock_item_id, sku_id, expires_at)
          values ('FEEDDRAFT1', 'test', 'draft', 1, ${n.item['A@L']!}, ${n.sku.A!}, now() + interval '1 hour')`,
        [n.sku.A!],
      ],
      [
        'draft expiry moved',
        () => sql`update stock_reservations set expires_at = now() + interval '2 hours' where id = 'FEEDDRAFT1'`,
        [n.sku.A!],
      ],
      // a pending reservation moves no availability by itself (its counter on the stock item does)
      [
        'draft made pending',
        () => sql`update stock_reservations set status = 'pending', expires_at = null where id = 'FEEDDRAFT1'`,
        [n.sku.A!],
      ],
      ['pending reservation', () => sql`update stock_reservations set quantity = 2 where id = 'FEEDDRAFT1'`, []],
    ];
    for (const [what, write, changed] of steps) {
      const { seq } = await chain.read();
      await write();
      await chain.read();
      expect(unchanged(skus, seq), what).toEqual(skus.filter((s) => !changed.includes(s)));
    }
  });

  it('starts over after a configuration change, a TRUNCATE, or a gap the pruned feed no longer covers', async () => {
    const n = await network(api, { stock: { A: { L: 5 } } });
    const { sql } = t.database;
    const { chain, unchanged } = await chainOf();
    const writes: Array<[string, () => Promise<unknown>]> = [
      ['cutoff', () => sql`update inventory_models set stock_locations_cutoff = 1 where id = ${n.model}`],
      ['TRUNCATE', () => sql`truncate stock_reservations`],
      [
        // what pruning does to a reader idle for two rounds: the rows of a transaction after its read are gone
        'a floor past the read',
        () => sql`update sku_changes_horizon set floor = txid_current() + 1`,
      ],
    ];
    for (const [what, write] of writes) {
      const { seq } = await chain.read();
      expect(unchanged([n.sku.A!], seq), what).toEqual([n.sku.A]);
      await write();
      await chain.read();
      expect(unchanged([n.sku.A!], seq), what).toEqual([]);
    }
  });

  it('prunes what no reader can ask about any more, one round every 5 s whatever the callers', async () => {
    const { sql } = t.database;
    await sql`update skus set name = name`;
    const count = async () => (await sql<[{ n: number }]>`select count(*)::int as n from sku_changes`)[0].n;
    const horizon = async () => (await sql`select floor::text, next::text from sku_changes_horizon`)[0];
    const before = await count();
    expect(before).toBeGreaterThan(0);
    await prune();
    const once = await horizon();
    // a round less than 5 s after the last one leaves everything as it was
    await sql`select sku_changes_prune()`;
    expect(await horizon()).toEqual(once);
    await prune();
    expect(await count()).toBeLessThan(before);
    const h = await horizon();
    expect(BigInt(h!.floor)).toBe(BigInt(once!.next));
    expect(BigInt(h!.floor)).toBeLessThanOrEqual(BigInt(h!.next));
  });

  it('lists every SKU whose version moved, over random writes to SKUs, stock items and drafts', async () => {
    const n = await network(api, { stock: { A: { L: 5, M: 5 }, B: { L: 5 }, C: { M: 5 } } });
    const { sql } = t.database;
    const skus = [n.sku.A!, n.sku.B!, n.sku.C!];
    const locs = [n.loc.L!, n.loc.M!];
    // the version the cache used before the feed: the SKU row's, its stock items' and drafts' xmin
    const versions = async () =>
      Promise.all(
        skus.map(
          async (id) => (await probeVersion(t.database.db, skusResource, { mode: 'test' } as never, id))?.version,
        ),
      );
    const item = async (k: number) =>
      (await sql<{ id: string }[]>`select id from stock_items where sku_id = any(${skus}) order by id`)[k]?.id;
    let serial = 0;
    const ops: Record<string, (k: number, j: number) => Promise<unknown>> = {
      quantity: async (k) => sql`update stock_items set quantity = quantity + 1 where id = ${(await item(k)) ?? ''}`,
      move: async (k, j) => sql`update stock_items set sku_id = ${skus[j % 3]!} where id = ${(await item(k)) ?? ''}
        and not exists (select 1 from stock_items x where x.sku_id = ${skus[j % 3]!}
          and x.stock_location_id = stock_items.stock_location_id)`,
      add: (k, j) => sql`insert into stock_items (id, mode, quantity, sku_id, stock_location_id, reserved_stock_id)
        values (${`FRI${serial}`}, 'test', ${k % 2}, ${skus[j % 3]!}, ${locs[k % 2]!}, ${`FRR${serial++}`})
        on conflict do nothing`,
      remove: async (k) => {
        const id = (await item(k)) ?? '';
        await sql`delete from stock_reservations where stock_item_id = ${id}`;
        await sql`delete from stock_items where id = ${id}`;
      },
      draft: async (k, j) =>
        sql`insert into stock_reservations (id, mode, status, quantity, stock_item_id, sku_id, expires_at)
          select ${`FRD${serial++}`}, 'test', 'draft', 1, si.id, ${skus[j % 3]!}, now() + interval '1 hour'
          from stock_items si where si.id = ${(await item(k)) ?? ''}`,
      expiry: (k) => sql`update stock_reservations set expires_at = expires_at + interval '1 minute'
        where id = (select id from stock_reservations where status = 'draft' order by id offset ${k} limit 1)`,
      undraft: (k) => sql`delete from stock_reservations
        where id = (select id from stock_reservations where status = 'draft' order by id offset ${k} limit 1)`,
      rename: (_k, j) => sql`update skus set name = ${`n${serial++}`} where id = ${skus[j % 3]!}`,
    };
    const chain = new ChangeChain(t.database.db);
    await chain.read();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...Object.keys(ops)), fc.nat(6), fc.nat(2)), { minLength: 1, maxLength: 8 }),
        async (steps) => {
          for (const [op, k, j] of steps) {
            const before = await versions();
            const { seq } = await chain.read();
            await ops[op]!(k, j);
            await chain.read();
            const after = await versions();
            for (const [i, id] of skus.entries())
              if (before[i] !== after[i]) expect(chain.unchanged(id, seq), `${op} ${k} ${j}: ${id}`).toBe(false);
          }
        },
      ),
      { numRuns: 20 },
    );
  });
});
