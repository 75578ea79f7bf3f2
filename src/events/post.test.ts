import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post } from './post';

// A receiver that takes the request and never answers.
let server: http.Server;
let url: string;
beforeAll(async () => {
  server = http.createServer(() => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const delivery = () => ({ url, topic: 'orders.create', body: '{}', secret: 's' });

describe('post', () => {
  it('gives up on a receiver that never answers, even when a garbage collection runs meanwhile', async () => {
    const started = Date.now();
    const answer = post(delivery(), 300, new AbortController().signal);
    for (const ms of [20, 100, 200]) setTimeout(gc, ms);
    // the timeout must win the race against a bound far beyond it
    const bound = new Promise((r) => setTimeout(() => r('still waiting after 3 s'), 3_000));
    expect(await Promise.race([answer, bound])).toEqual({
      ok: false,
      code: null,
      message: 'no answer within 300 ms',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('counts a try stopped by shutdown for nothing', async () => {
    const stop = new AbortController();
    const answer = post(delivery(), 5_000, stop.signal);
    setTimeout(() => stop.abort(), 50);
    expect(await answer).toBeUndefined();
    stop.abort();
    expect(await post(delivery(), 5_000, stop.signal)).toBeUndefined();
  });
});
