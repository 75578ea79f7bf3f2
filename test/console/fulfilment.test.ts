import { describe, expect, it } from 'vitest';
import { doc } from '../helpers/http';
import { type Network, network, order, stockOf, trigger } from '../helpers/orders';
import {
  type ConsoleSetup,
  expectAccessible,
  expectKeyboardReachable,
  hasChromium,
  openTab,
  screenshot,
  signIn,
  useConsole,
  writeButtons,
} from './browser';

// Orders, shipments, stock transfers and returns in the console, in Chromium: each trigger is stated
// in a confirm step before it is sent, and what it did is checked through the API.

const s: ConsoleSetup = useConsole();

async function placed(n: Network, lines: Record<string, number>) {
  const id = await order(s.api, n, lines);
  expect((await trigger(s.api, 'orders', id, '_place')).status).toBe(200);
  return { id, number: (await s.api.get(`/api/orders/${id}`)).body.data.attributes.number as number };
}

const status = async (type: string, id: string) => (await s.api.get(`/api/${type}/${id}`)).body.data.attributes.status;

describe.skipIf(!hasChromium)('orders, transfers and returns in the console', () => {
  it('an order placed through the API is approved in the console, after a confirm step \
that says what it will do', async () => {
    const n = await network(s.api, { strategy: 'split_shipments', stock: { X: { A: 3, B: 10 } } });
    const { id, number } = await placed(n, { X: 5 });
    const page = await openTab(s);
    await signIn(s, page, s.admin);
    await page.getByRole('link', { name: 'Orders' }).click();
    const column = page.getByRole('region', { name: 'placed' });
    await column.getByRole('link', { name: `Order #${number}` }).click();
    await page.getByRole('heading', { name: `Order #${number}`, level: 1 }).waitFor();

    const shipments = page.locator('article.shipment');
    await expect.poll(() => shipments.count()).toBe(2);
    const first = await shipments.first().textContent();
    expect(first).toMatch(/Ships from WH-/);
    expect(first).toMatch(/Why: split_shipments: taken in priority order/);
    await expectAccessible(page, 'order');
    await expectKeyboardReachable(page, 'order');
    await screenshot(page, 'order');

    // by keyboard: Enter opens the confirm step with focus on "Go back"; Shift+Tab, Enter approves
    await page.getByRole('button', { name: 'Approve', exact: true }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: `Approve: order #${number}` });
    await expect
      .poll(() => page.evaluate(() => (globalThis as any).document.activeElement?.textContent))
      .toBe('Go back');
    const said = await dialog.textContent();
    expect(said).toContain('the held stock is decremented');
    expect(said).toMatch(/Decrement at WH-[^:]+: 3 units\./);
    expect(said).toMatch(/Decrement at WH-[^:]+: 2 units\./);
    expect(await status('orders', id)).toBe('placed'); // nothing sent before the confirm
    await expectAccessible(page, 'confirm dialog');
    await screenshot(page, 'order-confirm');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-field="status"]').textContent()).toBe('approved');
    expect(await status('orders', id)).toBe('approved');
    expect(await stockOf(s.t, n.item['X@A']!)).toEqual({ quantity: 0, reserved: 0 });
    expect(await stockOf(s.t, n.item['X@B']!)).toEqual({ quantity: 8, reserved: 0 });

    // the shipments moved to picking; one goes on to packing
    const shipment = shipments.first();
    await expect.poll(() => shipment.locator('h3 .status').textContent()).toBe('picking');
    const shipmentNumber = (await shipment.getAttribute('data-shipment'))!;
    await shipment.getByRole('button', { name: 'Packing' }).click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: `Packing shipment ${shipmentNumber}` })
      .click();
    await expect.poll(() => shipment.locator('h3 .status').textContent()).toBe('packing');
    const sh = await s.api.get(`/api/shipments?filter[q][number_eq]=${encodeURIComponent(shipmentNumber)}`);
    expect(sh.body.data[0].attributes.status).toBe('packing');
    expect(page.problems).toEqual([]);
  });

  it("going back from the confirm step sends nothing; a trigger the API refuses shows the API's words", async () => {
    const n = await network(s.api, { stock: { X: { A: 5 } } });
    const { id, number } = await placed(n, { X: 1 });
    const page = await openTab(s);
    await signIn(s, page, s.admin);
    await page.goto(`${s.base}/console#/orders/${id}`);
    await page.getByRole('button', { name: 'Cancel', exact: true }).first().click();
    const dialog = page.getByRole('dialog', { name: `Cancel: order #${number}` });
    expect(await dialog.textContent()).toContain('every hold is released');
    await dialog.getByRole('button', { name: 'Go back' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await status('orders', id)).toBe('placed');

    // someone else cancels it meanwhile; approving from the stale page is refused, in the API's words
    expect((await trigger(s.api, 'orders', id, '_cancel')).status).toBe(200);
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    const approve = page.getByRole('dialog', { name: `Approve: order #${number}` });
    await approve.getByRole('button', { name: `Approve order #${number}` }).click();
    await expect
      .poll(() => approve.getByRole('alert').textContent())
      .toBe('_approve - cannot be applied to a cancelled order /data/attributes/_approve');
    expect(page.problems).toEqual([]);
  });

  it('the board pages each status on the server, ten orders at a time', async () => {
    const n = await network(s.api, { stock: { X: { A: 5 } } });
    for (let i = 0; i < 11; i++) await order(s.api, n, { X: 1 });
    const page = await openTab(s);
    await signIn(s, page, s.admin);
    await page.goto(`${s.base}/console#/orders`);
    const drafts = page.getByRole('region', { name: 'draft' });
    await expect.poll(() => drafts.locator('.order-card').count()).toBe(10);
    await expectAccessible(page, 'orders board');
    await screenshot(page, 'orders');
    const pages = drafts.getByRole('navigation', { name: 'draft orders: pages' });
    const total = (await s.api.get('/api/orders?filter[q][status_eq]=draft')).body.meta.record_count;
    expect(await pages.textContent()).toContain(`Page 1 of ${Math.ceil(total / 10)} (${total})`);
    await pages.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => pages.textContent()).toContain('Page 2 of');
    await expect.poll(() => drafts.locator('.order-card').count()).toBe(total - 10);
    expect(page.problems).toEqual([]);
  });

  it('stock transfers: created with errors next to their fields, advanced to completion, or cancelled', async () => {
    const n = await network(s.api, { stock: { X: { A: 10, B: 0 } } });
    const [a, b] = [n.loc.A!, n.loc.B!];
    const names = await Promise.all([a, b].map(async (l) => (await s.api.get(`/api/stock_locations/${l}`)).body.data));
    const label = (l: any) => `${l.attributes.name} (${l.attributes.code})`;
    const page = await openTab(s);
    await signIn(s, page, s.admin);
    await page.getByRole('link', { name: 'Stock transfers' }).click();
    const form = page.getByRole('form', { name: 'New stock transfer' });
    await form.getByLabel('SKU code').fill('NO-SUCH-SKU');
    await form.getByLabel('Quantity').fill('2');
    await form.getByLabel('From').selectOption({ label: label(names[0]) });
    await form.getByLabel('To').selectOption({ label: label(names[1]) });
    await form.getByRole('button', { name: 'Create transfer' }).click();
    await expect.poll(() => form.locator('.field-error').textContent()).toBe('sku_code - is not a valid SKU code');
    expect(await form.getByLabel('SKU code').getAttribute('aria-invalid')).toBe('true');

    await form.getByLabel('SKU code').fill(n.code('X'));
    await form.getByRole('button', { name: 'Create transfer' }).click();
    await form.getByRole('status').waitFor();
    const number = (await form.getByRole('status').textContent())!.match(/Transfer (\S+) created/)![1]!;
    // a draft holds nothing; upcoming takes the hold (docs/transfers-and-returns.md)
    expect(await stockOf(s.t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 0 });
    const row = page.locator(`tr[data-transfer="${number}"]`);
    for (const [button, after] of [
      ['Upcoming', 'upcoming'],
      ['Picking', 'picking'],
      ['Complete', 'completed'],
    ] as const) {
      await row.getByRole('button', { name: button, exact: true }).click();
      const dialog = page.getByRole('dialog');
      if (button === 'Complete') expect(await dialog.textContent()).toContain(`Moves 2 units of ${n.code('X')}`);
      await dialog.getByRole('button', { name: `${button} transfer ${number}` }).click();
      await expect.poll(() => row.locator('.status').textContent()).toBe(after.replace('_', ' '));
      if (after === 'upcoming') expect(await stockOf(s.t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 2 });
    }
    expect(await stockOf(s.t, n.item['X@A']!)).toEqual({ quantity: 8, reserved: 0 });
    expect(await stockOf(s.t, n.item['X@B']!)).toEqual({ quantity: 2, reserved: 0 });

    await form.getByRole('button', { name: 'Create transfer' }).click();
    await expect.poll(() => page.locator('tr[data-transfer]').count()).toBe(2);
    const second = page.locator('tr[data-transfer]').first();
    const secondNumber = await second.getAttribute('data-transfer');
    await second.getByRole('button', { name: 'Cancel', exact: true }).click();
    expect(await page.getByRole('dialog').textContent()).toContain('no stock moves');
    await page
      .getByRole('dialog')
      .getByRole('button', { name: `Cancel transfer ${secondNumber}` })
      .click();
    await expect.poll(() => second.locator('.status').textContent()).toBe('cancelled');
    expect(await stockOf(s.t, n.item['X@A']!)).toEqual({ quantity: 8, reserved: 0 });

    await page.getByLabel('Status').selectOption('completed');
    await expect.poll(() => page.locator('tr[data-transfer]').count()).toBe(1);
    await expectAccessible(page, 'stock transfers');
    await screenshot(page, 'stock-transfers');
    expect(page.problems).toEqual([]);
  });

  it('returns: created for an approved order, given a line, then requested, approved, \
received and restocked', async () => {
    const n = await network(s.api, { stock: { X: { A: 5 } } });
    const back = await s.api.post(
      '/api/inventory_return_locations',
      doc(
        'inventory_return_locations',
        { priority: 1 },
        {
          inventory_model: { data: { type: 'inventory_models', id: n.model } },
          stock_location: { data: { type: 'stock_locations', id: n.loc.A } },
        },
      ),
    );
    expect(back.status).toBe(201);
    const { id, number } = await placed(n, { X: 2 });
    await trigger(s.api, 'orders', id, '_approve');
    const shipment = (await s.api.get(`/api/shipments?filter[q][order_id_eq]=${id}`)).body.data[0].id;
    for (const step of ['_packing', '_ready_to_ship', '_ship'])
      expect((await trigger(s.api, 'shipments', shipment, step)).status).toBe(200);
    expect(await stockOf(s.t, n.item['X@A']!)).toEqual({ quantity: 3, reserved: 0 });

    const page = await openTab(s);
    await signIn(s, page, s.admin);
    await page.getByRole('link', { name: 'Returns' }).click();
    const form = page.getByRole('form', { name: 'New return' });
    await form.getByLabel('Order number').fill(String(number));
    await form.getByRole('button', { name: 'Create return' }).click();
    await page.getByRole('heading', { name: /^Return #/, level: 1 }).waitFor();
    const add = page.getByRole('form', { name: 'Add a returned line' });
    await add.getByLabel('Quantity').fill('3');
    await add.getByLabel('Line item').selectOption({ index: 1 });
    await add.getByRole('button', { name: 'Add line' }).click();
    await expect
      .poll(() => add.locator('.field-error').textContent())
      .toBe('quantity - must be less than or equal to 2 (shipped and not yet returned)');
    await add.getByLabel('Quantity').fill('1');
    await add.getByRole('button', { name: 'Add line' }).click();
    await page.getByText(`${n.code('X')} × 1`).waitFor();

    const title = (await page.getByRole('heading', { level: 1 }).textContent())!.replace(/^Return /, '');
    for (const [button, after] of [
      ['Request', 'requested'],
      ['Approve', 'approved'],
      ['Receive', 'received'],
    ] as const) {
      await page.getByRole('button', { name: button, exact: true }).click();
      await page
        .getByRole('dialog')
        .getByRole('button', { name: `${button} return ${title}` })
        .click();
      await expect.poll(() => page.locator('[data-field="status"]').textContent()).toBe(after);
    }
    await page.getByRole('button', { name: 'Restock', exact: true }).click();
    expect(await page.getByRole('dialog').textContent()).toContain('back into stock');
    await page
      .getByRole('dialog')
      .getByRole('button', { name: `Restock return ${title}` })
      .click();
    await expect.poll(() => page.locator('[data-field="restocked"]').textContent()).toBe('yes');
    expect(await stockOf(s.t, n.item['X@A']!)).toEqual({ quantity: 4, reserved: 0 });
    await expectAccessible(page, 'return');
    await screenshot(page, 'return');
    await page.getByRole('link', { name: 'All returns' }).click();
    await page.getByRole('link', { name: title }).waitFor();
    await expectAccessible(page, 'returns');
    await screenshot(page, 'returns');
    expect(page.problems).toEqual([]);
  });

  it('a read_only application sees orders, shipments, transfers and returns without a trigger or a form', async () => {
    const n = await network(s.api, { stock: { X: { A: 5, B: 5 } } });
    const { id } = await placed(n, { X: 1 });
    const page = await openTab(s);
    await signIn(s, page, s.readOnly);
    await page.goto(`${s.base}/console#/orders/${id}`);
    await page.locator('article.shipment').first().waitFor();
    expect(await writeButtons(page)).toEqual([]);
    for (const section of ['transfers', 'returns']) {
      await page.goto(`${s.base}/console#/${section}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.getByRole('status').or(page.getByRole('table')).first().waitFor();
      expect(await writeButtons(page)).toEqual([]);
      expect(await page.getByRole('form').count()).toBe(0);
    }
    expect(page.problems).toEqual([]);
  });
});
