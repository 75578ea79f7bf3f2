import type { ChildProcess } from 'node:child_process';
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
} from '../test/helpers/faults';
import { freePort, startProcess, stopProcess } from './lib';

/**
 * `npm run bench -- faults`: a placement storm (16 clients) against a server on DATABASE_URL, while
 * its PostgreSQL is SIGKILLed (down ~0.5 s, then crash recovery), its sessions are terminated, or it
 * goes through a fast restart; each `BENCH_ROUNDS` times (default 3). Prints, per fault: whether the
 * server survived, how fast requests got their 503 while the database was away, how long after the
 * database's return the first placement succeeded, and whether every acknowledged placement is there.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const OUTAGE_MS = 500;

type Fault = 'sigkill' | 'terminate' | 'fast restart';

interface Row {
  fault: Fault;
  round: number;
  survived: boolean;
  total: number;
  ok: number;
  unavailable: number;
  other: string;
  /** Latency of the answers to requests sent while the database was away (ms): p50, max. */
  outage?: { n: number; p50: number; max: number };
  /** ms from the database's return to the end of the first placement sent after it that succeeded. */
  recovery?: number;
  lost: number;
}

export default async function faultsBench() {
  const pg = await startFaultPg();
  const creds = await seedFaultDb(pg.url);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = { DATABASE_URL: pg.url, PORT: String(port), RATE_LIMITS: 'off', LOG_LEVEL: 'fatal', DB_POOL_SIZE: '20' };
  let server: ChildProcess = await startProcess(['src/server.ts'], env, 'ready on');
  const rows: Row[] = [];
  try {
    const token = await tokenFor(base, creds.clientId, creds.clientSecret);
    for (const fault of ['sigkill', 'terminate', 'fast restart'] as Fault[]) {
      for (let round = 1; round <= ROUNDS; round++) {
        if (server.exitCode !== null || server.signalCode !== null)
          server = await startProcess(['src/server.ts'], env, 'ready on');
        const ids = await draftOrders(pg.url, `${fault[0]}${round}_`, 4000);
        rows.push(await oneFault(pg, server, base, token, ids, fault, round));
      }
    }
  } finally {
    await stopProcess(server).catch(() => {});
  }
  const database = connect(pg.url, 1);
  const drift = await checkInvariants(database.sql);
  await database.close();
  await pg.stop();
  const pad = (s: unknown, n: number) => String(s).padStart(n);
  const row = (cells: unknown[]) =>
    cells.map((c, i) => (i === 0 ? String(c).padEnd(13) : pad(c, [0, 5, 8, 7, 5, 5, 14, 22, 11, 4][i]!))).join(' ');
  const header = ['fault', 'round', 'survived', 'answers', '200', '503', 'other', 'outage: n, p50/max ms'];
  const lines = [row([...header, 'recovery ms', 'lost'])];
  for (const r of rows) {
    const outage = r.outage ? `${r.outage.n}, ${r.outage.p50.toFixed(0)}/${r.outage.max.toFixed(0)}` : '-';
    const recovery = r.recovery === undefined ? 'never' : r.recovery.toFixed(0);
    lines.push(
      row([
        r.fault,
        r.round,
        r.survived ? 'yes' : 'NO',
        r.total,
        r.ok,
        r.unavailable,
        r.other || '-',
        outage,
        recovery,
        r.lost,
      ]),
    );
  }
  process.stdout.write(
    '\nfaults: placement storm (16 clients) while PostgreSQL fails; outage = requests sent while it was away ' +
      `(sigkill: ${OUTAGE_MS} ms down + crash recovery)\n${lines.join('\n')}\n` +
      `invariant check: ${drift.length ? `${drift.length} DRIFT` : 'clean'}\n`,
  );
}

async function oneFault(
  pg: FaultPg,
  server: ChildProcess,
  base: string,
  token: string,
  ids: string[],
  fault: Fault,
  round: number,
): Promise<Row> {
  const s = storm(base, token, ids, 16);
  await sleep(800);
  const downAt = performance.now();
  let backAt: number;
  if (fault === 'sigkill') {
    await pg.kill();
    await sleep(OUTAGE_MS);
    await pg.start();
    backAt = performance.now();
  } else if (fault === 'terminate') {
    await pg.terminate('allot');
    backAt = performance.now();
  } else {
    await pg.fastRestart();
    backAt = performance.now();
  }
  await sleep(1500);
  const outcomes = await s.stop();
  const survived = server.exitCode === null && server.signalCode === null;
  const during = outcomes.filter((o) => o.start >= downAt && o.start < backAt && o.status !== 0);
  const lat = during.map((o) => o.end - o.start).sort((a, b) => a - b);
  const rec = recoveredAt(outcomes, backAt);
  const acknowledged = outcomes.filter((o) => o.status === 200).map((o) => o.id);
  const placed = new Set(
    (
      await pg.query<{ id: string }>(
        `select id from orders where status = 'placed' and id = any('{${acknowledged.join(',')}}'::text[])`,
      )
    ).map((r) => r.id),
  );
  return {
    fault,
    round,
    survived,
    total: outcomes.length,
    ok: acknowledged.length,
    unavailable: outcomes.filter((o) => o.status === 503).length,
    other: summarize(outcomes.filter((o) => o.status !== 200 && o.status !== 503)),
    outage: lat.length
      ? { n: lat.length, p50: lat[Math.floor(lat.length / 2)]!, max: lat[lat.length - 1]! }
      : undefined,
    recovery: rec === undefined ? undefined : rec - backAt,
    lost: acknowledged.length - placed.size,
  };
}

function summarize(os: Outcome[]): string {
  const by = new Map<number, number>();
  for (const o of os) by.set(o.status, (by.get(o.status) ?? 0) + 1);
  return [...by].map(([s, n]) => `${s === 0 ? 'none' : s}×${n}`).join(' ');
}
