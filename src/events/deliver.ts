import type { Mode } from '../auth/context';
import type { Database } from '../db/client';
import { type Answer, post } from './post';
import { recorder } from './record';
import { type RenderOptions, renderPayload } from './render';

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
 * leases due deliveries with FOR UPDATE SKIP LOCKED, a batch ahead of the free slots — skipping
 * webhooks whose circuit is open or that already hold twice `perWebhook` leases here, and any
 * delivery of a resource while an
 * earlier one of it to the same callback URL is still pending (so a receiver gets each resource's
 * events in commit order, whichever of its webhooks they come through) — then tries each
 * and records the answer as an event callback. A process that dies mid-try leaves a lease that
 * runs out: the delivery is tried again (at least once, never lost).
 */
export function startDeliverer(database: Database, o: DelivererOptions): () => Promise<void> {
  const sql = database.sql;
  const stop = new AbortController();
  /** Per webhook: tries leased here (running or waiting in `queue`), and tries running. */
  const held = new Map<string, number>();
  const inflight = new Map<string, number>();
  const running = new Set<Promise<void>>();
  /** Leased, waiting for a slot: leases are taken a batch ahead, so a freed slot costs no round trip. */
  let queue: Claimed[] = [];
  const bump = (m: Map<string, number>, k: string, by: number) => {
    const n = (m.get(k) ?? 0) + by;
    if (n) m.set(k, n);
    else m.delete(k);
  };
  const leaseMs = o.timeoutMs + 30_000;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> | undefined;

  const claim = async (free: number): Promise<Claimed[]> => {
    const ids = [...held.keys()];
    const rooms = ids.map((id) => 2 * o.perWebhook - held.get(id)!);
    return sql<Claimed[]>`
      with candidates as (
        select d.id, d.webhook_id from webhook_deliveries d join webhooks w on w.id = d.webhook_id
        where d.status = 'pending' and d.next_attempt_at <= now() and w.disabled_at is null and
          w.circuit_state = 'closed'
          and not exists (select 1 from webhook_deliveries e join webhooks v on v.id = e.webhook_id
            where e.resource_type = d.resource_type and e.resource_id = d.resource_id and e.status = 'pending'
              and e.id < d.id
              and v.callback_url = w.callback_url and v.disabled_at is null)
        order by d.next_attempt_at, d.id limit ${free * 4}
      ), due as (
        select c.id, row_number() over (partition by c.webhook_id order by c.id) as n,
          coalesce((select r.room from unnest(${ids}::text[], ${rooms}::int[]) as r(id, room) where r.id =
            c.webhook_id), ${2 * o.perWebhook}) as room
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

  const record = recorder(sql, o.retryMs);

  const attempt = async (d: Claimed) => {
    const body = d.payload ?? (await renderPayload(database.db, o, d, d.include_resources));
    const answer: Answer | undefined =
      body === undefined
        ? { ok: false, code: null, message: `${d.resource_type} ${d.resource_id} no longer exists` }
        : await post({ url: d.callback_url, topic: d.topic, body, secret: d.shared_secret }, o.timeoutMs, stop.signal);
    if (answer) await record(d, body ?? null, body === undefined ? { ...answer, ok: false } : answer);
  };

  const run = (d: Claimed) => {
    bump(inflight, d.webhook_id, 1);
    const p = attempt(d)
      .catch((e) => o.log('webhook delivery', e)) // the lease runs out and the delivery is tried again
      .finally(() => {
        bump(inflight, d.webhook_id, -1);
        bump(held, d.webhook_id, -1);
        running.delete(p);
        pump();
        if (queue.length < o.concurrency) schedule(0); // running low: lease more now, not a poll later
      });
    running.add(p);
  };

  /** Start waiting tries while there are slots, at most `perWebhook` per webhook at once. */
  const pump = () => {
    if (stop.signal.aborted) return;
    const waiting: Claimed[] = [];
    for (const d of queue) {
      if (running.size < o.concurrency && (inflight.get(d.webhook_id) ?? 0) < o.perWebhook) run(d);
      else waiting.push(d);
    }
    queue = waiting;
  };

  /** Leases what it can, up to a batch ahead of the slots; true when it got all it asked for (more may be due). */
  const tick = async (): Promise<boolean> => {
    const free = 2 * o.concurrency - running.size - queue.length;
    if (free <= 0 || stop.signal.aborted) return false;
    const due = await claim(free);
    for (const d of due) bump(held, d.webhook_id, 1);
    queue.push(...due);
    pump();
    return due.length === free;
  };

  /** A round now or in `ms`; a slot freed during a round asks for the next one at once, not a poll later. */
  let again = false;
  function schedule(ms: number) {
    if (stop.signal.aborted) return;
    if (round) {
      if (ms === 0) again = true;
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(() => {
      again = false;
      round = tick()
        .catch((e) => {
          o.log('webhook deliveries', e);
          return false;
        })
        .then((full) => {
          round = undefined;
          schedule(full || again ? 0 : o.pollMs);
        });
    }, ms);
    timer.unref();
  }
  schedule(0);

  return async () => {
    stop.abort();
    clearTimeout(timer);
    await round;
    // leased but never tried: give the try back, due now for whichever process is left
    const untried = queue.map((d) => d.id);
    queue = [];
    if (untried.length)
      await sql`update webhook_deliveries set attempts = attempts - 1, next_attempt_at = now()
        where id = any(${untried}::bigint[]) and status = 'pending'`.catch((e) => o.log('webhook deliveries', e));
    await Promise.all(running);
  };
}
