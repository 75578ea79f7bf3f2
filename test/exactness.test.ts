import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { factory } from './helpers/factory';
import { type Client, doc, remoteClient } from './helpers/http';
import { type ServerProcess, startServerProcess, stopServerProcess } from './helpers/server';
import { useTestApp } from './helpers/use-app';

/**
 * Availability is never served stale: a write through one server process is visible to the very
 * next read through another process on the same database, even while that process is batching
 * concurrent reads (src/query/coalesce.ts).
 */
let t: TestApp;
let admin: Client;
let other: ServerProcess;
let token: string;
const ids: Record<string, string> = {};

useTestApp({}, (s) => ({ t, api: admin } = s));
beforeAll(async () => {
  Object.assign(ids, await factory(admin).twoLocationMarket({ cutoff: 1, code: 'exact', quantities: [10, 100] }));
  token = await t.token(await t.application({ kind: 'sales_channel', role: undefined }), 'market:code:exact');
  other = await startServerProcess(t.dbUrl);
}, 60_000);
afterAll(() => stopServerProcess(other?.proc));

const readOther = async () =>
  (await remoteClient(other.url, token).get(`/api/skus/${ids.sku}`)).body.data.attributes.inventory as {
    quantity: number;
    levels: Array<{ quantity: number }>;
  };

describe('a write in one process is visible to the next read in another', () => {
  it('stock quantity, reservations, priority and cutoff, under concurrent reads', async () => {
    let stop = false;
    // background readers keep the other process batching
    const noise = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (!stop) await readOther();
      }),
    );
    try {
      for (let i = 1; i <= 20; i++) {
        await admin.patch(`/api/stock_items/${ids.itemA}`, doc('stock_items', { quantity: 10 + i }, {}, ids.itemA));
        expect((await readOther()).quantity).toBe(10 + i);
      }
      await t.database.sql`update stock_items set reserved_quantity = 7 where id = ${ids.itemA!}`;
      expect((await readOther()).quantity).toBe(30 - 7);
      // priorities swapped: B becomes the only location within cutoff 1
      await admin.patch(
        `/api/inventory_stock_locations/${ids.islA}`,
        doc('inventory_stock_locations', { priority: 3 }, {}, ids.islA),
      );
      expect((await readOther()).quantity).toBe(100);
      await admin.patch(
        `/api/inventory_models/${ids.model}`,
        doc('inventory_models', { stock_locations_cutoff: 2 }, {}, ids.model),
      );
      const inv = await readOther();
      expect(inv.levels.map((l) => l.quantity)).toEqual([100, 23]);
    } finally {
      stop = true;
      await noise;
    }
  });
});
