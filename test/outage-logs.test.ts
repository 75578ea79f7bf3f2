import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/db/embedded';
import { type FaultPg, seedFaultDb, sleep, startFaultPg } from './helpers/faults';
import { spawnServer, stopServerProcess } from './helpers/server';

/**
 * Issue 17: during an outage the log says what is wrong without drowning in it. Every background
 * task (keepers, watchers, the webhook deliverer, job workers) fails on each round while PostgreSQL
 * is away; each failure is written with its stack once, then counted (src/ops/background-log.ts).
 */
let pg: FaultPg;
let proc: ChildProcess;
let out = '';

beforeAll(async () => {
  pg = await startFaultPg();
  await seedFaultDb(pg.url);
  const s = spawnServer({
    DATABASE_URL: pg.url,
    PORT: String(await freePort()),
    RATE_LIMITS: 'off',
    LOG_LEVEL: 'warn',
    WORKERS: '1',
    DB_POOL_SIZE: '4',
  });
  proc = s.proc;
  proc.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  await s.ready;
}, 60_000);

afterAll(async () => {
  await stopServerProcess(proc);
  await pg?.stop();
});

describe('the log during a database outage', () => {
  it('writes each background failure with its stack once, not on every round', async () => {
    const before = out.length;
    await pg.kill();
    await sleep(6_000);
    const during = out.slice(before);
    await pg.start();
    const lines = during.split('\n').filter((l) => l.startsWith('{'));
    const stacks = lines.filter((l) => l.includes('"stack"'));
    // something was said: the database is unreachable
    expect(lines.length, during.slice(0, 2_000)).toBeGreaterThan(0);
    // about one per background task (7 seen); each wrote one about every 80 ms before (75 in 6 s)
    expect(stacks.length, stacks.map((l) => JSON.parse(l).msg).join('\n')).toBeLessThanOrEqual(12);
    expect(proc.exitCode).toBeNull();
  }, 30_000);
});
