import { parseArgs } from 'node:util';
import { checkSpec, upsertApplication } from './auth/applications';
import { loadConfig } from './config';
import { attachDatabase } from './db/attach';
import { checkStock } from './services/check';

const USAGE = `usage:
  allot applications create --kind integration|sales_channel [--role admin|read_only] --mode test|live \
--name NAME [--scope SCOPE]
      prints the new credentials as JSON (the secret is shown only this once)
  allot check
      verifies the stock invariants (quantity ≥ 0, reserved = Σ reservations = the ledger, no hold ever granted
      beyond stock) and lists stock items a count left short of their holds; exits 1 on any drift, not on shortfalls`;

async function check() {
  const { database, close } = await attachDatabase(loadConfig());
  try {
    const { drift, shortfalls } = await checkStock(database.sql);
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

async function main(argv: string[]) {
  const [group, command, ...rest] = argv;
  if (group === 'applications' && command === 'create') return applicationsCreate(rest);
  if (group === 'check' && command === undefined) return check();
  process.stderr.write(`${USAGE}\n`);
  process.exitCode = 2;
}

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`allot: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
