import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  topic: string;
  signature: string;
  contentType: string;
  body: string;
  json: any;
  /** What the receiver answered (set as it answers). */
  answer?: 'ok' | 'fail' | 'hang';
}

export type Behaviour = 'ok' | 'fail' | 'hang' | ((r: Received) => 'ok' | 'fail' | 'hang');

/**
 * A webhook receiver on 127.0.0.1: records every POST (raw body and headers) and answers 204, 500,
 * or never (`hang`), as `behave` says at the time. `url` is where to point a webhook.
 */
export async function startReceiver(behave: Behaviour = 'ok') {
  const received: Received[] = [];
  const state = { behave };
  const waiters: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const r: Received = {
        topic: String(req.headers['x-commercelayer-topic']),
        signature: String(req.headers['x-commercelayer-signature']),
        contentType: String(req.headers['content-type']),
        body,
        json: JSON.parse(body),
      };
      received.push(r);
      for (const w of waiters.splice(0)) w();
      const b = typeof state.behave === 'function' ? state.behave(r) : state.behave;
      r.answer = b;
      if (b === 'ok') res.writeHead(204).end();
      else if (b === 'fail') res.writeHead(500).end('no');
      // hang: never answer
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    received,
    state,
    /** Resolves once `pred` holds of what was received (polling on each arrival), or rejects after `ms`. */
    async until(pred: (r: Received[]) => boolean, ms = 30_000): Promise<Received[]> {
      const end = Date.now() + ms;
      while (!pred(received)) {
        if (Date.now() > end)
          throw new Error(`receiver: condition not met; got ${received.map((r) => r.topic).join(', ')}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
      return received;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
