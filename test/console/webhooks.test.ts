import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doc } from '../helpers/http';
import { network, order } from '../helpers/orders';
import { type Receiver, startReceiver } from '../helpers/receiver';
import { FAST_WEBHOOKS } from '../helpers/webhooks';
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

// Webhooks in the console, in Chromium, against a real receiver on 127.0.0.1 that answers 500:
// its failing deliveries are shown with their response codes, its circuit opens after 30 failures
// in a row (deliveries retried from 1 ms, as the webhook retry tests have them) and is reset in the
// console; a topic's last event is sent again. What each did is checked at the receiver and the API.

const s: ConsoleSetup = useConsole(FAST_WEBHOOKS);
/** API answers under a loaded machine: polls wait up to 15 s (a wrong value still fails). */
const patient = { timeout: 15_000 };
let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver('fail');
});
afterAll(() => rx?.close());

const slow = { timeout: 60_000, interval: 250 };
const webhookOf = async (id: string) => (await s.api.get(`/api/webhooks/${id}`)).body.data.attributes;

describe.skipIf(!hasChromium)('webhooks in the console', () => {
  it('a failing webhook shows its deliveries with response codes; its open circuit is reset, \
its last event sent again, and it is disabled and enabled, each after a confirm step', async () => {
    const n = await network(s.api, { stock: { X: { A: 1 } } });
    const page = await openTab(s);
    await signIn(s, page, s.admin);
    await page.getByRole('link', { name: 'Webhooks' }).click();
    const form = page.getByRole('form', { name: 'New webhook' });
    await form.getByLabel('Name').fill('Failing receiver');
    await form.getByLabel('Topic').selectOption('orders.create');
    const withCredentials = `http://user:pw@127.0.0.1:${rx.port}/hook`;
    await form.getByLabel('Callback URL').fill(withCredentials);
    await form.getByRole('button', { name: 'Create webhook' }).click();
    await expect.poll(() => form.locator('.field-error').textContent(), patient).toMatch(/^callback_url - /);
    const refused = await s.api.post(
      '/api/webhooks',
      doc('webhooks', { topic: 'orders.create', callback_url: withCredentials }),
    );
    expect(await form.locator('.field-error').textContent()).toBe(refused.body.errors[0].detail);
    expect(await form.getByLabel('Callback URL').getAttribute('aria-invalid')).toBe('true');

    await form.getByLabel('Callback URL').fill(rx.url);
    await form.getByRole('button', { name: 'Create webhook' }).click();
    const created = form.getByRole('status');
    await created.waitFor();
    await expectAccessible(page, 'webhooks with a new webhook');
    await screenshot(page, 'webhooks');
    const secret = await created.locator('[data-field="shared_secret"]').textContent();
    await created.getByRole('link', { name: 'Failing receiver' }).click();
    await page.getByRole('heading', { name: 'Webhook Failing receiver', level: 1 }).waitFor();
    const id = page.url().split('#/webhooks/')[1]!;
    expect((await webhookOf(id)).shared_secret).toBe(secret);

    // three orders: ten tries each, every one answered 500, are 30 failures in a row
    const orders = [await order(s.api, n, {}), await order(s.api, n, {}), await order(s.api, n, {})];
    const circuit = page.locator('[data-field="circuit"]');
    await expect.poll(() => circuit.textContent(), slow).toBe('open (30 failures in a row)');
    const deliveries = page.getByRole('table', { name: 'Deliveries, newest first' });
    await expect.poll(() => page.locator('#deliveries-h .count').textContent(), slow).toBe('30');
    const codes = await deliveries.locator('tbody tr td:nth-child(2)').allTextContents();
    expect(codes).toHaveLength(25); // the first page
    expect(new Set(codes)).toEqual(new Set(['500']));
    expect(await deliveries.locator('tbody tr').first().textContent()).toContain(rx.url);
    await expectAccessible(page, 'webhook with an open circuit');
    await expectKeyboardReachable(page, 'webhook');
    await screenshot(page, 'webhook-open');

    // open: a fourth order's event waits; the receiver now answers, and the circuit is reset
    const fourth = await order(s.api, n, {});
    rx.state.behave = 'ok';
    await page.getByRole('button', { name: 'Reset circuit' }).click();
    const reset = page.getByRole('dialog', { name: 'Reset circuit: webhook Failing receiver' });
    expect(await reset.textContent()).toContain('zero its 30 failures in a row');
    expect(await reset.textContent()).toContain(`sent to ${rx.url} again`);
    expect((await webhookOf(id)).circuit_state).toBe('open'); // nothing sent before the confirm
    await expectAccessible(page, 'reset confirm');
    await reset.getByRole('button', { name: 'Reset circuit' }).click();
    await expect.poll(() => circuit.textContent(), slow).toBe('closed');
    await rx.until((r) => r.some((x) => x.json.data.id === fourth && x.answer === 'ok'));
    await expect.poll(() => deliveries.locator('tbody tr td:nth-child(2)').first().textContent(), slow).toBe('204');
    expect(await webhookOf(id)).toMatchObject({ circuit_state: 'closed', circuit_failure_count: 0 });
    expect(orders).not.toContain(fourth);

    // the topic's last event again: the fourth order's payload, the same bytes
    const before = rx.received.length;
    await page.getByRole('button', { name: 'Send the last event again' }).click();
    const again = page.getByRole('dialog', { name: 'Send the last event again: webhook Failing receiver' });
    expect(await again.textContent()).toContain('every enabled webhook listening to orders.create');
    await again.getByRole('button', { name: 'Send the last event again' }).click();
    const got = await rx.until((r) => r.length > before);
    const first = rx.received.find((x) => x.json.data.id === fourth && x.answer === 'ok')!;
    expect(got.at(-1)!.body).toBe(first.body);
    await expect.poll(() => page.locator('#deliveries-h .count').textContent(), slow).toBe('32');

    await page.getByRole('button', { name: 'Disable' }).click();
    const disable = page.getByRole('dialog', { name: 'Disable: webhook Failing receiver' });
    expect(await disable.textContent()).toContain(`Stop sending orders.create events to ${rx.url}`);
    await disable.getByRole('button', { name: 'Disable' }).click();
    await expect.poll(() => page.locator('[data-field="state"]').textContent(), patient).toBe('disabled');
    expect((await webhookOf(id)).disabled_at).toBeTruthy();
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.getByRole('dialog', { name: 'Enable: webhook Failing receiver' }).getByRole('button').first().click();
    await expect.poll(() => page.locator('[data-field="state"]').textContent(), patient).toBe('enabled');
    expect((await webhookOf(id)).disabled_at).toBeNull();
    await screenshot(page, 'webhook');
    expect(page.problems).toEqual([]);
  });

  it('a read_only application sees webhooks and their deliveries without a form or a trigger', async () => {
    const [w] = (await s.api.get('/api/webhooks')).body.data;
    const page = await openTab(s);
    await signIn(s, page, s.readOnly);
    await page.goto(`${s.base}/console#/webhooks`);
    await page.locator(`tr[data-webhook="${w.id}"]`).waitFor();
    expect(await writeButtons(page)).toEqual([]);
    expect(await page.getByRole('form').count()).toBe(0);
    await page.getByRole('link', { name: 'Failing receiver' }).click();
    await page.getByRole('table', { name: 'Deliveries, newest first' }).waitFor();
    expect(await writeButtons(page)).toEqual([]);
    await expectAccessible(page, 'webhook as read_only');
    expect(page.problems).toEqual([]);
  });
});
