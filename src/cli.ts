import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkSpec, upsertApplication } from './auth/applications';
import { loadConfig } from './config';
import { attachDatabase } from './db/attach';
import { BulkError, bulkImportRecords, bulkImportStockItems } from './jobs/bulk-import';
import { progressBar, progressLine, summary } from './jobs/bulk-report';
import { definitions } from './resources/index';
import { checkStock } from './services/check';

const USAGE = `usage:
  allot applications create --kind integration|sales_channel [--role admin|read_only] --mode test|live \
--name NAME [--scope SCOPE]
      prints the new credentials as JSON (the secret is shown only this once)
  allot check [--since-last | --from-zero]
      verifies the stock invariants (quantity ≥ 0, reserved = Σ reservations = the ledger, no hold ever granted
      beyond stock) and lists stock items a count left short of their holds; exits 1 on any drift, not on shortfalls.
      Replays the ledger from the checkpoints the last check wrote; --since-last looks only at stock items that
      moved since, --from-zero replays every movement (docs/ledger-and-check.md#check)
  allot import stock_items FILE.csv [--location CODE] [--validate] [--mode test|live] [--errors FILE] [--batch N]
      loads a CSV of any size (sku_code,quantity[,stock_location_code]) a batch per transaction, with the
      API's checks and the stock ledger; rejected rows go to FILE.errors.csv and the exit code is 1. A quantity
      is a count: below the reserved stock it leaves a shortfall (as the API does), or is rejected with --validate
  allot import skus|stock_locations FILE.csv [--mode test|live] [--errors FILE] [--batch N]
      the same for records keyed by code (columns: the attributes a create takes, <relationship>_id)`;

async function check(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: { 'since-last': { type: 'boolean' }, 'from-zero': { type: 'boolean' } },
    strict: true,
  });
  if (values['since-last'] && values['from-zero']) throw new Error('check: --since-last or --from-zero, not both');
  const mode = values['since-last'] ? 'since-last' : values['from-zero'] ? 'from-zero' : 'full';
  const { database, close } = await attachDatabase(loadConfig());
  try {
    const { drift, shortfalls, stats } = await checkStock(database.sql, mode);
    process.stderr.write(
      `check ${stats.mode}: ${stats.collected} stock item(s) collected, ${stats.checkpoints} checkpoint(s) ` +
        `written, ${(stats.ms / 1000).toFixed(1)} s\n`,
    );
    const out = (line: string) => process.stdout.write(`${line}\n`);
    for (const d of drift) out(`${d.kind}\t${d.id}\t${d.detail}`);
    // a count below what is held is allowed (as in Commerce Layer): listed, resolved by a recount or a cancellation
    for (const s of shortfalls) {
      out(
        `shortfall\t${s.stockItemId}\t${s.skuCode} at ${s.stockLocation}: ` +
          `${s.quantity} on hand, ${s.reserved} held, short by ${s.short} after a count`,
      );
      for (const h of s.holds)
        out(
          `short_hold\t${h.id}\t${[h.owner, h.label].filter(Boolean).join(' ')}: ${h.short} of ${h.held} not on hand`,
        );
    }
    const short = shortfalls.length ? `; ${shortfalls.length} stock item(s) short after counts` : '';
    out(drift.length ? `${drift.length} problem(s) found` : `stock invariants hold: no drift${short}`);
    process.exitCode = drift.length ? 1 : 0;
  } finally {
    await close();
  }
}

async function applicationsCreate(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      kind: { type: 'string' },
      role: { type: 'string' },
      mode: { type: 'string' },
      name: { type: 'string' },
      scope: { type: 'string' },
    },
    strict: true,
  });
  const spec = checkSpec({ ...values }, 'applications create');
  const { database, close } = await attachDatabase(loadConfig());
  try {
    const r = await upsertApplication(database.db, spec);
    const out = {
      id: r.application.id,
      name: r.application.name,
      kind: r.application.kind,
      role: r.application.role,
      mode: r.application.mode,
      client_id: r.client_id,
      ...(r.client_secret ? { client_secret: r.client_secret } : {}),
      ...(r.application.scope ? { scope: r.application.scope } : {}),
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    await close();
  }
}

const csvCell = (v: unknown) => {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

async function bulkImport(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      location: { type: 'string' },
      mode: { type: 'string', default: 'test' },
      errors: { type: 'string' },
      batch: { type: 'string' },
      validate: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const [type, file] = positionals;
  if (!['stock_items', 'skus', 'stock_locations'].includes(type ?? '') || !file || positionals.length > 2)
    throw new BulkError(USAGE);
  if (type !== 'stock_items' && values.location) throw new BulkError('--location is for stock_items');
  if (values.mode !== 'test' && values.mode !== 'live') throw new BulkError('--mode is test or live');
  const batchSize = Number(values.batch ?? 1);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new BulkError('--batch is a positive integer');
  const errorsFile = values.errors ?? `${file}.errors.csv`;
  let errorsOut: ReturnType<typeof createWriteStream> | undefined;
  const tty = process.stderr.isTTY;
  const { database, close } = await attachDatabase(loadConfig());
  try {
    const load = (o: Parameters<typeof bulkImportStockItems>[2]) =>
      type === 'stock_items'
        ? bulkImportStockItems(database.sql, file, o)
        : bulkImportRecords(database.sql, definitions.find((d) => d.type === type)!, file, o);
    const p = await load({
      mode: values.mode,
      location: values.location,
      validate: values.validate,
      batchSize: values.batch === undefined ? undefined : batchSize,
      progress: (x) => process.stderr.write(tty ? `\r${progressBar(x)}` : `${progressLine(x)}\n`),
      reject: (r) => {
        if (!errorsOut) {
          errorsOut = createWriteStream(errorsFile);
          errorsOut.write('line,row,field,message\n');
        }
        errorsOut.write(`${[r.line, r.key, r.field, r.message].map(csvCell).join(',')}\n`);
      },
    });
    if (tty) process.stderr.write('\n');
    process.stdout.write(`${summary(type, p)}\n`);
    if (p.rejected) process.stdout.write(`  rejected rows: ${errorsFile}\n`);
    process.exitCode = p.rejected ? 1 : 0;
  } finally {
    await new Promise((r) => (errorsOut ? errorsOut.end(r) : r(undefined)));
    await close();
  }
}

async function main(argv: string[]) {
  const [group, command, ...rest] = argv;
  if (group === 'applications' && command === 'create') return applicationsCreate(rest);
  if (group === 'check' && (command === undefined || command.startsWith('--'))) return check(argv.slice(1));
  if (group === 'import') return bulkImport(argv.slice(1));
  process.stderr.write(`${USAGE}\n`);
  process.exitCode = 2;
}

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`allot: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
