import type postgres from 'postgres';
import { newId } from '../lib/ids';
import type { Answer } from './post';

/** docs/webhooks.md: at most 10 tries per event; 30 failures in a row open the webhook's circuit. */
export const MAX_TRIES = 10;
export const CIRCUIT_THRESHOLD = 30;

export interface Try {
  id: number;
  mode: string;
  webhook_id: string;
  topic: string;
  callback_url: string;
  /** This try's number (1 for the first). */
  attempts: number;
}

interface Outcome {
  d: Try;
  body: string | null;
  a: Answer;
  done: (e?: unknown) => void;
}

/**
 * Records tries as they end: the event callback, the delivery's next state (delivered, retried
 * after retryMs · 2^(n-1) capped at an hour, or failed after the 10th) and the webhook's circuit,
 * in one statement — one commit for every try that ended while the previous one was written, so
 * a busy webhook costs a commit per batch, not per try. A webhook's row is written only when its
 * count changes, so successes do not queue on it.
 */
export function recorder(
  sql: postgres.Sql,
  retryMs: number,
): (d: Try, body: string | null, a: Answer) => Promise<void> {
  let queue: Outcome[] = [];
  let writing = false;

  const write = async (batch: Outcome[]) => {
    // per webhook, in the order the tries ended: a success resets the count, failures after it add up
    const circuits = new Map<string, { reset: boolean; add: number }>();
    for (const { d, a } of batch) {
      const c = circuits.get(d.webhook_id) ?? { reset: false, add: 0 };
      if (a.ok) circuits.set(d.webhook_id, { reset: true, add: 0 });
      else circuits.set(d.webhook_id, { reset: c.reset, add: c.add + 1 });
    }
    const col = <T>(f: (o: Outcome) => T) => batch.map(f);
    const cs = [...circuits];
    // the webhooks first, as a delete takes them before their deliveries (no deadlock with one)
    await sql.begin(async (sql) => {
      await sql`select 1 from webhooks where id = any(${cs.map(([id]) => id)}::text[]) order by id for key share`;
      await sql`
      with r as (
        select * from unnest(${col((o) => o.d.id)}::bigint[], ${col(() => newId())}::text[],
          ${col((o) => o.d.mode)}::text[],
          ${col((o) => o.d.webhook_id)}::text[], ${col((o) => o.d.topic)}::text[],
            ${col((o) => o.d.callback_url)}::text[],
          ${col((o) => o.body)}::text[], ${col((o) => o.a.code)}::text[], ${col((o) => o.a.message)}::text[],
          ${col((o) => (o.a.ok ? 'delivered' : o.d.attempts >= MAX_TRIES ? 'failed' : 'pending'))}::text[],
          ${col((o) => (o.a.ok ? 0 : Math.min(retryMs * 2 ** (o.d.attempts - 1), 3_600_000)))}::int[])
          as r(delivery_id, callback_id, mode, webhook_id, topic, url, body, code, message, status, delay)
      ), callback as (
        insert into event_callbacks (id, mode, webhook_id, event_id, delivery_id, callback_url, payload,
          response_code, response_message)
        select r.callback_id, r.mode, r.webhook_id, (select e.id from events e where e.mode = r.mode and
          e.name = r.topic),
          r.delivery_id, r.url, r.body::jsonb, r.code, r.message from r
      ), delivery as (
        update webhook_deliveries d set status = r.status, payload = coalesce(d.payload, r.body), updated_at = now(),
          next_attempt_at = now() + r.delay * interval '1 millisecond'
        from r where d.id = r.delivery_id
      )
      update webhooks w set circuit_failure_count = c.n,
        circuit_state = case when c.n >= ${CIRCUIT_THRESHOLD} then 'open' else w.circuit_state end
      from (select c.id, case when c.reset = 't' then c.add else w.circuit_failure_count + c.add end as n
            from unnest(${cs.map(([id]) => id)}::text[], ${cs.map(([, c]) => (c.reset ? 't' : 'f'))}::text[],
              ${cs.map(([, c]) => c.add)}::int[])
              as c(id, reset, add) join webhooks w on w.id = c.id) c
      where w.id = c.id and w.circuit_failure_count <> c.n`;
    });
  };

  /**
   * One try's record alone, again if it deadlocked (both sides take webhooks before deliveries, so
   * only a writer outside that order can). A webhook deleted meanwhile took its deliveries with it:
   * there is nothing left to record.
   */
  const writeAlone = async (o: Outcome) => {
    for (let tries = 1; ; tries++) {
      try {
        return await write([o]);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === '23503') return; // foreign_key_violation: the webhook is gone
        if (code !== '40P01' || tries === 3) throw e; // deadlock_detected: once more
      }
    }
  };

  const flush = async () => {
    writing = true;
    while (queue.length) {
      const batch = queue;
      queue = [];
      try {
        await write(batch);
        for (const o of batch) o.done();
      } catch {
        // one try's trouble must not hold back the others' records (their leases would run out first)
        for (const o of batch) await writeAlone(o).then(() => o.done(), o.done);
      }
    }
    writing = false;
  };

  return (d, body, a) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ d, body, a, done: (e) => (e ? reject(e) : resolve()) });
      if (!writing) void flush();
    });
}
