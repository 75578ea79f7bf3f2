import { beforeAll, describe, expect, it } from 'vitest';
import { doc } from '../helpers/http';
import { type Network, network, order, trigger } from '../helpers/orders';
import {
  type ConsoleSetup,
  expectAccessible,
  expectKeyboardReachable,
  hasChromium,
  openTab,
  screenshot,
  signIn,
  useConsole,
} from './browser';

// Why this number: from a SKU's stock item to its ledger, where an order placed through the API
// explains the new reserved count, and the quantity as of an earlier time is the earlier one.

const s: ConsoleSetup = useConsole();
let n: Network;
let item: string;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!hasChromium)('the stock ledger in the console', () => {
  beforeAll(async () => {
    n = await network(s.api, { stock: { X: { A: 10 } } });
    item = n.item['X@A']!;
  });

  it('explains a placement: newest first, deltas, reason, who, the order; as of shows the earlier number', async () => {
    const page = await openTab(s);
    await signIn(s, page, s.admin);
    await page.goto(`${s.base}/console#/skus/${n.sku.X}`);
    const row = page.locator(`tr[data-location="a-${n.model}"]`);
    // set stock in the console
    await row.getByRole('spinbutton').fill('12');
    await row.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => row.locator('[data-cell="quantity"]').textContent()).toBe('12');
    await sleep(1200);
    const before = Date.now(); // whole seconds apart from both changes: the as-of control takes seconds
    await sleep(1200);
    // an order placed through the API holds 3 of them
    const id = await order(s.api, n, { X: 3 });
    expect((await trigger(s.api, 'orders', id, '_place')).status).toBe(200);
    const app = (await s.api.get('/api/application')).body.data.id; // the API's caller, not the console's

    await page.reload();
    await row.getByRole('link', { name: /^Ledger/ }).click();
    await page.getByRole('heading', { name: `Stock ledger: ${n.code('X')}`, exact: false }).waitFor();
    const lead = page.locator('p.lead');
    await expect.poll(() => lead.locator('[data-now="reserved"]').textContent()).toBe('3');
    const rows = page.locator('table.ledger tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    const cells = (i: number) =>
      rows
        .nth(i)
        .evaluate((tr) =>
          Object.fromEntries(
            [...(tr as any).querySelectorAll('[data-cell]')].map((c: any) => [c.dataset.cell, c.textContent.trim()]),
          ),
        );
    const newest = await cells(0);
    expect(newest).toMatchObject({
      quantity_delta: '0',
      reserved_delta: '+3',
      quantity_after: '12',
      reserved_after: '3',
      reason: 'reserved',
      source: `Order ${id}`,
    });
    expect(newest.who).toBe(app);
    expect(await cells(1)).toMatchObject({
      quantity_delta: '+2',
      reason: 'adjusted',
      quantity_after: '12',
      source: '—',
    });
    expect(await cells(2)).toMatchObject({ quantity_delta: '+10', reason: 'created', quantity_after: '10' });
    await expectAccessible(page, 'stock ledger');
    await expectKeyboardReachable(page, 'stock ledger');

    // as of a moment between the count and the placement: 12 on hand, nothing reserved yet
    const local = await page.evaluate((ms) => {
      const d = new Date(ms);
      const p = (x: number) => String(x).padStart(2, '0');
      const day = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
      return `${day} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
    }, before);
    const asOf = page.getByRole('form', { name: 'Quantity as of a time' });
    await asOf.getByLabel('As of').fill(local);
    await asOf.getByRole('button', { name: 'Show' }).click();
    const shown = asOf.getByRole('status');
    await expect.poll(() => shown.locator('[data-as-of-cell="quantity"]').textContent()).toBe('12');
    expect(await shown.locator('[data-as-of-cell="reserved"]').textContent()).toBe('0');
    await screenshot(page, 'ledger');

    // the order behind the movement is one click away
    await rows
      .nth(0)
      .getByRole('link', { name: `Order ${id}` })
      .click();
    await expect.poll(() => page.evaluate(() => (globalThis as any).location.hash)).toBe(`#/orders/${id}`);
    expect(page.problems).toEqual([]);
  });

  it('pages through a long ledger on the server', async () => {
    for (let q = 20; q < 46; q++)
      expect(
        (await s.api.patch(`/api/stock_items/${item}`, doc('stock_items', { quantity: q }, {}, item))).status,
      ).toBe(200);
    const page = await openTab(s);
    await signIn(s, page, s.admin);
    const started = Date.now();
    await page.goto(`${s.base}/console#/ledger/${item}`);
    const rows = page.locator('table.ledger tbody tr');
    await expect.poll(() => rows.count()).toBe(25);
    console.info(`ledger page, ms until its rows show: ${Date.now() - started}`);
    const pager = page.getByRole('navigation', { name: 'Movements: pages' });
    expect(await pager.textContent()).toContain('Page 1 of 2 (29)');
    expect(await rows.first().locator('[data-cell="quantity_after"]').textContent()).toBe('45');
    await pager.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => rows.count()).toBe(4);
    expect(await rows.last().locator('[data-cell="reason"]').textContent()).toBe('created');
    expect(page.problems).toEqual([]);
  });
});
