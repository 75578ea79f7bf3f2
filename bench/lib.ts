import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import type { Sql, TransactionSql } from 'postgres';
import { loadConfig } from '../src/config';
import { connect, type Database } from '../src/db/client';
import { type EmbeddedServer, freePort, startEmbedded } from '../src/db/embedded';
import { runMigrations } from '../src/db/migrate';
import { NPM_START_ARGS } from '../test/helpers/server';
import { median } from './rounds';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** `BENCH_STATEMENTS=1`: pg_stat_statements (nested statements too: triggers, foreign-key checks) after each run. */
const PROFILE_STATEMENTS = !!process.env.BENCH_STATEMENTS;
const STATEMENT_FLAGS = [
  '-c',
  'shared_preload_libraries=pg_stat_statements',
  '-c',
  'pg_stat_statements.track=all',
  '-c',
  'track_io_timing=on',
];

/** Reset pg_stat_statements (a no-op without BENCH_STATEMENTS). */
export async function resetStatements(sql: Sql): Promise<void> {
  if (PROFILE_STATEMENTS) await sql`select pg_stat_statements_reset()`;
}

/** The statements that took the most time since the last reset, per request (`BENCH_STATEMENTS=1`). */
export async function statementProfile(sql: Sql, requests: number, top = 15): Promise<string> {
  if (!PROFILE_STATEMENTS) return '';
  const rows = await sql<{ ms: number; calls: number; rows: number; query: string }[]>`
    select total_exec_time::float8 as ms, calls::int, rows::int, query from pg_stat_statements
    where query not like '%pg_stat_statements%' and query not similar to '%bare\\_(items|orders|rows)%'
    order by total_exec_time desc limit ${top}`;
  // pg_stat_statements may file the foreign-key checks of several referenced tables under one table's text
  const text = (q: string) =>
    /^SELECT \S+ FROM ONLY "[^"]+"\."[^"]+" x WHERE .* FOR KEY SHARE OF x$/.test(q)
      ? `foreign-key checks, perhaps of several referenced tables (filed as: ${q})`
      : q;
  const line = (r: (typeof rows)[number]) =>
    `${((r.ms * 1000) / requests).toFixed(0).padStart(7)} µs/req ${(r.calls / requests).toFixed(2).padStart(6)} ` +
    `calls/req  ${text(r.query.replace(/\s+/g, ' ')).slice(0, 150)}`;
  return `statements by execution time per request (nested ones counted in their callers too):\n${rows
    .map(line)
    .join('\n')}\n`;
}

/** A fresh PostgreSQL database for one benchmark run: embedded by default, DATABASE_URL's server if set. */
export async function benchDatabase(): Promise<{ url: string; database: Database; close(): Promise<void> }> {
  let server: EmbeddedServer | undefined;
  let dir: string | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    dir = await mkdtemp(path.join(os.tmpdir(), 'allot-bench-'));
    // its shared buffers as `npm start` sizes them (EMBEDDED_PG_SHARED_BUFFERS_MB, or a quarter of memory)
    server = await startEmbedded(dir, undefined, {
      flags: PROFILE_STATEMENTS ? STATEMENT_FLAGS : [],
      sharedBuffersMb: loadConfig().embeddedSharedBuffersMb,
    });
    adminUrl = server.url;
  }
  const name = `allot_bench_${process.pid}`;
  const admin = connect(adminUrl, 1);
  await admin.sql.unsafe(`drop database if exists ${name} with (force)`);
  await admin.sql.unsafe(`create database ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const database = connect(url, 4);
  await runMigrations(database);
  if (PROFILE_STATEMENTS) await database.sql`create extension if not exists pg_stat_statements`;
  return {
    url,
    database,
    close: async () => {
      await database.close();
      await admin.sql.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
      await admin.close();
      await server?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Start a Node script as a separate process (the server under test never shares the load
 * generator's CPU time slice).
 */
export async function startProcess(
  args: string[],
  env: Record<string, string>,
  readyText: string,
): Promise<ChildProcess> {
  const prof = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  // the server as `npm start` runs it (its node flags included); other scripts through tsx
  const node = args[0] === 'src/server.ts' ? NPM_START_ARGS : ['--import', 'tsx', ...args];
  const proc = spawn(process.execPath, [...prof, ...node], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const on = (b: Buffer) => {
      out += b.toString();
      if (!out.includes(readyText)) return;
      // from now on output is read and dropped, as a log collector would: not kept in this process's memory;
      // with BENCH_LOG_DIR, written to a file there for each process (a run that goes wrong can be read)
      const dir = process.env.BENCH_LOG_DIR;
      if (dir) mkdirSync(dir, { recursive: true }); // a missing directory would fail the stream, and the bench
      const file = dir
        ? createWriteStream(path.join(dir, `${path.basename(args[0]!, '.ts')}-${proc.pid}.log`))
        : undefined;
      if (file) {
        file.write(out);
        proc.on('close', () => file.end());
      }
      for (const stream of [proc.stdout!, proc.stderr!]) {
        stream.off('data', on);
        if (file) stream.pipe(file, { end: false });
        else stream.resume();
      }
      resolve();
    };
    proc.stdout!.on('data', on);
    proc.stderr!.on('data', on);
    proc.on('exit', (c) => reject(new Error(`${args.join(' ')} exited ${c}: ${out}`)));
  });
  return proc;
}

/** Allot's server on `dbUrl` at a free port (rate limits off, warnings only), `env` on top; with its base URL. */
export async function startServer(
  dbUrl: string,
  env: Record<string, string> = {},
): Promise<{ server: ChildProcess; base: string }> {
  const port = await freePort();
  const server = await startProcess(
    ['src/server.ts'],
    { DATABASE_URL: dbUrl, PORT: String(port), RATE_LIMITS: 'off', LOG_LEVEL: 'warn', ...env },
    'ready on',
  );
  return { server, base: `http://127.0.0.1:${port}` };
}

export async function stopProcess(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null) return;
  const done = new Promise((r) => p.on('exit', r));
  p.kill('SIGTERM');
  await done;
}

export interface Figures {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** CPU time the server process spent per request (µs), from /proc: steadier than req/s on a shared machine. */
  cpuPerRequest?: number;
  /** The same for all of PostgreSQL's processes (a local server only). */
  dbCpuPerRequest?: number;
  /** What the ratio compares with (default: the table's baseline; itself for a baseline row). */
  vs?: Figures;
  /** Requests answered (weights CPU per request when rounds are combined: bench/rounds.ts). */
  requests?: number;
  /** Every 2xx answer's latency in ms, kept so that rounds pool their percentiles. */
  latencies?: number[];
  /** Alternated rounds (bench/rounds.ts): each round's ratio to its own bare half; the row shows the median. */
  ratios?: number[];
}

/** A process's parent and CPU seconds (user + system) from /proc; undefined off Linux or once it exited. */
async function procStat(pid: number | string): Promise<{ ppid: number; cpu: number } | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return undefined;
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime, stime in clock ticks (USER_HZ = 100)
  return { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / 100 };
}

/** CPU seconds (user + system) a process has used so far; undefined off Linux. */
export async function cpuSeconds(pid: number | undefined): Promise<number | undefined> {
  return pid ? (await procStat(pid))?.cpu : undefined;
}

/** CPU seconds of a process and its direct children (PostgreSQL: the postmaster and its backends). */
export async function treeCpuSeconds(pid: number | undefined): Promise<number | undefined> {
  const own = await cpuSeconds(pid);
  if (own === undefined) return undefined;
  let total = own;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = await procStat(entry);
    if (child && child.ppid === pid) total += child.cpu;
  }
  return total;
}

/** The PostgreSQL server's postmaster, when it runs on this machine (its CPU is then measured too). */
export async function postmasterPid(sql: Sql): Promise<number | undefined> {
  const [{ pid }] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
  return (await procStat(pid))?.ppid;
}

/** Per-request CPU of the server process, and of PostgreSQL when `dbPid` is given, over one run, in µs. */
export async function measureCpu<T extends Figures>(
  pid: number | undefined,
  requests: () => number,
  run: () => Promise<T>,
  dbPid?: number,
  /** Count the server's children too (WORKERS > 1: the workers do the serving). */
  tree = false,
): Promise<T> {
  const server = tree ? treeCpuSeconds : cpuSeconds;
  const [before, dbBefore] = [await server(pid), await treeCpuSeconds(dbPid)];
  const r = await run();
  const [after, dbAfter] = [await server(pid), await treeCpuSeconds(dbPid)];
  if (before !== undefined && after !== undefined && requests() > 0)
    r.cpuPerRequest = ((after - before) * 1e6) / requests();
  if (dbBefore !== undefined && dbAfter !== undefined && requests() > 0)
    r.dbCpuPerRequest = ((dbAfter - dbBefore) * 1e6) / requests();
  return r;
}

/** Every 2xx answer's latency (ms) of an autocannon run, kept for pooled percentiles (bench/rounds.ts). */
export function keepLatencies(
  tracker: { on: (event: 'response', fn: (...args: any[]) => void) => unknown },
  onResponse?: () => void,
): number[] {
  const latencies: number[] = [];
  tracker.on('response', (_c: unknown, status: number, _b: number, ms: number) => {
    onResponse?.();
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  return latencies;
}

/** What the benches read of an autocannon result (the package ships no types: bench/autocannon.d.ts). */
interface AutocannonResult {
  requests: { total: number; average: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

/** One autocannon run as a row: `rps` as the caller counts it, the 2xx latencies kept (keepLatencies). */
export function runFigures(name: string, r: AutocannonResult, rps: number, latencies: number[]): Figures {
  return {
    name,
    rps,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    requests: r.requests.total,
    latencies,
  };
}

/** autocannon against `url`, `paths` rotated per request. */
export async function load(
  name: string,
  base: string,
  paths: string[],
  headers: Record<string, string>,
  seconds: number,
  serverPid?: number,
  dbPid?: number,
  connections = 50,
  tree = false,
): Promise<Figures> {
  let i = 0;
  let total = 0;
  return measureCpu(
    serverPid,
    () => total,
    async () => {
      const tracker = autocannon({
        url: base,
        connections,
        duration: seconds,
        headers,
        requests: [{ setupRequest: (req: any) => ({ ...req, path: paths[i++ % paths.length] }) }],
      });
      const latencies = keepLatencies(tracker);
      const r = await tracker;
      total = r.requests.total;
      return runFigures(name, r, r.requests.average, latencies);
    },
    dbPid,
    tree,
  );
}

/** A row's ratio: the median of its alternated rounds' ratios, or its req/s over its baseline's. */
export function ratio(r: Figures, baseline?: Figures): number {
  return r.ratios?.length ? median(r.ratios) : r.rps / (r.vs ?? baseline ?? r).rps;
}

/** Each row's figures, the baseline it is compared with (measured in the same run) and the ratio. */
export function table(rows: Figures[], baseline?: Figures): string {
  const lines = [
    `${'run'.padEnd(40)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ` +
      `${'baseline'.padStart(9)} ${'ratio'.padStart(6)} ${'errors'.padStart(6)} ` +
      `${'server CPU µs/req'.padStart(18)} ${'PostgreSQL CPU µs/req'.padStart(22)}  rounds' ratios`,
  ];
  const us = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(0));
  for (const r of baseline ? [baseline, ...rows] : rows) {
    lines.push(
      `${r.name.padEnd(40)} ${r.rps.toFixed(0).padStart(9)} ` +
        `${String(r.p50).padStart(7)} ${String(r.p99).padStart(7)} ` +
        `${(r.vs ?? baseline ?? r).rps.toFixed(0).padStart(9)} ` +
        `${ratio(r, baseline).toFixed(2).padStart(6)} ${String(r.errors + r.non2xx).padStart(6)} ` +
        `${us(r.cpuPerRequest).padStart(18)} ${us(r.dbCpuPerRequest).padStart(22)}` +
        (r.ratios && r.ratios.length > 1 ? `  ${r.ratios.map((x) => x.toFixed(2)).join(' ')}` : ''),
    );
  }
  return lines.join('\n');
}

/** JSON:API headers with a token of the integration application every bench seeds (`bench-integration`). */
export async function benchHeaders(base: string): Promise<Record<string, string>> {
  const res = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: 'bench-integration',
      client_secret: 'bench-integration-secret',
    }),
  });
  const { access_token } = (await res.json()) as { access_token: string };
  return {
    accept: 'application/vnd.api+json',
    'content-type': 'application/vnd.api+json',
    authorization: `Bearer ${access_token}`,
  };
}

export { freePort };

/**
 * The network every seeding bench starts from: `locations` stock locations with their addresses, one
 * inventory model listing them by priority (cutoff and strategy as given), its market, and the
 * default shipping category. Ids: ADDR000001…, LOC0000001…, MODEL00001, MARKET0001, CATEGORY01.
 */
export async function seedNetwork(
  tx: TransactionSql,
  o: { locations: number; cutoff?: number; strategy?: string },
): Promise<void> {
  await tx`insert into addresses (id, mode, first_name, last_name, line_1, city, zip_code, country_code, phone)
    select 'ADDR' || lpad(g::text, 6, '0'), 'test', 'Bench', 'Mark', 'Street ' || g, 'Milan', '20100', 'IT', '+39'
    from generate_series(1, ${o.locations}) g`;
  await tx`insert into stock_locations (id, mode, name, code, address_id)
    select 'LOC' || lpad(g::text, 7, '0'), 'test', 'WH ' || g, 'wh-' || g, 'ADDR' || lpad(g::text, 6, '0')
    from generate_series(1, ${o.locations}) g`;
  await tx`insert into inventory_models (id, mode, name, stock_locations_cutoff, strategy)
    values ('MODEL00001', 'test', 'Bench', ${o.cutoff ?? 2}, ${o.strategy ?? 'no_split'})`;
  await tx`insert into inventory_stock_locations (id, mode, priority, inventory_model_id, stock_location_id)
    select 'ISL' || lpad(g::text, 7, '0'), 'test', g, 'MODEL00001', 'LOC' || lpad(g::text, 7, '0')
    from generate_series(1, ${o.locations}) g`;
  await tx`insert into markets (id, mode, name, code, shared_secret, inventory_model_id)
    values ('MARKET0001', 'test', 'Bench', 'bench', 's', 'MODEL00001')`;
  await tx`insert into shipping_categories (id, mode, name) values ('CATEGORY01', 'test', 'Default')`;
}
