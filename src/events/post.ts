import { signature } from './sign';

export interface Answer {
  /** 2xx in time. */
  ok: boolean;
  /** The HTTP status as text, or null when there was no answer. */
  code: string | null;
  message: string;
}

export interface Delivery {
  url: string;
  topic: string;
  body: string;
  secret: string;
}

/**
 * One try: POST the body, signed, and judge the answer by its status alone. The status must come
 * within `timeoutMs`; the response body is never read (a huge one costs nothing) and redirects are
 * not followed (a 3xx is a failure), so a receiver can only ever cost its own deliveries time.
 * `stop` aborts the try (shutdown): it then resolves undefined and counts for nothing.
 */
// as loaded: a program that wraps the global fetch later (as the SDK examples do) changes nothing here
const send = globalThis.fetch;

export async function post(d: Delivery, timeoutMs: number, stop: AbortSignal): Promise<Answer | undefined> {
  // One controller of our own, held by its timer: on Node 20 a fetch given
  // AbortSignal.any([AbortSignal.timeout(ms), …]) never aborts once a garbage collection has run
  // (the timeout signal is only weakly held), and a receiver that never answers then holds the try
  // forever.
  if (stop.aborted) return undefined;
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new DOMException('timeout', 'TimeoutError')), timeoutMs);
  const onStop = () => ac.abort(stop.reason);
  stop.addEventListener('abort', onStop, { once: true });
  try {
    const res = await send(d.url, {
      method: 'POST',
      body: d.body,
      redirect: 'manual',
      signal: ac.signal,
      headers: {
        'content-type': 'application/vnd.api+json',
        'user-agent': 'Allot-Webhooks',
        'x-commercelayer-topic': d.topic,
        'x-commercelayer-signature': signature(d.body, d.secret),
      },
    });
    await res.body?.cancel().catch(() => {});
    const ok = res.status >= 200 && res.status < 300;
    return { ok, code: String(res.status), message: res.statusText || (ok ? 'OK' : 'Error') };
  } catch (e) {
    if (stop.aborted) return undefined;
    return { ok: false, code: null, message: why(e, timeoutMs) };
  } finally {
    clearTimeout(timer);
    stop.removeEventListener('abort', onStop);
  }
}

function why(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  return err.cause?.code ?? err.cause?.message ?? err.message ?? 'request failed';
}
