import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertApplication } from '../src/auth/applications';
import { connect, type Database } from '../src/db/client';
import { freePort } from '../src/db/embedded';
import { createTestDatabase } from './helpers/app';
import { scrape } from './helpers/prometheus';
import { exited, spawnServer } from './helpers/server';

/**
 * WORKERS=2: two server processes on one port under one primary, as `npm start` runs them. Each
 * answers; the metrics port sums them; a killed one is replaced; SIGTERM lets every worker finish
 * what it has in flight. Which process answered is read from the access log (its `pid`).
 */
let db: { url: string; drop(): Promise<void> };
let database: Database;
let server: ChildProcess;
let out = '';
let port: number;
let metricsPort: number;
let token: string;
let appId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  database = connect(db.url, 2);
  const app = await upsertApplication(database.db, {
    name: 'workers',
    kind: 'integration',
    role: 'admin',
    mode: 'test',
    client_id: 'workers-test-client',
    client_secret: 'workers-test-secret-0123456789',
  });
  appId = app.application.id;
  [port, metricsPort] = [await freePort(), await freePort()];
  const s = spawnServer({
    DATABASE_URL: db.url,
    PORT: String(port),
    METRICS_PORT: String(metricsPort),
    WORKERS: '2',
    DB_POOL_SIZE: '16',
    RATE_LIMITS: 'off',
    LOG_LEVEL: 'info',
  });
  server = s.proc;
  server.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  server.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  await s.ready;
  const res = await request('POST', '/oauth/token', {
    grant_type: 'client_credentials',
    client_id: 'workers-test-client',
    client_secret: 'workers-test-secret-0123456789',
  });
  token = JSON.parse(res.body).access_token;
}, 60_000);
afterAll(async () => {
  if (server?.exitCode === null) {
    server.kill('SIGTERM');
    await exited(server);
  }
  await database?.close();
  await db?.drop();
});

/** One request on a connection of its own (node:cluster hands out connections, not requests). */
function request(method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        headers: {
          accept: 'application/vnd.api+json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload
            ? { 'content-type': path.startsWith('/oauth') ? 'application/json' : 'application/vnd.api+json' }
            : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

interface Line {
  pid: number;
  reqId: string;
  method: string;
  route: string;
  status: number;
  ms: number;
  app?: string;
}
const accessLines = (filter: (l: Line) => boolean): Line[] =>
  out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line)
    .filter((l) => l.route !== undefined && filter(l));

/** The primary's live worker processes. */
const workers = () =>
  readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
        const child = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === server.pid;
        // tsx may run an esbuild service beside the workers
        return child && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('server.ts');
      } catch {
        return false;
      }
    })
    .map(Number);

describe('WORKERS=2', () => {
  it('runs two processes on one port, each answering, with one access-log line per request', async () => {
    expect(workers()).toHaveLength(2);
    // each worker runs with the node flags npm start gives the primary (a larger young generation)
    for (const pid of workers())
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toContain('--max-semi-space-size=64');
    for (let i = 0; i < 20; i++) expect((await request('GET', '/api/inventory_models')).status).toBe(200);
    // the log is written in batches, at least once a second
    await expect
      .poll(() => accessLines((l) => l.route === '/api/inventory_models').length, { timeout: 5_000 })
      .toBe(20);
    const lines = accessLines((l) => l.route === '/api/inventory_models');
    expect(new Set(lines.map((l) => l.pid))).toEqual(new Set(workers()));
    for (const l of lines) {
      expect(l).toMatchObject({ method: 'GET', status: 200, app: appId });
      expect(l.ms).toBeGreaterThan(0);
      expect(l.reqId).toMatch(/^[0-9a-f]{8}-[0-9a-z]+$/);
    }
    expect(new Set(lines.map((l) => l.reqId)).size).toBe(20);
    expect(out).not.toContain('incoming request'); // Fastify's own pair of lines is gone
  });

  it('serves /metrics on METRICS_PORT, summed over the workers', async () => {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    const m = scrape(await res.text());
    expect(m.value('allot_http_requests_total', { route: '/api/inventory_models', status: '200' })).toBe(20);
    expect((await request('GET', '/metrics')).status).toBe(404); // not on the public port
  });

  it('replaces a worker that dies', async () => {
    const [victim, survivor] = workers();
    process.kill(victim!, 'SIGKILL');
    await expect.poll(() => workers().length === 2 && !workers().includes(victim!), { timeout: 15_000 }).toBe(true);
    expect(workers()).toContain(survivor);
    await expect
      .poll(() => out, { timeout: 5_000 })
      .toMatch(new RegExp(`worker ${victim} exited \\(SIGKILL\\); starting another`));
    // once it has started, a new worker takes its share of the connections (whichever new one: a
    // worker that fails while starting is replaced in turn)
    const fresh = (l: Line) => l.pid !== survivor && l.pid !== victim;
    await expect
      .poll(
        async () => {
          expect((await request('GET', '/api/inventory_models')).status).toBe(200);
          return accessLines(fresh).length;
        },
        // under a loaded machine the new worker may take a while to start listening
        { timeout: 45_000, interval: 250 },
      )
      .toBeGreaterThan(0)
      .catch((e: Error) => {
        // what the instance said meanwhile (start-up lines, exits), for whoever reads the failure
        throw new Error(`${e.message}\n--- the server's last output ---\n${out.slice(-4_000)}`);
      });
  }, 90_000);

  it('on SIGTERM, every worker finishes the requests it has in flight, then all exit', async () => {
    const created = await request('POST', '/api/inventory_models', {
      data: { type: 'inventory_models', attributes: { name: 'held' } },
    });
    const id = JSON.parse(created.body).data.id;
    const lock = connect(db.url, 2); // one holds the lock, one watches
    let release!: () => void;
    const locked = new Promise<void>((resolve) => {
      void lock.sql.begin(async (tx) => {
        await tx`select id from inventory_models where id = ${id} for update`;
        resolve();
        await new Promise<void>((r) => (release = r));
      });
    });
    await locked;
    // six updates wait on the row lock, on six connections handed round-robin to the workers
    const pending = Array.from({ length: 6 }, (_, i) =>
      request('PATCH', `/api/inventory_models/${id}`, {
        data: { type: 'inventory_models', id, attributes: { name: `held ${i}` } },
      }),
    );
    await expect
      .poll(
        async () =>
          (
            await lock.sql`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and
              datname = current_database()`
          )[0]!.n,
        { timeout: 10_000 },
      )
      .toBe(6);
    server.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    expect(server.exitCode).toBe(null); // still draining
    release();
    expect((await Promise.all(pending)).map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(await exited(server)).toBe(0);
    await lock.close();
    // each worker flushed its log on the way out: the six lines are there, from both workers
    const done = accessLines((l) => l.method === 'PATCH');
    expect(done.map((l) => l.status)).toEqual(Array(6).fill(200));
    expect(new Set(done.map((l) => l.pid)).size).toBe(2);
  });
});
