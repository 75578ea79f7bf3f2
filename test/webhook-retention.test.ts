import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneEvents } from '../src/events/retention';
import type { TestApp } from './helpers/app';
import { type Client, doc } from './helpers/http';
import { network, order } from './helpers/orders';
import { type Receiver, startReceiver } from './helpers/receiver';
import { useTestApp } from './helpers/use-app';
import { deliveriesOf, eventually, FAST_WEBHOOKS, webhook } from './helpers/webhooks';

// Retention (docs/webhooks.md#retention): finished deliveries and their event callbacks older than
// WEBHOOK_RETAIN_DAYS go, in bounded batches in the background; what is pending, and each
// webhook's newest delivery (what `_trigger` sends again), stay.
let t: TestApp;
let api: Client;
let rx: Receiver;
useTestApp({ env: { ...FAST_WEBHOOKS, WEBHOOK_RETAIN_DAYS: '300', WEBHOOK_PRUNE_MS: '100' } }, (s) => ({ t, api } = s));
beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(() => rx?.close());

const age = (webhookId: string, days: number) => t.database.sql`
  with d as (update webhook_deliveries set updated_at = now() - ${days} * interval '1 day'
    where webhook_id = ${webhookId} and status <> 'pending' returning id)
  update event_callbacks set created_at = now() - ${days} * interval '1 day' where webhook_id = ${webhookId}`;
const callbacksOf = async (webhookId: string) =>
  (
    await t.database.sql`select delivery_id from event_callbacks where webhook_id = ${webhookId} order by delivery_id`
  ).map((r) => Number(r.delivery_id));
const idsOf = async (webhookId: string) =>
  (await t.database.sql`select id from webhook_deliveries where webhook_id = ${webhookId} order by id`).map((r) =>
    Number(r.id),
  );

describe('webhook retention', () => {
  it('prunes old finished deliveries and callbacks in the background, keeping the newest per webhook', async () => {
    const n = await network(api, { stock: { X: { A: 5 } } });
    const w = await webhook(api, 'orders.create', rx.url);
    const orders = [await order(api, n, {}), await order(api, n, {})];
    orders.push(await order(api, n, {}));
    await eventually(async () => (await deliveriesOf(t, w.id)).every((d) => d.status === 'delivered'));
    await eventually(async () => (await callbacksOf(w.id)).length === 3);
    const before = await idsOf(w.id);
    expect(before).toHaveLength(3);
    await age(w.id, 299); // inside the period: kept
    await new Promise((r) => setTimeout(r, 500));
    expect(await idsOf(w.id)).toEqual(before);
    await age(w.id, 301);
    // the two older go with their callbacks; the newest stays however old, with its callback
    await eventually(async () => (await idsOf(w.id)).length === 1);
    expect(await idsOf(w.id)).toEqual([before[2]]);
    await eventually(async () => (await callbacksOf(w.id)).length === 1);
    expect(await callbacksOf(w.id)).toEqual([before[2]]);
    // `_trigger` still sends that last payload again, byte for byte
    const ev = (await api.get('/api/events?filter[q][name_eq]=orders.create')).body.data[0];
    const sent = rx.received.filter((r) => r.json.data.id === orders[2]);
    expect(sent).toHaveLength(1);
    expect((await api.patch(`/api/events/${ev.id}`, doc('events', { _trigger: true }, {}, ev.id))).status).toBe(200);
    await rx.until((r) => r.filter((x) => x.json.data.id === orders[2]).length === 2);
    expect(rx.received.filter((r) => r.json.data.id === orders[2]).map((r) => r.body)).toEqual([
      sent[0]!.body,
      sent[0]!.body,
    ]);
    await api.delete(`/api/webhooks/${w.id}`);
  });

  it('never prunes a pending delivery, however old, nor a failed one inside the period', async () => {
    const w = await webhook(api, 'orders.cancel', rx.url, { _disable: true });
    // waiting behind a disabled webhook (as behind an open circuit): nobody leases it
    const [p] = await t.database.sql`insert into webhook_deliveries (mode, webhook_id, topic, resource_type,
      resource_id, created_at, updated_at, next_attempt_at) values ('test', ${w.id}, 'orders.cancel', 'orders', 'x',
      now() - interval '400 days', now() - interval '400 days', now() - interval '400 days') returning id`;
    const failed = await t.database.sql`insert into webhook_deliveries (mode, webhook_id, topic, resource_type,
      resource_id, status, updated_at) select 'test', ${w.id}, 'orders.cancel', 'orders', 'y' || g, 'failed',
      now() - interval '10 days' from generate_series(1, 3) g returning id`;
    const r = await pruneEvents(t.database.sql, { days: 30, batch: 2 });
    expect(r.deliveries).toBe(0);
    expect(await idsOf(w.id)).toEqual([Number(p!.id), ...failed.map((f) => Number(f.id))]);
    await api.delete(`/api/webhooks/${w.id}`);
  });

  it('deletes in bounded batches, and stops between two when asked', async () => {
    // 90 days: past the 30 days asked here, inside the app's own 300 (its background pass leaves them)
    const w = await webhook(api, 'orders.approve', rx.url, { _disable: true });
    await t.database.sql`insert into webhook_deliveries (mode, webhook_id, topic, resource_type, resource_id, status,
      updated_at) select 'test', ${w.id}, 'orders.approve', 'orders', 'z' || g, 'delivered',
      now() - interval '90 days' from generate_series(1, 25) g`;
    await t.database.sql`insert into event_callbacks (id, mode, webhook_id, event_id, delivery_id, callback_url,
      created_at) select 'cb' || d.id, 'test', ${w.id}, w.event_id, d.id, ${rx.url}, now() - interval '90 days'
      from webhook_deliveries d join webhooks w on w.id = d.webhook_id where d.webhook_id = ${w.id}`;
    const once = await pruneEvents(t.database.sql, { days: 30, batch: 5 }, () => true);
    expect(once).toEqual({ deliveries: 5, callbacks: 0 });
    let batches = 0;
    const rest = await pruneEvents(t.database.sql, { days: 30, batch: 5 }, () => {
      batches++;
      return false;
    });
    expect(rest).toEqual({ deliveries: 19, callbacks: 24 });
    expect(batches).toBeGreaterThanOrEqual(4 + 5);
    const [last] = await t.database.sql`select max(id) as id from webhook_deliveries where webhook_id = ${w.id}`;
    expect(await idsOf(w.id)).toEqual([Number(last!.id)]);
    expect(await callbacksOf(w.id)).toEqual([Number(last!.id)]);
    expect(await pruneEvents(t.database.sql, { days: 0, batch: 5 })).toEqual({ deliveries: 0, callbacks: 0 });
    await api.delete(`/api/webhooks/${w.id}`);
  });
});
