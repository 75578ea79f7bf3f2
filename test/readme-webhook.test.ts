import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/db/embedded';
import type { Client } from './helpers/http';
import { network, order, trigger } from './helpers/orders';
import { useTestApp } from './helpers/use-app';
import { eventually, FAST_WEBHOOKS, webhook } from './helpers/webhooks';

// The README's webhook receiver is the code this test runs: the fenced block between the
// webhook-receiver-example markers, with a free port and the webhook's secret put in, under tsx.
const ROOT = path.resolve(__dirname, '..');
const DIR = path.join(ROOT, 'node_modules', '.cache', 'allot-readme-webhook-test');

let api: Client;
let receiver: ChildProcess | undefined;
useTestApp({ env: FAST_WEBHOOKS }, (s) => ({ api } = s));
beforeAll(() => mkdir(DIR, { recursive: true }));
afterAll(async () => {
  receiver?.kill();
  await rm(DIR, { recursive: true, force: true });
});

async function readmeReceiver(): Promise<string> {
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
  const m = readme.match(
    /<!-- webhook-receiver-example -->\s*```ts\n([\s\S]*?)```\s*<!-- \/webhook-receiver-example -->/,
  );
  if (!m) throw new Error('README.md has no ```ts block between the webhook-receiver-example markers');
  return m[1]!;
}

function put(code: string, name: string, value: string): string {
  const line = new RegExp(`^const ${name} = '[^']*';$`, 'm');
  if (!line.test(code)) throw new Error(`the README receiver has no line "const ${name} = '…';"`);
  return code.replace(line, `const ${name} = ${JSON.stringify(value)};`);
}

describe("README's webhook receiver", () => {
  it('verifies what Allot signs, and refuses what it did not sign', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/hook`;
    const w = await webhook(api, 'orders.place', url);
    let code = await readmeReceiver();
    code = put(code, 'PORT', String(port));
    code = put(code, 'SHARED_SECRET', w.shared_secret);
    const file = path.join(DIR, `receiver-${process.pid}.mts`);
    await writeFile(file, code);
    let out = '';
    receiver = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    receiver.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    await eventually(async () => out.includes('listening'));
    const n = await network(api, { stock: { X: { A: 2 } } });
    const id = await order(api, n, { X: 1 });
    expect((await trigger(api, 'orders', id, '_place')).status).toBe(200);
    await eventually(async () => out.includes(`orders.place orders ${id}`));
    const forged = await fetch(url, {
      method: 'POST',
      body: JSON.stringify({ data: { type: 'orders', id: 'forged' } }),
      headers: { 'x-commercelayer-topic': 'orders.place', 'x-commercelayer-signature': 'bm90IGEgc2lnbmF0dXJl' },
    });
    expect(forged.status).toBe(401);
    expect(out).not.toContain('forged');
  });
});
