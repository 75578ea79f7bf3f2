import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { factory } from '../helpers/factory';
import { postImport, settle } from '../helpers/jobs';
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

// Imports and exports in the console, in Chromium: a CSV chosen in the browser is sent as `inputs`
// and watched to the end with its error log; a running import is interrupted; an export is started,
// watched and downloaded. What each did is checked through the API.

const s: ConsoleSetup = useConsole();
/** API answers under a loaded machine: polls wait up to 15 s (a wrong value still fails). */
const patient = { timeout: 15_000 };
let loc: string;

const quantityOf = async (code: string) =>
  (
    await s.api.get(`/api/stock_items?filter[q][sku_code_eq]=${code}&filter[q][stock_location_id_eq]=${loc}`)
  ).body.data.map((d: any) => d.attributes.quantity);
const csvFile = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

describe.skipIf(!hasChromium)('imports and exports in the console', () => {
  beforeAll(async () => {
    const f = factory(s.api);
    loc = await f.stockLocation({ name: 'Turin store', code: 'tur' });
    for (const n of [1, 2, 3]) await f.sku({ code: `JOB-${n}`, name: `Job ${n}` });
    await f.sku({ code: 'BULK-1', name: 'Bulk' });
  });

  it('a CSV of stock items is uploaded, watched to completion, its refused input in the error log', async () => {
    const page = await openTab(s);
    await signIn(s, page, s.admin);
    await page.getByRole('link', { name: 'Imports' }).click();
    const form = page.getByRole('form', { name: 'New import' });
    await form.getByLabel('Stock location').selectOption({ label: 'Turin store (tur)' });
    await form
      .getByLabel('File')
      .setInputFiles(csvFile('stock.csv', 'sku_code,quantity\nJOB-1,12\nJOB-2,7\nNO-SUCH-SKU,3\n'));
    await form.getByLabel(/Skip errors/).check();
    await expectAccessible(page, 'imports with the form filled');
    await form.getByRole('button', { name: 'Upload and import' }).click();

    await page.getByRole('heading', { name: 'Import of stock items', level: 1 }).waitFor();
    await expect.poll(() => page.locator('[data-field="status"]').textContent(), { timeout: 30_000 }).toBe('completed');
    expect(await page.locator('.facts').textContent()).toContain('Stock locationTurin store');
    expect(await page.locator('[data-field="processed_count"]').textContent()).toBe('2');
    expect(await page.locator('[data-field="errors_count"]').textContent()).toBe('1');
    expect(await page.getByRole('status').textContent()).toBe('3 of 3 inputs read.');
    const log = page.getByRole('table', { name: 'Refused inputs' });
    expect(await log.locator('tbody tr').count()).toBe(1);
    expect(await log.locator('tbody tr th, tbody tr td').allTextContents()).toEqual([
      'NO-SUCH-SKU',
      'sku_code',
      'is not a valid SKU code',
    ]);
    expect(await quantityOf('JOB-1')).toEqual([12]);
    expect(await quantityOf('JOB-2')).toEqual([7]);
    const id = page.url().split('#/imports/')[1]!;
    const api = (await s.api.get(`/api/imports/${id}`)).body.data.attributes;
    expect(api).toMatchObject({ format: 'csv', parent_resource_id: loc, inputs_size: 3, skip_errors: true });
    await expectAccessible(page, 'import');
    await screenshot(page, 'import');

    await page.getByRole('link', { name: 'All imports' }).click();
    const row = page.locator(`tr[data-import="${id}"]`);
    await expect
      .poll(async () => (await row.locator('td').allTextContents()).slice(1))
      .toEqual(['stock items', 'csv', 'completed', '3', '2', '1', '0']);
    await expectAccessible(page, 'imports');
    await expectKeyboardReachable(page, 'imports');
    await screenshot(page, 'imports');
    expect(page.problems).toEqual([]);
  });

  it("a file the API refuses shows the API's words next to the file field; JSON files are sent as arrays", async () => {
    const page = await openTab(s);
    await signIn(s, page, s.admin);
    await page.goto(`${s.base}/console#/imports`);
    const form = page.getByRole('form', { name: 'New import' });
    const file = form.getByLabel('File');
    const json = (name: string, text: string) => ({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
    await file.setInputFiles(json('one.json', '{"sku_code": "JOB-3", "quantity": 1}'));
    expect(await form.getByLabel('Format').inputValue()).toBe('json'); // chosen from the file's name
    await form.getByRole('button', { name: 'Upload and import' }).click();
    await expect
      .poll(() => form.locator('.field-error').textContent(), patient)
      .toBe('inputs - must be an array of objects');
    expect(await file.getAttribute('aria-invalid')).toBe('true');

    await file.setInputFiles(csvFile('empty.csv', 'sku_code,quantity\n'));
    await form.getByRole('button', { name: 'Upload and import' }).click();
    await expect.poll(() => form.locator('.field-error').textContent(), patient).toMatch(/^inputs - /);
    const empty = (await form.locator('.field-error').textContent())!;
    const api = await postImport(s.api, { resource_type: 'stock_items', format: 'csv', inputs: 'sku_code,quantity\n' });
    expect(empty).toBe(api.body.errors[0].detail); // as the API words it

    await form.getByLabel('Stock location').selectOption({ label: 'Turin store (tur)' });
    await file.setInputFiles(json('stock.json', '[{"sku_code": "JOB-3", "quantity": 4}]'));
    await form.getByRole('button', { name: 'Upload and import' }).click();
    await page.getByRole('heading', { name: 'Import of stock items', level: 1 }).waitFor();
    await expect.poll(() => page.locator('[data-field="status"]').textContent(), { timeout: 30_000 }).toBe('completed');
    expect(await quantityOf('JOB-3')).toEqual([4]);
    expect(page.problems).toEqual([]);
  });

  it('a running import is interrupted after a confirm step that says what it will do', async () => {
    const inputs = Array.from({ length: 10_000 }, (_, i) => ({ sku_code: 'BULK-1', quantity: i }));
    const res = await postImport(s.api, { resource_type: 'stock_items', parent_resource_id: loc, inputs });
    expect(res.status).toBe(201);
    const id = res.body.data.id as string;
    // hold the queue's row when a worker has not claimed it yet: the import then stays pending for the
    // test (otherwise it is running: ten thousand inputs take seconds)
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const holding = s.t.database.sql.begin(async (tx) => {
      await tx`select id from jobs where id = ${id} for update skip locked`;
      await held;
    });
    try {
      const page = await openTab(s);
      await signIn(s, page, s.admin);
      await page.goto(`${s.base}/console#/imports/${id}`);
      await page.getByRole('button', { name: 'Interrupt' }).click();
      const dialog = page.getByRole('dialog', { name: 'Interrupt the import job' });
      expect(await dialog.textContent()).toContain('no further input is applied');
      await expectAccessible(page, 'interrupt confirm');
      await dialog.getByRole('button', { name: 'Interrupt the job' }).click();
      // a running import takes the trigger between two batches of a hundred inputs
      const slow = { timeout: 30_000 };
      await expect.poll(() => page.locator('[data-field="status"]').textContent(), slow).toBe('interrupted');
      const after = await settle(s.api, 'imports', id);
      expect(after.status).toBe('interrupted');
      expect(after.processed_count).toBeLessThan(10_000);
      await expect.poll(() => page.getByRole('button', { name: 'Interrupt' }).count(), slow).toBe(0);
      expect(page.problems).toEqual([]);
    } finally {
      release();
      await holding;
    }
  });

  it('an export is started with filters, watched, and its file downloaded', async () => {
    const page = await openTab(s);
    await signIn(s, page, s.admin);
    await page.getByRole('link', { name: 'Exports' }).click();
    const form = page.getByRole('form', { name: 'New export' });
    const filters = form.getByLabel('Filters');
    await filters.fill('nope_eq=1');
    await form.getByRole('button', { name: 'Start export' }).click();
    await expect.poll(() => form.locator('.field-error').count(), patient).toBe(1);
    const bad = await s.api.post('/api/exports', {
      data: { type: 'exports', attributes: { resource_type: 'stock_items', filters: { nope_eq: '1' } } },
    });
    expect(await form.locator('.field-error').textContent()).toBe(bad.body.errors[0].detail);
    expect(await filters.getAttribute('aria-invalid')).toBe('true');

    await filters.fill('sku_code_start=NOTHING-');
    await form.getByRole('button', { name: 'Start export' }).click();
    await expect.poll(() => form.getByRole('alert').textContent(), patient).toContain('records_count');

    await filters.fill(`sku_code_start=JOB-\nstock_location_id_eq=${loc}`);
    await form.getByLabel('Fields').fill('sku_code,quantity');
    await form.getByLabel(/Dry data/).check(); // no ids
    await form.getByRole('button', { name: 'Start export' }).click();
    await expect
      .poll(() => form.getByRole('status').textContent(), patient)
      .toMatch(/^Export of 3 stock items started/);
    const link = page.getByRole('link', { name: 'Download stock items (csv, gzip)' });
    await link.waitFor({ timeout: 30_000 });
    await expectAccessible(page, 'exports');
    await expectKeyboardReachable(page, 'exports');
    await screenshot(page, 'exports');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const text = gunzipSync(await readFile((await download.path())!)).toString('utf8');
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('sku_code,quantity');
    expect(lines.slice(1).sort()).toEqual(['JOB-1,12', 'JOB-2,7', 'JOB-3,4']);
    expect(page.problems).toEqual([]);
  });

  it('imports, an import, exports and webhooks show their data within a second of being opened', async () => {
    const [imp] = (await s.api.get('/api/imports?sort=created_at')).body.data;
    const page = await openTab(s);
    await signIn(s, page, s.admin);
    const table = () => page.getByRole('table').first().waitFor();
    const pages: Array<[string, string, () => Promise<void>]> = [
      ['Imports', '#/imports', table],
      ['Import', `#/imports/${imp.id}`, () => page.getByRole('table', { name: 'Refused inputs' }).waitFor()],
      ['Exports', '#/exports', table],
      ['Webhooks', '#/webhooks', () => page.getByRole('status').or(page.getByRole('table')).first().waitFor()],
    ];
    const timings: Record<string, number> = {};
    for (const [name, hash, shown] of pages) {
      const started = Date.now();
      await page.evaluate((h) => {
        (globalThis as any).location.hash = h;
      }, hash);
      await shown();
      timings[name] = Date.now() - started;
    }
    console.info('console job pages, ms until their data shows:', JSON.stringify(timings));
    for (const [name, ms] of Object.entries(timings)) expect(ms, name).toBeLessThan(1000);
    expect(page.problems).toEqual([]);
  });

  it('a read_only application sees imports, their error log and exports, without a form or a trigger', async () => {
    const [imp] = (await s.api.get('/api/imports?sort=created_at')).body.data;
    const page = await openTab(s);
    await signIn(s, page, s.readOnly);
    for (const where of ['imports', `imports/${imp.id}`, 'exports']) {
      await page.goto(`${s.base}/console#/${where}`);
      await page.getByRole('table').first().waitFor();
      expect(await writeButtons(page), where).toEqual([]);
      expect(await page.getByRole('form').count(), where).toBe(0);
      if (where.includes('/'))
        expect(await page.getByRole('table', { name: 'Refused inputs' }).textContent()).toContain('NO-SUCH-SKU');
    }
    expect(page.problems).toEqual([]);
  });
});
