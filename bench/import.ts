import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Sql } from 'postgres';
import { upsertApplication } from '../src/auth/applications';
import { checkInvariants } from '../src/services/check';
import { benchDatabase, benchHeaders, freePort, ROOT, startProcess, stopProcess } from './lib';

/**
 * `npm run bench -- import`: `allot import` of 1M stock items (100k SKUs × 10 locations) into a
 * fresh database, then again as an update of every quantity, each next to a bare `COPY` of the same
 * file into a plain table in the same run (the ratio is the figure); then API imports the way the
 * official CLI sends them (chunks of 10,000 inputs, 10 at once, each polled once a second).
 * The files live under /tmp, where the postgres user can reach them.
 */
const SKUS = Number(process.env.BENCH_SKUS ?? 100_000);
const LOCATIONS = 10;
const API_INPUTS = Number(process.env.BENCH_API_INPUTS ?? 100_000);
const CHUNK = 10_000;

async function seed(sql: Sql) {
  await sql`insert into addresses (id, mode, first_name, last_name, line_1, city, zip_code, country_code, phone)
    select 'ADDR' || g, 'test', 'Bench', 'Mark', 'Street', 'Milan', '20100', 'IT', '+39' from
      generate_series(1, ${LOCATIONS}) g`;
  await sql`insert into stock_locations (id, mode, name, code, address_id)
    select 'LOC' || g, 'test', 'WH ' || g, 'wh-' || g, 'ADDR' || g from generate_series(1, ${LOCATIONS}) g`;
  await sql`insert into shipping_categories (id, mode, name) values ('CATEGORY01', 'test', 'Default')`;
  await sql`insert into skus (id, mode, code, name, shipping_category_id)
    select 'S' || g, 'test', 'SKU' || g, 'SKU ' || g, 'CATEGORY01' from generate_series(1, ${SKUS}) g`;
  await sql`analyze`;
}

async function writeCsv(file: string, quantity: (sku: number, loc: number) => number) {
  const parts: string[] = ['sku_code,quantity,stock_location_code\n'];
  for (let s = 1; s <= SKUS; s++) {
    let block = '';
    for (let l = 1; l <= LOCATIONS; l++) block += `SKU${s},${quantity(s, l)},wh-${l}\n`;
    parts.push(block);
  }
  await writeFile(file, parts.join(''));
}

/** The baseline: the same file into a plain table with COPY, nothing else. */
async function bareCopy(sql: Sql, file: string): Promise<number> {
  await sql`create table if not exists bare_copy (sku_code text, quantity text, location text)`;
  await sql`truncate bare_copy`;
  const t0 = performance.now();
  await pipeline(createReadStream(file), await sql`copy bare_copy from stdin with (format csv, header)`.writable());
  return (performance.now() - t0) / 1000;
}

function allotImport(url: string, file: string): Promise<{ seconds: number; out: string }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ['bin/allot.mjs', 'import', 'stock_items', file],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: url }, maxBuffer: 64 << 20 },
      (err, stdout, stderr) =>
        err
          ? reject(new Error(`${err.message}\n${stderr}`))
          : resolve({ seconds: (performance.now() - t0) / 1000, out: stdout }),
    ),
  );
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function apiImports(base: string, headers: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  const chunks = Math.ceil(API_INPUTS / CHUNK);
  const one = async (c: number) => {
    const inputs = [];
    for (let i = c * CHUNK; i < Math.min(API_INPUTS, (c + 1) * CHUNK); i++)
      inputs.push({
        sku_code: `SKU${(i % SKUS) + 1}`,
        quantity: 7,
        stock_location_id: `LOC${Math.floor(i / SKUS) + 1}`,
      });
    const res = await fetch(`${base}/api/imports`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ data: { type: 'imports', attributes: { resource_type: 'stock_items', inputs } } }),
    });
    const id = ((await res.json()) as { data: { id: string } }).data.id;
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      const a = ((await (await fetch(`${base}/api/imports/${id}`, { headers })).json()) as any).data.attributes;
      if (a.status === 'completed' || a.status === 'interrupted') {
        if (a.status !== 'completed' || a.errors_count)
          throw new Error(`import ${id}: ${JSON.stringify(a.errors_log)}`);
        return;
      }
    }
  };
  for (let b = 0; b < chunks; b += 10)
    await Promise.all(Array.from({ length: Math.min(10, chunks - b) }, (_, k) => one(b + k)));
  return (performance.now() - t0) / 1000;
}

export default async function main() {
  const db = await benchDatabase();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'allot-bench-import-'));
  const sql = db.database.sql;
  const rows = SKUS * LOCATIONS;
  const lines: string[] = [];
  const say = (l: string) => {
    lines.push(l);
    process.stderr.write(`${l}\n`);
  };
  try {
    await seed(sql);
    const fresh = path.join(dir, 'fresh.csv');
    const update = path.join(dir, 'update.csv');
    await writeCsv(fresh, (s, l) => (s + l) % 500);
    await writeCsv(update, (s, l) => ((s + l) % 500) + 1);
    for (const [name, file] of [
      ['fresh', fresh],
      ['update', update],
    ] as const) {
      const copy = await bareCopy(sql, file);
      const load = os.loadavg()[0]!;
      const run = await allotImport(db.url, file);
      const drift = await checkInvariants(sql);
      say(
        `allot import, ${name.padEnd(6)} ${fmt(rows)} rows in ${run.seconds.toFixed(1)} s: ` +
          `${fmt(rows / run.seconds).padStart(7)} rows/s | bare COPY ${copy.toFixed(1)} s: ` +
          `${fmt(rows / copy).padStart(9)} rows/s | ratio ${(copy / run.seconds).toFixed(2)} | ` +
          `allot check: ${drift.length ? `${drift.length} drift(s)` : 'clean'} | ` +
          `load average ${load.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)}`,
      );
      say(`  ${run.out.trim().split('\n').join('\n  ')}`);
      await sql`analyze stock_items`;
    }
    await upsertApplication(db.database.db, {
      name: 'bench',
      kind: 'integration',
      role: 'admin',
      mode: 'test',
      client_id: 'bench-integration',
      client_secret: 'bench-integration-secret',
    });
    const port = await freePort();
    const server = await startProcess(
      ['src/server.ts'],
      { DATABASE_URL: db.url, PORT: String(port), RATE_LIMITS: 'off', LOG_LEVEL: 'warn' },
      'ready on',
    );
    try {
      const base = `http://127.0.0.1:${port}`;
      const headers = await benchHeaders(base);
      const seconds = await apiImports(base, headers);
      const drift = await checkInvariants(sql);
      say(
        `API imports (CLI pattern: ${CHUNK}-input chunks, 10 at once), ${fmt(API_INPUTS)} stock item inputs ` +
          `in ${seconds.toFixed(1)} s: ${fmt(API_INPUTS / seconds)} inputs/s | ` +
          `allot check: ${drift.length ? `${drift.length} drift(s)` : 'clean'}`,
      );
    } finally {
      await stopProcess(server);
    }
    process.stdout.write(`\n${lines.join('\n')}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await db.close();
  }
}
