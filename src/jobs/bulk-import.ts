import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parse } from 'csv-parse';
import type postgres from 'postgres';
import { newId } from '../lib/ids';
import type { ResourceDefinition } from '../resources/define';
import { applyRecordBatch, cliContext, recordColumns } from './bulk-records';
import { applyStockBatch, type BatchResult, type Rejected, type Short, type StockRow } from './bulk-stock-items';
import { castCsvRow, type Input } from './inputs';

export interface BulkOptions {
  mode: 'test' | 'live';
  /** stock location code for rows without a `stock_location_code` column */
  location?: string;
  batchSize?: number;
  /** stock items: connections a batch is spread over, by SKU code and location (default 2) */
  parallel?: number;
  /** stock items: refuse a quantity below the reserved stock (as `_validate`) instead of leaving a shortfall */
  validate?: boolean;
  /** after each committed batch: rows read so far, bytes read of the file's size */
  progress?: (p: Progress) => void;
  /** each refused row, in file order */
  reject?: (r: Rejected) => void;
  /** each row applied below its reserved stock, in file order */
  warn?: (r: Short) => void;
}

export interface Progress {
  rows: number;
  bytes: number;
  size: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** stock items left below their reserved stock by the count (a shortfall, as through the API) */
  short: number;
  seconds: number;
}

export class BulkError extends Error {}

/** A run over one file: its id, its progress (bytes counted as they are read) and the file's stream. */
async function openRun(file: string) {
  const size = (await stat(file)).size;
  const p: Progress = {
    rows: 0,
    bytes: 0,
    size,
    created: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    short: 0,
    seconds: 0,
  };
  const input = createReadStream(file);
  input.on('data', (b) => {
    p.bytes += b.length;
  });
  return { started: Date.now(), run: { id: `import-${newId()}`, file }, p, input };
}

/**
 * Stream a CSV file of stock items into the database, a batch per transaction (each commits on its
 * own, so readers see whole batches and never a half-applied one). Columns: `sku_code`,
 * `quantity`, and `stock_location_code` unless `location` names one for every row.
 */
export async function bulkImportStockItems(sql: postgres.Sql, file: string, o: BulkOptions): Promise<Progress> {
  const { started, run, p, input } = await openRun(file);
  const parser = input.pipe(parse({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: true }));
  let columns: { sku: number; quantity: number; location: number } | undefined;
  let batch: StockRow[] = [];
  let line = 1;
  // the next batch is read and parsed while the database applies this one (two cores, both busy)
  let inFlight: Promise<void> = Promise.resolve();
  const flush = async () => {
    await inFlight;
    if (!batch.length) return;
    const rows = batch;
    batch = [];
    inFlight = apply(rows);
    inFlight.catch(() => {}); // awaited by the next flush or at the end
  };
  const apply = async (rows: StockRow[]) => {
    const r = merge(
      await Promise.all(
        lanes(rows, o.parallel ?? 2).map((part) => applyStockBatch(sql, o.mode, part, run, o.validate)),
      ),
    );
    p.rows += rows.length;
    p.created += r.created;
    p.updated += r.updated;
    p.unchanged += r.unchanged;
    p.rejected += r.rejected.length;
    p.short += r.short.length;
    for (const x of r.rejected) o.reject?.(x);
    for (const x of r.short) o.warn?.(x);
    p.seconds = (Date.now() - started) / 1000;
    o.progress?.({ ...p });
  };
  for await (const record of parser as AsyncIterable<string[]>) {
    if (!columns) {
      columns = header(record, o.location);
      continue;
    }
    line++;
    batch.push({
      line,
      sku_code: record[columns.sku] ?? '',
      quantity: record[columns.quantity] ?? '',
      location: columns.location >= 0 ? (record[columns.location] ?? '') : o.location!,
    });
    if (batch.length >= (o.batchSize ?? 50_000)) await flush();
  }
  if (!columns)
    throw new BulkError(`${file} is empty: a header row is needed (sku_code,quantity[,stock_location_code])`);
  await flush();
  await inFlight;
  p.bytes = p.size;
  p.seconds = (Date.now() - started) / 1000;
  return p;
}

/**
 * A batch split over `n` connections by SKU code and location: the rows of one stock item stay in one
 * part (in file order, so the last still wins), and parts touch disjoint stock items, so they never
 * wait on each other's row locks. FNV-1a of the key.
 */
export function lanes(rows: StockRow[], n: number): StockRow[][] {
  if (n <= 1) return [rows];
  const parts: StockRow[][] = Array.from({ length: n }, () => []);
  for (const r of rows) {
    let h = 0x811c9dc5;
    const key = `${r.sku_code}\u0000${r.location}`;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    parts[(h >>> 0) % n]!.push(r);
  }
  return parts.filter((part) => part.length);
}

/** The parts' results as one batch's, refused and short rows in file order. */
function merge(rs: BatchResult[]): BatchResult {
  const byLine = (a: { line: number }, b: { line: number }) => a.line - b.line;
  return {
    created: rs.reduce((n, r) => n + r.created, 0),
    updated: rs.reduce((n, r) => n + r.updated, 0),
    unchanged: rs.reduce((n, r) => n + r.unchanged, 0),
    rejected: rs.flatMap((r) => r.rejected).sort(byLine),
    short: rs.flatMap((r) => r.short).sort(byLine),
  };
}

/**
 * Stream a CSV file of SKUs or stock locations (keyed by `code`; columns are the attributes a create
 * takes and `<relationship>_id`), a batch per transaction.
 */
export async function bulkImportRecords(
  sql: postgres.Sql,
  def: ResourceDefinition,
  file: string,
  o: BulkOptions,
): Promise<Progress> {
  const { started, run, p, input } = await openRun(file);
  const allowed = recordColumns(def);
  let header: string[] | undefined;
  const parser = input.pipe(
    parse({
      bom: true,
      trim: true,
      skip_empty_lines: true,
      columns: (h: string[]) => {
        const unknown = h.filter((c) => !allowed.has(c));
        if (unknown.length)
          throw new BulkError(
            `unknown column(s) ${unknown.join(', ')}: expected some of ${[...allowed.keys()].join(', ')}`,
          );
        if (!h.includes('code')) throw new BulkError('the header needs code: records are matched on it');
        header = h;
        return h;
      },
    }),
  );
  let batch: Array<{ line: number; record: Input }> = [];
  let line = 1;
  const ctx = cliContext(o.mode);
  const flush = async () => {
    if (!batch.length) return;
    const r = await applyRecordBatch(sql, def, ctx, header!, batch, run);
    p.rows += batch.length;
    p.created += r.created;
    p.updated += r.updated;
    p.rejected += new Set(r.rejected.map((x) => x.line)).size; // rows, however many fields each
    for (const x of r.rejected) o.reject?.(x);
    p.seconds = (Date.now() - started) / 1000;
    o.progress?.({ ...p });
    batch = [];
  };
  for await (const record of parser as AsyncIterable<Record<string, string>>) {
    batch.push({ line: ++line, record: castCsvRow(def, record) });
    if (batch.length >= (o.batchSize ?? 10_000)) await flush();
  }
  await flush();
  p.bytes = p.size;
  p.seconds = (Date.now() - started) / 1000;
  return p;
}

function header(record: string[], location?: string) {
  const at = (name: string) => record.indexOf(name);
  const unknown = record.filter((c) => !['sku_code', 'quantity', 'stock_location_code'].includes(c));
  if (unknown.length)
    throw new BulkError(`unknown column(s) ${unknown.join(', ')}: expected sku_code, quantity, stock_location_code`);
  const cols = { sku: at('sku_code'), quantity: at('quantity'), location: at('stock_location_code') };
  if (cols.sku < 0 || cols.quantity < 0) throw new BulkError('the header needs sku_code and quantity');
  if (cols.location < 0 && !location)
    throw new BulkError('give --location CODE, or a stock_location_code column, to say where the stock is');
  return cols;
}
