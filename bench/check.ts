import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { Sql } from 'postgres';
import { type CheckMode, checkStock } from '../src/services/check';
import { benchDatabase } from './lib';
import { seed } from './scale-seed';

/**
 * `npm run bench -- check`: `allot check` at CHECK_SKUS (default 100,000) SKUs × 10 stock locations, as
 * the ledger's history grows, next to bare scans of the same run: `count(*), sum(quantity)` over the
 * stock items and over the ledger. The full check should follow the stock items, not the history;
 * `--since-last` what moved since; `--from-zero` pays for the whole ledger.
 */
const SKUS = Number(process.env.CHECK_SKUS ?? 100_000);
/** Rounds of history added between the measurements: each moves a tenth of the stock items. */
const ROUNDS = Number(process.env.CHECK_ROUNDS ?? 10);

const timed = async <T>(f: () => Promise<T>): Promise<[number, T]> => {
  const t0 = performance.now();
  const r = await f();
  return [(performance.now() - t0) / 1000, r];
};

async function history(sql: Sql, rounds: number) {
  for (let r = 0; r < rounds; r++)
    await sql`update stock_items set quantity = quantity + 1 where hashtext(id || ${String(Math.random())}) % 10 = 0`;
  await sql`vacuum analyze stock_movements`;
}

export default async function checkBench() {
  const db = await benchDatabase();
  const { sql } = db.database;
  const lines: string[] = [];
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim();
  try {
    await seed(sql, SKUS);
    const bare = async () => {
      const [items] = await timed(() => sql`select count(*), sum(quantity) from stock_items`);
      const [ledger] = await timed(() => sql`select count(*), sum(quantity_delta) from stock_movements`);
      return { items, ledger };
    };
    const row = async (label: string, mode: CheckMode) => {
      const b = await bare();
      const [s, r] = await timed(() => checkStock(sql, mode));
      const [{ n }] = await sql<{ n: number }[]>`select count(*)::float8 as n from stock_movements`;
      if (r.drift.length) throw new Error(`${label}: ${r.drift.length} problem(s)`);
      lines.push(
        `${label.padEnd(34)} ${mode.padEnd(11)} ${String(n).padStart(11)} ${s.toFixed(2).padStart(8)} ` +
          `${b.items.toFixed(2).padStart(8)} ${(s / b.items).toFixed(1).padStart(6)} ` +
          `${b.ledger.toFixed(2).padStart(8)} ${(s / b.ledger).toFixed(1).padStart(6)} ` +
          `${String(r.stats.collected).padStart(9)}`,
      );
      process.stderr.write(`  steps (ms): ${JSON.stringify(r.stats.steps)}\n`);
      process.stderr.write(`${lines.at(-1)}\n`);
    };
    await row('first check (no checkpoints yet)', 'full');
    await history(sql, ROUNDS);
    await row(`+${ROUNDS} rounds of history`, 'full');
    await row('again, nothing moved', 'full');
    await row('again, nothing moved', 'since-last');
    await history(sql, ROUNDS);
    await row(`+${ROUNDS} more rounds`, 'full');
    await row('the same ledger', 'from-zero');
    await sql`update stock_items set quantity = quantity + 1 where hashtext(id) % 1000 = 0`;
    await row('a thousandth of the items moved', 'since-last');
    await sql`update stock_items set quantity = quantity + 1 where hashtext(id) % 1000 = 1`;
    await row('a thousandth of the items moved', 'full');
    const [{ bytes }] = await sql<
      { bytes: number }[]
    >`select pg_total_relation_size('ledger_checkpoints')::float8 as bytes`;
    const load = os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
    process.stdout.write(
      `\ncheck: ${SKUS} SKUs × 10 stock locations, commit ${commit}, ${new Date().toISOString().slice(0, 10)}, ` +
        `load average ${load}; ratio: the check's seconds over a bare count(*), sum() of the same run\n` +
        `${'run'.padEnd(34)} ${'mode'.padEnd(11)} ${'movements'.padStart(11)} ${'check s'.padStart(8)} ` +
        `${'items s'.padStart(8)} ${'ratio'.padStart(6)} ${'ledger s'.padStart(8)} ${'ratio'.padStart(6)} ` +
        `${'collected'.padStart(9)}\n${lines.join('\n')}\n` +
        `checkpoints: ${(bytes / (SKUS * 10)).toFixed(0)} B per stock item\n`,
    );
  } finally {
    await db.close();
  }
}
