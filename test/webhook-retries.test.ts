import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recorder } from '../src/events/record';
import type { TestApp } from './helpers/app';
import { type Client, doc } from './helpers/http';
import { network, order, trigger } from './helpers/orders';
import { type Receiver, startReceiver } from './helpers/receiver';
import { useTestApp } from './helpers/use-app';
import { deliveriesOf, eventually, FAST_WEBHOOKS, webhook } from './helpers/webhooks';

// Retries, the circuit breaker and per-resource order, with a real receiver on 127.0.0.1 and
// delivery settings made small (300 ms to answer, retries from 1 ms) (docs/webhooks.md#retries-and-the-circuit).
let t: TestApp;
let api: Client;
let rx: Receiver;
useTestApp({ env: FAST_WEBHOOKS }, (s) => ({ t, api } = s));
beforeAll(async () => {
  rx = await startReceiver('fail');
});
afterAll(() => rx?.close());

const callbacks = async (webhookId: string) =>
  (await t.database
    .sql`select response_code, response_message from event_callbacks where webhook_id = ${webhookId} order by
      created_at, id`) as unknown as Array<{
    response_code: string | null;
    response_message: string;
  }>;
const webhookRow = async (id: string) => (await api.get(`/api/webhooks/${id}`)).body.data.attributes;
const newOrder = async (n: Awaited<ReturnType<typeof network>>) => order(api, n, {});

describe('a receiver that keeps failing', () => {
  it('gets 10 tries per event, then 30 failures in a row open the circuit until _reset_circuit', async () => {
    const n = await network(api, { stock: { X: { A: 1 } } });
    const w = await webhook(api, 'orders.create', rx.url);
    const first = await newOrder(n);
    await eventually(async () => (await deliveriesOf(t, w.id))[0]?.status === 'failed');
    expect(await deliveriesOf(t, w.id)).toEqual([
      { topic: 'orders.create', status: 'failed', attempts: 10, resource_id: first },
    ]);
    const cbs = await callbacks(w.id);
    expect(cbs).toHaveLength(10);
    expect(cbs.every((c) => c.response_code === '500')).toBe(true);
    expect(await webhookRow(w.id)).toMatchObject({ circuit_state: 'closed', circuit_failure_count: 10 });
    await newOrder(n);
    await newOrder(n);
    await eventually(async () => (await webhookRow(w.id)).circuit_state === 'open');
    expect((await webhookRow(w.id)).circuit_failure_count).toBe(30);
    // open: a new event is recorded but not sent
    const fourth = await newOrder(n);
    await new Promise((r) => setTimeout(r, 300));
    const waiting = (await deliveriesOf(t, w.id)).find((d) => d.resource_id === fourth);
    expect(waiting).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await callbacks(w.id)).length).toBe(30);
    rx.state.behave = 'ok';
    expect((await trigger(api, 'webhooks', w.id, '_reset_circuit')).status).toBe(200);
    await rx.until((r) => r.some((x) => x.json.data.id === fourth));
    await eventually(
      async () => (await deliveriesOf(t, w.id)).find((d) => d.resource_id === fourth)?.status === 'delivered',
    );
    expect(await webhookRow(w.id)).toMatchObject({ circuit_state: 'closed', circuit_failure_count: 0 });
    rx.state.behave = 'fail';
    await api.delete(`/api/webhooks/${w.id}`);
  });

  it('records a receiver that does not answer in time, and one that refuses connections, as failed tries', async () => {
    const n = await network(api, { stock: { X: { A: 1 } } });
    const slow = await startReceiver('hang');
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r)); // nothing listens there any more
    const hang = await webhook(api, 'orders.create', slow.url);
    const refused = await webhook(api, 'orders.create', `http://127.0.0.1:${port}/hook`);
    const started = Date.now();
    await newOrder(n);
    const [h] = await eventually(async () => {
      const c = await callbacks(hang.id);
      return c.length ? c : undefined;
    });
    expect(h).toEqual({ response_code: null, response_message: 'no answer within 300 ms' });
    expect(Date.now() - started).toBeLessThan(5_000);
    const [r] = await eventually(async () => {
      const c = await callbacks(refused.id);
      return c.length ? c : undefined;
    });
    expect(r).toEqual({ response_code: null, response_message: 'ECONNREFUSED' });
    await api.delete(`/api/webhooks/${hang.id}`);
    await api.delete(`/api/webhooks/${refused.id}`);
    await slow.close();
  });
});

describe('order, repeats and switches', () => {
  it("delivers each resource's events to a URL in commit order, however the tries fail", async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const flaky = await startReceiver();
    const tried = new Set<string>();
    // the first try of each event gets no answer (300 ms), the next succeeds: meanwhile later events are committed
    flaky.state.behave = (r) => {
      const key = `${r.topic} ${r.json.data.id}`;
      if (tried.has(key)) return 'ok';
      tried.add(key);
      return 'hang';
    };
    const topics = ['orders.create', 'orders.place', 'orders.approve', 'orders.cancel'];
    const hooks: Array<{ id: string }> = [];
    for (const topic of topics) hooks.push(await webhook(api, topic, flaky.url));
    const ids = await Promise.all(
      [1, 2, 3].map(async () => {
        const id = await order(api, n, { X: 1 });
        for (const name of ['_place', '_approve', '_cancel'])
          expect((await trigger(api, 'orders', id, name)).status).toBe(200);
        return id;
      }),
    );
    await eventually(async () => {
      const [{ left }] = await t.database.sql`select count(*)::int as left from webhook_deliveries
        where webhook_id = any(${hooks.map((h) => h.id)}) and status = 'pending'`;
      return left === 0;
    });
    for (const id of ids) {
      const tries = flaky.received.filter((r) => r.json.data.id === id);
      // no try of an event before every earlier event of the order was answered 2xx
      tries.forEach((r, k) => {
        const before = tries
          .slice(0, k)
          .filter((x) => x.answer === 'ok')
          .map((x) => x.topic);
        expect(before, `${r.topic} tried too early`).toEqual(topics.slice(0, topics.indexOf(r.topic)));
      });
      expect(tries.filter((r) => r.answer === 'ok').map((r) => r.topic)).toEqual(topics);
    }
    for (const h of hooks) await api.delete(`/api/webhooks/${h.id}`);
    await flaky.close();
  });

  it('records nothing for a disabled webhook and nothing for a repeated trigger; \
_trigger sends the last payload again', async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const ok = await startReceiver();
    const w = await webhook(api, 'orders.place', ok.url, { _disable: true });
    expect(w).toMatchObject({ disabled_at: expect.any(String) });
    const quiet = await order(api, n, { X: 1 });
    await trigger(api, 'orders', quiet, '_place');
    expect(await deliveriesOf(t, w.id)).toEqual([]);
    await trigger(api, 'webhooks', w.id, '_enable');
    const id = await order(api, n, { X: 1 });
    await trigger(api, 'orders', id, '_place');
    await trigger(api, 'orders', id, '_place'); // a repeat changes nothing and fires nothing
    await ok.until((r) => r.length === 1);
    const ev = (await api.get('/api/events?filter[q][name_eq]=orders.place')).body.data[0];
    expect((await api.patch(`/api/events/${ev.id}`, doc('events', { _trigger: true }, {}, ev.id))).status).toBe(200);
    const [a, b] = await ok.until((r) => r.length === 2);
    expect(b!.body).toBe(a!.body);
    expect(b!.signature).toBe(a!.signature);
    expect((await deliveriesOf(t, w.id)).map((d) => d.resource_id)).toEqual([id, id]);
    await api.delete(`/api/webhooks/${w.id}`);
    await ok.close();
  });

  it("records a try whose webhook was deleted meanwhile as nothing, without losing the others' records", async () => {
    const ok = await webhook(api, 'orders.create', rx.url);
    const gone = await webhook(api, 'orders.create', rx.url);
    const delivery = async (webhookId: string) => {
      const [d] = await t.database
        .sql`insert into webhook_deliveries (mode, webhook_id, topic, resource_type, resource_id, next_attempt_at)
        values ('test', ${webhookId}, 'orders.create', 'orders', 'nope', now() + interval '1 hour') returning id`;
      return {
        id: Number(d!.id),
        mode: 'test',
        webhook_id: webhookId,
        topic: 'orders.create',
        callback_url: rx.url,
        attempts: 1,
      };
    };
    const [first, lost, second] = [await delivery(ok.id), await delivery(gone.id), await delivery(ok.id)];
    await api.delete(`/api/webhooks/${gone.id}`);
    const record = recorder(t.database.sql, 1);
    const answer = { ok: true, code: '204', message: 'No Content' };
    // the last two are written together, while the first is being written
    await Promise.all([record(first, '{}', answer), record(lost, '{}', answer), record(second, '{}', answer)]);
    const rows = await t.database
      .sql`select delivery_id from event_callbacks where webhook_id = ${ok.id} order by delivery_id`;
    expect(rows.map((r) => Number(r.delivery_id))).toEqual([first.id, second.id]);
    await api.delete(`/api/webhooks/${ok.id}`);
  });
});
