import type postgres from 'postgres';
import type { Mode } from '../auth/context';
import type { Database } from '../db/client';
import { newId } from '../lib/ids';
import { type Answer, post } from './post';
import { type RenderOptions, renderPayload } from './render';

/** spec §4: at most 10 tries per event; 30 failures in a row open the webhook's circuit. */
export const MAX_TRIES = 10;
export const CIRCUIT_THRESHOLD = 30;

export interface DelivererOptions extends RenderOptions {
  /** A try fails without a status within this time (spec: 5 s). */
  timeoutMs: number;
  /** Backoff after the n-th failed try: retryMs · 2^(n-1), at most an hour. */
  retryMs: number;
  pollMs: number;
  /** Tries in flight in this process, and per webhook. */
  concurrency: number;
  perWebhook: number;
  log: (msg: string, err?: unknown) => void;
}

interface Claimed {
  id: number;
  mode: Mode;
  webhook_id: string;
  topic: string;
  resource_type: string;
  resource_id: string;
  snapshot: Record<string, unknown> | null;
  market_id: string | null;
  payload: string | null;
  attempts: number;
  callback_url: string;
  shared_secret: string;
  include_resources: string[];
}

/**
 * Sends recorded events (the `webhook_deliveries` outbox) from any number of processes. Each round
 * leases due deliveries with FOR UPDATE SKIP LOCKED — skipping webhooks whose circuit is open or
 * that already have `perWebhook` tries in flight here, and any delivery of a resource while an
 * earlier one of it to the same callback URL is still pending (so a receiver gets each resource's
 * events in commit order, whichever of its webhooks they come through) — then tries each
 * and records the answer as an event callback. A process that dies mid-try leaves a lease that
 * runs out: the delivery is tried again (at least once, never lost).
 */
export function startDeliverer(database: Database, o: DelivererOptions): () => Promise<void> {
  const sql = database.sql;
  const stop = new AbortController();
  const inflight = new Map<string, number>();
  const running = new Set<Promise<void>>();
  const leaseMs = o.timeoutMs + 30_000;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> | undefined;

  const claim = async (free: number): Promise<Claimed[]> => {
    const ids = [...inflight.keys()];
    const rooms = ids.map((id) => o.perWebhook - inflight.get(id)!);
    return sql<Claimed[]>`
      with candidates as (
        select d.id, d.webhook_id from webhook_deliveries d join webhooks w on w.id = d.webhook_id
        where d.status = 'pending' and d.next_attempt_at <= now() and w.disabled_at is null and w.circuit_state = 'closed'
          and not exists (select 1 from webhook_deliveries e join webhooks v on v.id = e.webhook_id
            where e.resource_type = d.resource_type and e.resource_id = d.resource_id and e.status = 'pending' and e.id < d.id
              and v.callback_url = w.callback_url and v.disabled_at is null)
        order by d.next_attempt_at, d.id limit ${free * 4}
      ), due as (
        select c.id, row_number() over (partition by c.webhook_id order by c.id) as n,
          coalesce((select r.room from unnest(${ids}::text[], ${rooms}::int[]) as r(id, room) where r.id = c.webhook_id), ${o.perWebhook}) as room
        from candidates c
      ), picked as (
        select d.id from webhook_deliveries d where d.id in (select id from due where n <= room)
        order by d.id limit ${free} for update of d skip locked
      )
      update webhook_deliveries d set attempts = d.attempts + 1, updated_at = now(),
        next_attempt_at = now() + ${leaseMs} * interval '1 millisecond'
      from picked, webhooks w
      where d.id = picked.id and w.id = d.webhook_id and d.status = 'pending' and d.next_attempt_at <= now()
      returning d.id, d.mode, d.webhook_id, d.topic, d.resource_type, d.resource_id, d.snapshot, d.market_id, d.payload,
        d.attempts, w.callback_url, w.shared_secret, w.include_resources`;
  };

  const record = async (d: Claimed, body: string | null, a: Answer) => {
    const backoffMs = Math.min(o.retryMs * 2 ** (d.attempts - 1), 3_600_000);
    const status = a.ok ? 'delivered' : d.attempts >= MAX_TRIES ? 'failed' : 'pending';
    await sql.begin(async (tx: postgres.TransactionSql) => {
      await tx`insert into event_callbacks (id, mode, webhook_id, event_id, delivery_id, callback_url, payload, response_code, response_message)
        values (${newId()}, ${d.mode}, ${d.webhook_id}, (select id from events where mode = ${d.mode} and name = ${d.topic}),
          ${d.id}, ${d.callback_url}, ${body}::jsonb, ${a.code}, ${a.message})`;
      await tx`update webhook_deliveries set status = ${status}, payload = coalesce(payload, ${body}), updated_at = now(),
          next_attempt_at = now() + ${a.ok ? 0 : backoffMs} * interval '1 millisecond'
        where id = ${d.id}`;
      await tx`update webhooks set
          circuit_failure_count = case when ${a.ok} then 0 else circuit_failure_count + 1 end,
          circuit_state = case when not ${a.ok} and circuit_failure_count + 1 >= ${CIRCUIT_THRESHOLD} then 'open' else circuit_state end
        where id = ${d.webhook_id}`;
    });
  };

  const attempt = async (d: Claimed) => {
    const body = d.payload ?? (await renderPayload(database.db, o, d, d.include_resources));
    const answer: Answer | undefined =
      body === undefined
        ? { ok: false, code: null, message: `${d.resource_type} ${d.resource_id} no longer exists` }
        : await post({ url: d.callback_url, topic: d.topic, body, secret: d.shared_secret }, o.timeoutMs, stop.signal);
    if (answer) await record(d, body ?? null, body === undefined ? { ...answer, ok: false } : answer);
  };

  const run = (d: Claimed) => {
    inflight.set(d.webhook_id, (inflight.get(d.webhook_id) ?? 0) + 1);
    const p = attempt(d)
      .catch((e) => o.log('webhook delivery', e)) // the lease runs out and the delivery is tried again
      .finally(() => {
        const n = inflight.get(d.webhook_id)! - 1;
        if (n) inflight.set(d.webhook_id, n);
        else inflight.delete(d.webhook_id);
        running.delete(p);
        schedule(0); // a slot is free: the next due delivery need not wait a poll
      });
    running.add(p);
  };

  const tick = async () => {
    const free = o.concurrency - running.size;
    if (free <= 0 || stop.signal.aborted) return;
    for (const d of await claim(free)) run(d);
  };

  function schedule(ms: number) {
    if (stop.signal.aborted || round) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      round = tick()
        .catch((e) => o.log('webhook deliveries', e))
        .finally(() => {
          round = undefined;
          schedule(o.pollMs);
        });
    }, ms);
    timer.unref();
  }
  schedule(0);

  return async () => {
    stop.abort();
    clearTimeout(timer);
    await round;
    await Promise.all(running);
  };
}
