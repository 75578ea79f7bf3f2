import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { client } from './helpers/http';
import { network, order } from './helpers/orders';
import { type Receiver, startReceiver } from './helpers/receiver';
import { login, sdk, useSdkApp } from './helpers/sdk';
import { eventually } from './helpers/webhooks';

// Webhooks, events, event callbacks and in-stock subscriptions through the official SDK's typed
// resources, as an integration would manage them (test/helpers/sdk.ts).
let t: TestApp;
let cl: ReturnType<typeof sdk>;
let rx: Receiver;
useSdkApp((s) => ({ t } = s));
beforeAll(async () => {
  cl = sdk(await login(await t.application({ name: 'sdk webhooks admin' })));
  rx = await startReceiver();
});
afterAll(() => rx?.close());

describe('the SDK on webhooks', () => {
  it('creates, toggles and resets a webhook; lists events with their webhooks; \
reads callbacks; triggers an event', async () => {
    const api = client(t.app, t.tokens.admin);
    const n = await network(api, { stock: { X: { A: 1 } } });
    const w = await cl.webhooks.create({ topic: 'orders.create', callback_url: rx.url, include_resources: ['market'] });
    expect(w).toMatchObject({ topic: 'orders.create', circuit_state: 'closed', circuit_failure_count: 0 });
    expect(w.shared_secret).toHaveLength(43);
    expect((await cl.webhooks._disable(w.id)).disabled_at).toEqual(expect.any(String));
    expect((await cl.webhooks._enable(w.id)).disabled_at).toBeNull();
    expect((await cl.webhooks._reset_circuit(w.id)).circuit_state).toBe('closed');
    const [event] = await cl.events.list({ filters: { name_eq: 'orders.create' }, include: ['webhooks'] });
    expect(event!.webhooks!.map((x) => x.id)).toEqual([w.id]);

    const id = await order(api, n, {});
    await rx.until((r) => r.some((x) => x.json.data.id === id));
    const callbacks = await eventually(async () => {
      const list = await cl.event_callbacks.list({ filters: { webhook_id_eq: w.id } });
      return list.length ? list : undefined;
    });
    expect(callbacks[0]).toMatchObject({ callback_url: rx.url, response_code: '204' });
    expect([...(await cl.webhooks.last_event_callbacks(w.id))].map((c) => c.id)).toEqual([callbacks[0]!.id]);

    await cl.events._trigger(event!.id);
    await rx.until((r) => r.filter((x) => x.json.data.id === id).length === 2);
    await cl.webhooks.delete(w.id);
  });

  it('subscribes a customer to a SKU in a market, and deactivates the subscription', async () => {
    const n = await network(client(t.app, t.tokens.admin), { stock: { X: { A: 0 } } });
    const sub = await cl.in_stock_subscriptions.create({
      customer_email: 'ada@example.test',
      stock_threshold: 2,
      market: cl.markets.relationship(n.market),
      sku: cl.skus.relationship(n.sku.X!),
    } as Parameters<typeof cl.in_stock_subscriptions.create>[0]); // no customers in Allot: the email stands in
    expect(sub).toMatchObject({ status: 'active', stock_threshold: 2, sku_code: n.code('X') });
    expect((await cl.in_stock_subscriptions._deactivate(sub.id)).status).toBe('inactive');
    expect((await cl.in_stock_subscriptions._activate(sub.id)).status).toBe('active');
  });
});
