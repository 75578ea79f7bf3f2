import { expect } from 'vitest';
import type { TestApp } from './app';
import { type Client, doc } from './http';

/** Small, fast delivery settings for tests: 300 ms to answer, retries from 1 ms doubling, a look every 20 ms. */
export const FAST_WEBHOOKS = {
  WEBHOOK_TIMEOUT_MS: '300',
  WEBHOOK_RETRY_MS: '1',
  WEBHOOK_POLL_MS: '20',
  PUBLIC_URL: 'https://local.allot.localhost',
};

/** A webhook through the API; returns its record (id, shared_secret…). */
export async function webhook(api: Client, topic: string, url: string, attrs: Record<string, unknown> = {}) {
  const res = await api.post('/api/webhooks', doc('webhooks', { topic, callback_url: url, ...attrs }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.data.id as string, ...res.body.data.attributes } as { id: string; shared_secret: string };
}

/** The deliveries recorded for a webhook, oldest first. */
export async function deliveriesOf(t: TestApp, webhookId: string) {
  return t.database.sql<Array<{ topic: string; status: string; attempts: number; resource_id: string }>>`
    select topic, status, attempts, resource_id from webhook_deliveries where webhook_id = ${webhookId} order by id`;
}

/** Polls `f` until it returns something truthy, or fails after `ms`. */
export async function eventually<T>(f: () => Promise<T>, ms = 30_000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error('eventually: condition not met');
    await new Promise((r) => setTimeout(r, 25));
  }
}
