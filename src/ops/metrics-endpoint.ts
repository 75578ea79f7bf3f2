import cluster from 'node:cluster';
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { FastifyInstance } from 'fastify';
import client from 'prom-client';
import { collectProcessMetrics, registry } from './metrics';

/** Where a scrape's text comes from: this process, or (under WORKERS > 1) every worker summed by the primary. */
export type MetricsSource = () => Promise<string>;

export const CONTENT_TYPE = registry.contentType;
export const localMetrics: MetricsSource = () => registry.metrics();

/** `/metrics` on the public port, for `Authorization: Bearer {METRICS_TOKEN}` only. */
export function registerMetricsRoute(app: FastifyInstance, token: string, source: MetricsSource): void {
  collectProcessMetrics();
  const expected = Buffer.from(`Bearer ${token}`);
  app.get('/metrics', async (request, reply) => {
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return reply.status(401).type('text/plain').send('a bearer token (METRICS_TOKEN) is required\n');
    return reply.type(CONTENT_TYPE).send(await source());
  });
}

/** `/metrics` alone on its own port (METRICS_PORT). */
export async function serveMetrics(port: number, host: string, source: MetricsSource): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    source().then(
      (text) => res.writeHead(200, { 'content-type': CONTENT_TYPE }).end(text),
      (e: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${e.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  return server;
}

const ASK = 'allot:metrics?';
const ANSWER = 'allot:metrics';

/** Primary: the workers' metrics summed (histograms and counters add up; gauges too, per prom-client's aggregators). */
export function clusterSource(): MetricsSource {
  const aggregator = new client.AggregatorRegistry();
  cluster.on('message', (worker, msg: { type?: string; id?: number }) => {
    if (msg?.type !== ASK) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: ANSWER, id: msg.id, text }),
      (e: Error) => worker.send({ type: ANSWER, id: msg.id, error: e.message }),
    );
  });
  return () => aggregator.clusterMetrics();
}

/** Worker: answer the primary's aggregation requests, and ask it for the whole when scraped through us. */
export function workerSource(): MetricsSource {
  new client.AggregatorRegistry(); // installs prom-client's answering side in this worker
  let next = 0;
  const waiting = new Map<number, { resolve(t: string): void; reject(e: Error): void }>();
  process.on('message', (msg: { type?: string; id: number; text?: string; error?: string }) => {
    if (msg?.type !== ANSWER) return;
    const w = waiting.get(msg.id);
    waiting.delete(msg.id);
    if (msg.error !== undefined) w?.reject(new Error(msg.error));
    else w?.resolve(msg.text ?? '');
  });
  return () =>
    new Promise((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve, reject });
      process.send!({ type: ASK, id });
    });
}
