import { readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { type CliHarness, type CliResult, startCliHarness } from './helpers/cli-harness';
import { factory } from './helpers/factory';
import type { Client } from './helpers/http';
import { useTestApp } from './helpers/use-app';

// The official CLI's imports and exports plugins, unmodified, against a real Allot behind the TLS
// proxy (test/helpers/cli-harness.ts). Five CLI processes: login, a 25,000-row import in three
// chunks with the progress monitor, imports:list, imports:group and imports:details, an export.
const DOMAIN = 'allot.localhost';
const ROWS = 25_000;

let t: TestApp;
let api: Client;
let cli: CliHarness;
let location: string;
let csvFile: string;
useTestApp({ env: { TRUST_PROXY: 'loopback' } }, (s) => ({ t, api } = s));
beforeAll(async () => {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const backend = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  cli = await startCliHarness({ backend, domain: DOMAIN });
  const admin = await t.application({ name: 'CLI importer' });
  location = await factory(api).stockLocation({ code: 'cli-wh' });
  // the catalogue the file refers to, written straight into the database (SKUs have no ledger)
  const category = await factory(api).shippingCategory();
  await t.database.sql`insert into skus (id, mode, code, name, shipping_category_id)
    select 'clisku' || n, 'test', 'CLI-' || lpad(n::text, 5, '0'), 'CLI SKU ' || n, ${category}
    from generate_series(1, ${ROWS}) n`;
  const lines = Array.from({ length: ROWS }, (_, i) => `CLI-${String(i + 1).padStart(5, '0')},${(i * 7) % 1000}`);
  csvFile = path.join(cli.home, 'stock.csv');
  await writeFile(csvFile, `sku_code,quantity\n${lines.join('\n')}\n`);
  await ok([
    'applications:login',
    '-o',
    'local',
    '-d',
    DOMAIN,
    '-i',
    admin.client_id,
    '-s',
    admin.client_secret!,
    '-a',
    'importer',
  ]);
}, 120_000);
afterAll(() => cli?.close());

async function ok(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<CliResult> {
  const r = await cli.run(args, opts);
  expect(r.code, `commercelayer ${args.join(' ')}\n${r.output}`).toBe(0);
  return r;
}

describe('commercelayer imports:*', () => {
  let group: string;

  it('imports 25,000 stock items from CSV in three chunks, with the progress monitor', {
    timeout: 300_000,
  }, async () => {
    // three chunks ask "Press enter to continue" first: the harness answers it
    const r = await ok(['imports:create', '-t', 'stock_items', '-p', location, '-i', csvFile, '-C'], {
      input: '\n',
      timeoutMs: 280_000,
    });
    expect(r.stdout).toContain(`Import of ${ROWS} stock items completed.`);
    expect(r.stdout).not.toContain('with errors');
    group = r.stdout.match(/group ID (\w+)/)![1]!;
    const creates = cli.requests.filter((q) => q === `POST local.${DOMAIN}/api/imports`);
    expect(creates).toHaveLength(3);
    expect(cli.requests.filter((q) => q.startsWith(`GET local.${DOMAIN}/api/imports/`)).length).toBeGreaterThan(3);
    const [{ n, wrong }] = await t.database.sql`select count(*)::int as n,
        count(*) filter (where si.quantity <> ((substr(s.code, 5)::int - 1) * 7) % 1000)::int as wrong
      from stock_items si join skus s on s.id = si.sku_id where si.stock_location_id = ${location}`;
    expect({ n, wrong }).toEqual({ n: ROWS, wrong: 0 });
    const [{ moves }] = await t.database.sql`select count(*)::int as moves from stock_movements m
      join stock_items si on si.id = m.stock_item_id where si.stock_location_id = ${location} and m.reason = 'import'`;
    expect(moves).toBe(ROWS - Math.ceil(ROWS / 1000)); // every row whose quantity is not 0 moved stock once
  });

  it('lists, groups and details the imports', { timeout: 120_000 }, async () => {
    const list = await ok(['imports:list', '-t', 'stock_items']);
    expect(list.stdout.match(/completed/g)).toHaveLength(3);
    const grouped = await ok(['imports:group', group]);
    const ids = [...grouped.stdout.matchAll(/│\s*(\w{10})\s*│\s*stock_items/g)].map((m) => m[1]!);
    expect(ids).toHaveLength(3);
    const details = await ok(['imports:details', ids[2]!, '-l']);
    expect(details.stdout).toMatch(/inputs_size\s*│\s*5000/);
    expect(details.stdout).toMatch(/processed_count\s*│\s*5000/);
    expect(details.stdout).toContain(group);
  });
});

describe('commercelayer exports:create', () => {
  it('exports the filtered stock items to CSV, downloaded through the signed link', { timeout: 120_000 }, async () => {
    const out = path.join(cli.home, 'export.csv');
    const r = await ok(['exports:create', '-t', 'stock_items', '-w', 'quantity_lt=7', '-C', '-X', out, '-b']);
    expect(r.stdout).toMatch(/Exported \d+ stock items/);
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    const header = lines[0]!.split(',');
    const expected = await t.database
      .sql`select id, quantity from stock_items where quantity < 7 order by created_at, id`;
    expect(lines.length - 1).toBe(expected.length);
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.map((c) => [c[header.indexOf('id')], Number(c[header.indexOf('quantity')])])).toEqual(
      expected.map((e) => [e.id, e.quantity]),
    );
  });
});
