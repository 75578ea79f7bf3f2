import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { upsertApplication } from '../src/auth/applications';
import { connect } from '../src/db/client';
import { startEmbedded } from '../src/db/embedded';
import { runMigrations } from '../src/db/migrate';
import { benchHeaders, freePort, startProcess, stopProcess } from './lib';
import { orders, seed } from './place';

/**
 * `npm run bench -- warm`: placements in the first second after a start, next to the same server's
 * first second in a later burst, once traffic has warmed it (the ratio; 1.00 is full speed). Each
 * run starts the server on a fresh copy of one seeded database (never analyzed, no connection
 * open), takes a token as soon as it says it is ready, then `BENCH_CLIENTS` (20) clients place
 * orders of 3 line items for 5 s; a second later, for 2 s more. Runs alternate `WARM_START=off`
 * (the baseline: no preparation) and on, `BENCH_ROUNDS` times each (default 3).
 */
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 20);
const SECONDS = 5;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ORDERS = 6000;

interface Run {
  warm: boolean;
  /** From process start to "ready on", ms. */
  startMs: number;
  /** Placements answered 200 in each second after the load began. */
  perSecond: number[];
  /** From the start of the load to the first placement answered, ms. */
  firstMs: number;
  other: number;
  /** The first second (and first placement) of a later burst on the same server, warmed by traffic. */
  laterFirstSecond: number;
  laterFirstMs: number;
}

export default async function warmBench() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'allot-bench-warm-'));
  const pg = await startEmbedded(dir);
  const admin = connect(pg.url, 1);
  const url = (name: string) => Object.assign(new URL(pg.url), { pathname: `/${name}` }).toString();
  const runs: Run[] = [];
  try {
    await admin.sql.unsafe('create database warm_template');
    const tpl = connect(url('warm_template'), 4);
    await runMigrations(tpl);
    await seed(tpl.sql);
    const ids = await orders(tpl.sql, 'OW', false, ORDERS);
    await upsertApplication(tpl.db, {
      name: 'bench',
      kind: 'integration',
      role: 'admin',
      mode: 'test',
      client_id: 'bench-integration',
      client_secret: 'bench-integration-secret',
    });
    await tpl.close();
    for (let round = 0; round < ROUNDS; round++)
      for (const warm of [false, true]) {
        const name = `warm_run_${round}_${warm ? 'on' : 'off'}`;
        await admin.sql.unsafe(`create database ${name} template warm_template`);
        runs.push(await oneRun(url(name), warm, ids));
        await admin.sql.unsafe(`drop database ${name} with (force)`);
      }
    await admin.sql.unsafe('drop database warm_template');
  } finally {
    await admin.close();
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const lines = [
    `warm: placements (orders of 3 line items, ${CLIENTS} clients) in the first second after the start, ` +
      `next to a later burst on the same server (warmed by traffic); a fresh copy of one database each run, ` +
      `DB_POOL_SIZE 50`,
    [
      'warm start'.padEnd(10),
      'ready in'.padStart(9),
      'first placed'.padStart(13),
      '1st s'.padStart(6),
      '2nd s'.padStart(6),
      'later: first placed'.padStart(20),
      'later: 1st s'.padStart(13),
      'ratio'.padStart(6),
      'steady/s'.padStart(9),
    ].join(' '),
  ];
  for (const r of runs) {
    const steady = r.perSecond.slice(2).reduce((a, b) => a + b, 0) / (r.perSecond.length - 2);
    lines.push(
      [
        (r.warm ? 'on' : 'off').padEnd(10),
        `${r.startMs} ms`.padStart(9),
        `${r.firstMs} ms`.padStart(13),
        String(r.perSecond[0]).padStart(6),
        String(r.perSecond[1]).padStart(6),
        `${r.laterFirstMs} ms`.padStart(20),
        String(r.laterFirstSecond).padStart(13),
        (r.perSecond[0]! / r.laterFirstSecond).toFixed(2).padStart(6),
        steady.toFixed(0).padStart(9),
      ].join(' ') + (r.other ? `  (${r.other} non-200)` : ''),
    );
  }
  process.stdout.write(`\n${lines.join('\n')}\n`);
}

async function oneRun(dbUrl: string, warm: boolean, ids: string[]): Promise<Run> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  const server = await startProcess(
    ['src/server.ts'],
    {
      DATABASE_URL: dbUrl,
      PORT: String(port),
      RATE_LIMITS: 'off',
      LOG_LEVEL: 'warn',
      WORKERS: '1',
      DB_POOL_SIZE: '50',
      WARM_START: warm ? 'on' : 'off',
    },
    'ready on',
  );
  const startMs = Date.now() - t0;
  try {
    const headers = await benchHeaders(base);
    let next = 0;
    const first = await burst(base, headers, () => ids[next++], SECONDS);
    await new Promise((r) => setTimeout(r, 1000));
    // the same measurement on the same server once traffic has warmed it: what "full speed" means here
    const later = await burst(base, headers, () => ids[next++], 2);
    return { warm, startMs, ...first, laterFirstSecond: later.perSecond[0]!, laterFirstMs: later.firstMs };
  } finally {
    await stopProcess(server);
  }
}

/** `CLIENTS` clients placing orders for `seconds`: placements answered 200 in each second. */
async function burst(base: string, headers: Record<string, string>, nextId: () => string | undefined, seconds: number) {
  const began = performance.now();
  const until = began + seconds * 1000;
  const perSecond = Array<number>(seconds).fill(0);
  let other = 0;
  let firstMs = -1;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let id = nextId(); id && performance.now() < until; id = nextId()) {
        const res = await fetch(`${base}/api/orders/${id}`, {
          method: 'PATCH',
          headers,
          body: JSON.stringify({ data: { type: 'orders', id, attributes: { _place: true } } }),
        });
        await res.arrayBuffer();
        const second = Math.floor((performance.now() - began) / 1000);
        if (res.status === 200 && firstMs < 0) firstMs = Math.round(performance.now() - began);
        if (res.status !== 200) other++;
        else if (second < seconds) perSecond[second]!++;
      }
    }),
  );
  return { perSecond, firstMs, other };
}
