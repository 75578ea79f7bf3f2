import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { type Client, doc } from './helpers/http';
import { useTestApp } from './helpers/use-app';

// The README's SDK example is the code this test runs: the fenced block between the sdk-example
// markers, with the server's URL and real credentials put in, as a standalone ESM file under tsx.
const ROOT = path.resolve(__dirname, '..');
// inside the repository so that its imports resolve from node_modules
const DIR = path.join(ROOT, 'node_modules', '.cache', 'allot-readme-test');

let t: TestApp;
let api: Client;
useTestApp({}, (s) => ({ t, api } = s));
let base: string;
beforeAll(async () => {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  await mkdir(DIR, { recursive: true });
});
afterAll(() => rm(DIR, { recursive: true, force: true }));

async function readmeExample(): Promise<string> {
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
  const m = readme.match(/<!-- sdk-example -->\s*```ts\n([\s\S]*?)```\s*<!-- \/sdk-example -->/);
  if (!m) throw new Error('README.md has no ```ts block between <!-- sdk-example --> and <!-- /sdk-example -->');
  return m[1]!;
}

/** Replace `const name = '…';` once; the README must keep that line for a reader to edit. */
function put(code: string, name: string, value: string): string {
  const line = new RegExp(`^const ${name} = '[^']*';$`, 'm');
  if (!line.test(code)) throw new Error(`the README example has no line "const ${name} = '…';"`);
  return code.replace(line, `const ${name} = ${JSON.stringify(value)};`);
}

describe("README's SDK example", () => {
  it('runs against a live server and prints the EU inventory model with its stock locations', async () => {
    const creds = await t.application({ name: 'README reader' });
    const eu = (await api.post('/api/inventory_models', doc('inventory_models', { name: 'EU Inventory Model' }))).body
      .data.id;
    await api.post('/api/inventory_models', doc('inventory_models', { name: 'US Inventory Model' }));
    const address = await api.post(
      '/api/addresses',
      doc('addresses', {
        line_1: 'Via Roma 1',
        city: 'Milano',
        zip_code: '20100',
        country_code: 'IT',
        phone: '+39 02 1',
        first_name: 'W',
        last_name: 'H',
      }),
    );
    const location = await api.post(
      '/api/stock_locations',
      doc(
        'stock_locations',
        { name: 'Milano' },
        { address: { data: { type: 'addresses', id: address.body.data.id } } },
      ),
    );
    const isl = await api.post(
      '/api/inventory_stock_locations',
      doc(
        'inventory_stock_locations',
        { priority: 1 },
        {
          inventory_model: { data: { type: 'inventory_models', id: eu } },
          stock_location: { data: { type: 'stock_locations', id: location.body.data.id } },
        },
      ),
    );
    expect(isl.status).toBe(201);

    let code = await readmeExample();
    code = put(code, 'ALLOT', base);
    code = put(code, 'clientId', creds.client_id);
    code = put(code, 'clientSecret', creds.client_secret!);
    const file = path.join(DIR, `example-${process.pid}.mts`);
    await writeFile(file, code);
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], {
      cwd: ROOT,
      timeout: 60_000,
    });
    expect(stdout).toBe('EU Inventory Model no_split 1\n');
  });
});
