import { parseArgs } from 'node:util';
import { checkSpec, upsertApplication } from './auth/applications';
import { loadConfig } from './config';
import { attachDatabase } from './db/attach';

const USAGE = `usage:
  allot applications create --kind integration|sales_channel [--role admin|read_only] --mode test|live --name NAME [--scope SCOPE]
Prints the new credentials as JSON (the secret is shown only this once).`;

async function applicationsCreate(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: { kind: { type: 'string' }, role: { type: 'string' }, mode: { type: 'string' }, name: { type: 'string' }, scope: { type: 'string' } },
    strict: true,
  });
  const spec = checkSpec({ ...values }, 'applications create');
  const { database, close } = await attachDatabase(loadConfig());
  try {
    const r = await upsertApplication(database.db, spec);
    const out = { id: r.application.id, name: r.application.name, kind: r.application.kind, role: r.application.role, mode: r.application.mode, client_id: r.client_id, ...(r.client_secret ? { client_secret: r.client_secret } : {}), ...(r.application.scope ? { scope: r.application.scope } : {}) };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    await close();
  }
}

async function main(argv: string[]) {
  const [group, command, ...rest] = argv;
  if (group === 'applications' && command === 'create') return applicationsCreate(rest);
  process.stderr.write(`${USAGE}\n`);
  process.exitCode = 2;
}

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`allot: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
