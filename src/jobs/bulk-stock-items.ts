import type postgres from 'postgres';
import { newId } from '../lib/ids';

/**
 * `allot import stock_items`: one batch of rows, set-based, in one transaction (README "Imports and
 * exports"). The rows go into a temporary table with COPY; then a handful of statements resolve
 * SKU codes and stock locations, check every value as the API would (same wording), lock the
 * stock items that exist in id order, update them and insert the rest. A quantity is a count, as
 * through the API: it may fall below the reserved stock, leaving a shortfall (`allot check` lists
 * it), unless `validate` refuses such rows as `_validate` does (docs/reservations.md). Each of those
 * two statements writes its ledger rows itself (one movement per changed row, reason `import`, or
 * `import (short by N)`, as the statement trigger would), and one `versions` row names the batch.
 * Rows refused come back with their line, field and message; rows left short with their shortfall.
 */

export interface StockRow {
  line: number;
  sku_code: string;
  quantity: string;
  /** a stock location code */
  location: string;
}

export interface Rejected {
  line: number;
  key: string;
  field: string;
  message: string;
}

/** A row applied below its stock item's reserved stock: the count leaves the holds `short` units short. */
export interface Short {
  line: number;
  key: string;
  short: number;
}

export interface BatchResult {
  created: number;
  updated: number;
  unchanged: number;
  rejected: Rejected[];
  short: Short[];
}

/** COPY's text format: backslash, tab and line breaks escaped. */
const esc = (s: string) =>
  s.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);

const RESOLVE = `
create temp table res on commit drop as
select s.line, s.id, s.rs, s.sku_code, s.location, k.id as sku_id, l.id as loc_id,
  case when s.quantity ~ '^[0-9]{1,9}$' then s.quantity::int end as q,
  case
    when k.id is null then 'sku_code|is not a valid SKU code'
    when l.id is null then 'stock_location|is not a valid stock location code'
    when s.quantity = '' then 'quantity|can''t be blank'
    when s.quantity ~ '^-[0-9]+$' then 'quantity|must be greater than or equal to 0'
    when s.quantity ~ '^-?[0-9]+\\.[0-9]+$' then 'quantity|must be an integer'
    when s.quantity !~ '^[0-9]+$' then 'quantity|is not a number'
    when s.quantity !~ '^[0-9]{1,9}$' then 'quantity|must be less than or equal to 999999999'
  end as problem
from stage s
left join skus k on k.mode = '$MODE' and k.code = s.sku_code
left join stock_locations l on l.mode = '$MODE' and l.code = s.location`;

/** The last row of a SKU and location wins, as if the rows were applied one after another. */
const LATEST = `
create temp table latest on commit drop as
select distinct on (sku_id, loc_id) line, id, rs, sku_code, location, sku_id, loc_id, q from res
where problem is null order by sku_id, loc_id, line desc`;

/**
 * The stock items the batch changes, locked in id order (as placements lock them: no deadlock),
 * with the quantity and reserved stock they have under the lock.
 */
const LOCK = `
insert into cur select si.id, r.line, r.sku_code, r.location, r.q, si.quantity, si.reserved_quantity
from latest r join stock_items si on si.sku_id = r.sku_id and si.stock_location_id = r.loc_id
order by si.id for no key update of si`;

/** What the row trigger would write, one movement per changed row, written by the same statement. */
const LEDGER = `insert into stock_movements (mode, stock_item_id, sku_id, stock_location_id, quantity_delta,
  reserved_delta, reason, txid)
  select mode, id, sku_id, stock_location_id, dq, 0, reason, txid_current() from changed where dq <> 0`;

const UPDATE = `
with changed as (
  update stock_items si set quantity = c.q, updated_at = now()
  from cur c where si.id = c.id and c.q <> c.quantity and (not $1::boolean or c.q >= c.reserved)
  returning si.id, si.mode, si.sku_id, si.stock_location_id, c.q - c.quantity as dq,
    'import' || case when c.reserved > c.q then ' (short by ' || (c.reserved - c.q) || ')' else '' end as reason),
moved as (${LEDGER})
select count(*)::int as n from changed`;

const INSERT = `
with changed as (
  insert into stock_items (id, mode, quantity, sku_id, stock_location_id, reserved_stock_id)
  select r.id, $1, r.q, r.sku_id, r.loc_id, r.rs from latest r
  where not exists (select 1 from cur c where c.line = r.line)
  on conflict (sku_id, stock_location_id) do nothing
  returning id, mode, sku_id, stock_location_id, quantity as dq, 'import' as reason),
moved as (${LEDGER})
select count(*)::int as n from changed`;

/** Apply one batch in one transaction; a deadlock with a concurrent placement or a racing insert retries it whole. */
export async function applyStockBatch(
  sql: postgres.Sql,
  mode: string,
  rows: StockRow[],
  run: { id: string; file: string },
  validate = false,
): Promise<BatchResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await sql.begin((tx) => batch(tx, mode, rows, run, validate));
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (attempt >= 5 || !(code === '40P01' || code === '40001' || e instanceof RaceLost)) throw e;
    }
  }
}

class RaceLost extends Error {}

async function batch(
  tx: postgres.TransactionSql,
  mode: string,
  rows: StockRow[],
  run: { id: string; file: string },
  validate: boolean,
) {
  const q = (text: string, params: unknown[] = []) => tx.unsafe(text, params as never[], { prepare: false });
  // the temporary tables are analyzed for their joins' plans: a small sample is plenty
  await q(`select set_config('allot.reason', 'import', true), set_config('default_statistics_target', '10', true)`);
  await q(
    'create temp table stage (line int, id text, rs text, sku_code text, quantity text, location text) on commit drop',
  );
  const copy = await tx.unsafe('copy stage from stdin').writable();
  let buf = '';
  for (const r of rows) {
    buf += `${r.line}\t${newId()}\t${newId()}\t${esc(r.sku_code)}\t${esc(r.quantity)}\t${esc(r.location)}\n`;
    if (buf.length > 1 << 16) {
      if (!copy.write(buf)) await new Promise((resolve) => copy.once('drain', resolve));
      buf = '';
    }
  }
  await new Promise<void>((resolve, reject) => {
    copy.once('finish', resolve).once('error', reject);
    copy.end(buf);
  });
  if (mode !== 'test' && mode !== 'live') throw new Error(`unknown mode ${mode}`);
  await q(RESOLVE.replaceAll('$MODE', mode));
  await q('analyze res');
  const rejected: Rejected[] = (
    await q('select line, sku_code, location, problem from res where problem is not null order by line')
  ).map((r) => {
    const [field, message] = (r.problem as string).split('|') as [string, string];
    return { line: r.line, key: `${r.sku_code}@${r.location}`, field, message };
  });
  await q(LATEST);
  await q('analyze latest');
  const [{ n: expected }] = await q('select count(*)::int as n from latest');
  await q(
    'create temp table cur (id text, line int, sku_code text, location text, q int, quantity int, reserved int) ' +
      'on commit drop',
  );
  await q(LOCK);
  let unchanged = 0;
  let below = 0;
  const short: Short[] = [];
  for (const r of await q(
    'select line, sku_code, location, q = quantity as same, q, reserved from cur where q = quantity or q < reserved',
  )) {
    if (r.same) unchanged++;
    else if (!validate) short.push({ line: r.line, key: `${r.sku_code}@${r.location}`, short: r.reserved - r.q });
    else {
      below++;
      rejected.push({
        line: r.line,
        key: `${r.sku_code}@${r.location}`,
        field: 'quantity',
        message: `must be greater than or equal to ${r.reserved} (reserved stock)`,
      });
    }
  }
  // these two statements write their own ledger rows (LEDGER): the row trigger stands aside for them only
  await q(`select set_config('allot.ledger_by_statement', 'on', true)`);
  const [{ n: updated }] = await q(UPDATE, [validate]);
  const [{ n: created }] = await q(INSERT, [mode]);
  await q(`select set_config('allot.ledger_by_statement', '', true)`);
  // a stock item created by someone else since the lock: run the batch again
  if (updated + unchanged + created + below !== expected) throw new RaceLost();
  const changes = JSON.stringify({ file: [null, run.file], created: [null, created], updated: [null, updated] });
  const who = JSON.stringify({ application: { id: null, kind: 'cli' }, request_id: run.id });
  await q(
    `insert into versions (id, mode, resource_type, resource_id, event, changes, who)
     values ($1, $2, 'stock_items', $3, 'import', $4::jsonb, $5::jsonb)`,
    [newId(), mode, run.id, changes, who],
  );
  return { created, updated, unchanged, rejected: rejected.sort((a, b) => a.line - b.line), short };
}
