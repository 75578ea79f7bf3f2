import { describe, expect, it } from 'vitest';
import { connect } from '../src/db/client';
import { ChangeChain } from '../src/http/change-chain';
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
});
