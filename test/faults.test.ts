import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../src/db/client';
import { checkInvariants } from '../src/services/check';
import {
  draftOrders,
  type FaultPg,
  type Outcome,
  recoveredAt,
  seedFaultDb,
  sleep,
  startFaultPg,
  storm,
  tokenFor,
} from './helpers/faults';
import { type ServerProcess, startServerProcess, stopServerProcess } from './helpers/server';

/**
 * Issue 17: faults never take the API down. A server process on its own PostgreSQL (loopback), a
 * placement storm, and the database fails under it: SIGKILL (crash and recovery), pg_terminate_backend
 * of its sessions, a fast restart; each twice. Every time the server survives, clients see only 200,
 * 4xx or 503, every acknowledged placement is there, a placement only ever answered 503 with
 * Retry-After (nothing applied) is still a draft, the stock invariants hold, and placements succeed
 * again soon after the database is back.
 * The bounds are generous (the issue asks for 1 s on a quiet machine; `npm run bench -- faults` prints the figures).
 */
const BOUND_MS = 3_000;

let pg: FaultPg;
let server: ServerProcess;
let token: string;
let round = 0;

beforeAll(async () => {
  pg = await startFaultPg();
  const creds = await seedFaultDb(pg.url);
  server = await startServerProcess(pg.url, { DB_POOL_SIZE: '10', LOG_LEVEL: 'fatal' });
  token = await tokenFor(server.url, creds.clientId, creds.clientSecret);
}, 60_000);

afterAll(async () => {
  await stopServerProcess(server?.proc);
  await pg?.stop();
});

/** A storm of placements; `fault` breaks the database and resolves when it is back (its return time). */
async function underFault(
  fault: () => Promise<number>,
): Promise<{ outcomes: Outcome[]; downAt: number; backAt: number }> {
  const ids = await draftOrders(pg.url, `r${++round}_`, 1500);
  const s = storm(server.url, token, ids, 12);
  await sleep(400);
  const downAt = performance.now();
  const backAt = await fault();
  await sleep(1_200);
  return { outcomes: await s.stop(), downAt, backAt };
}

async function expectSurvived({ outcomes, downAt, backAt }: Awaited<ReturnType<typeof underFault>>) {
  expect(server.proc.exitCode, 'the server process exited').toBeNull();
  expect(server.proc.signalCode).toBeNull();
  const bad = outcomes.filter((o) => !(o.status === 200 || o.status === 503 || (o.status >= 400 && o.status < 500)));
  expect(bad, 'only 200, 4xx or 503').toEqual([]);
  const unavailable = outcomes.filter((o) => o.status === 503);
  expect(unavailable.length, 'the fault was felt').toBeGreaterThan(0);
  // while the database was away, every request got its answer fast
  const slowest = Math.max(
    ...outcomes.filter((o) => o.start >= downAt && o.start < backAt).map((o) => o.end - o.start),
  );
  expect(slowest).toBeLessThan(BOUND_MS);
  // and placements succeed again soon after its return
  const recovered = recoveredAt(outcomes, backAt);
  expect(recovered, 'no placement succeeded after the database came back').toBeDefined();
  expect(recovered! - backAt).toBeLessThan(BOUND_MS);
  // every acknowledged placement is there; a 503 inviting a retry placed nothing
  const status = new Map(
    (await pg.query<{ id: string; status: string }>(`select id, status from orders where id like 'r${round}\\_%'`)).map(
      (r) => [r.id, r.status],
    ),
  );
  for (const o of outcomes.filter((x) => x.status === 200)) expect(status.get(o.id), o.id).toBe('placed');
  const byId = new Map<string, Outcome[]>();
  for (const o of outcomes) byId.set(o.id, [...(byId.get(o.id) ?? []), o]);
  const refusedOnly = [...byId].filter(([, os]) => os.every((o) => o.status === 503 && o.retryAfter));
  for (const [id] of refusedOnly) expect(status.get(id), id).toBe('draft');
  const database = connect(pg.url, 1);
  try {
    expect(await checkInvariants(database.sql)).toEqual([]);
  } finally {
    await database.close();
  }
}

describe('the server survives its database failing under a placement storm', () => {
  for (const n of [1, 2]) {
    it(`SIGKILL of PostgreSQL, down 300 ms, then crash recovery (${n})`, async () => {
      await expectSurvived(
        await underFault(async () => {
          await pg.kill();
          await sleep(300);
          await pg.start();
          return performance.now();
        }),
      );
    });
  }

  for (const n of [1, 2]) {
    it(`pg_terminate_backend of its sessions (${n})`, async () => {
      await expectSurvived(
        await underFault(async () => {
          // three times, 50 ms apart: one pass can land while every session sits idle between
          // transactions, and then no request feels it (seen once in CI)
          let terminated = 0;
          for (let i = 0; i < 3; i++) {
            terminated += await pg.terminate('allot');
            await sleep(50);
          }
          expect(terminated).toBeGreaterThan(0);
          return performance.now();
        }),
      );
    });
  }

  for (const n of [1, 2]) {
    it(`a fast restart (${n})`, async () => {
      await expectSurvived(
        await underFault(async () => {
          await pg.fastRestart();
          return performance.now();
        }),
      );
    });
  }

  it('npx allot check finds no drift afterwards', async () => {
    const root = path.resolve(__dirname, '..');
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/allot.mjs', 'check'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: pg.url },
    });
    expect(stdout).toMatch(/no drift/);
  });
});
