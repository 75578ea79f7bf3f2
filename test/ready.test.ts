import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config';
import { connect, type Database } from '../src/db/client';
import { type EmbeddedServer, freePort, startEmbedded } from '../src/db/embedded';
import { runMigrations } from '../src/db/migrate';

/**
 * `/health` and `/ready` as a load balancer sees them, over a PostgreSQL of this test's own (the
 * shared one must not stop): /ready turns 503 when the database goes, and 200 when it is back.
 */
let dir: string;
let port: number;
let pg: EmbeddedServer | undefined;
let database: Database;
let app: FastifyInstance;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'allot-ready-'));
  port = await freePort();
  pg = await startEmbedded(dir, () => {}, { port });
  database = connect(pg.url, 4);
  await runMigrations(database);
  app = await buildApp({ config: loadConfig({ DATABASE_URL: pg.url }), database, logger: false });
}, 60_000);
afterAll(async () => {
  await app?.close();
  await database?.close();
  await pg?.stop();
  await rm(dir, { recursive: true, force: true });
});

const probe = async (url: string) => {
  const res = await app.inject({ url });
  return { status: res.statusCode, body: res.json() };
};
const until = async (url: string, status: number) => {
  await expect.poll(async () => (await probe(url)).status, { timeout: 10_000, interval: 100 }).toBe(status);
  return probe(url);
};

describe('/health and /ready', () => {
  it('are both 200 while the database answers; neither needs a token', async () => {
    expect(await probe('/health')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await probe('/ready')).toEqual({ status: 200, body: { status: 'ready' } });
  });

  it('/ready turns 503 when PostgreSQL stops and 200 when it returns; /health stays 200', async () => {
    await pg!.stop();
    const down = await until('/ready', 503);
    expect(down.body.status).toBe('unavailable');
    expect(down.body.reason).toMatch(/database/);
    expect(await probe('/health')).toEqual({ status: 200, body: { status: 'ok' } });
    // once the pool's circuit is open, /ready answers from it at once, sending no statement
    await expect.poll(() => database.unreachable(), { timeout: 10_000, interval: 50 }).toBe(true);
    const t0 = performance.now();
    const open = await probe('/ready');
    expect(open).toMatchObject({ status: 503, body: { reason: expect.stringMatching(/unreachable/) } });
    expect(performance.now() - t0).toBeLessThan(1_000);

    pg = await startEmbedded(dir, () => {}, { port });
    expect((await until('/ready', 200)).body).toEqual({ status: 'ready' });
  });

  it('/ready turns 503 when shutdown begins', async () => {
    app.readiness.draining = true;
    try {
      expect(await probe('/ready')).toEqual({ status: 503, body: { status: 'unavailable', reason: 'shutting down' } });
      expect((await probe('/health')).status).toBe(200);
    } finally {
      app.readiness.draining = false;
    }
  });

  it('/ready is 503 when the schema is behind this build', async () => {
    const latest = await database.sql`select max(created_at) as at from drizzle.__drizzle_migrations`;
    await database.sql`update drizzle.__drizzle_migrations set created_at = 0 where created_at = ${latest[0]!.at}`;
    try {
      const behind = await until('/ready', 503);
      expect(behind.body.reason).toMatch(/migrations not applied/);
    } finally {
      await database.sql`update drizzle.__drizzle_migrations set created_at = ${latest[0]!.at} where created_at = 0`;
    }
    await until('/ready', 200);
  });
});
