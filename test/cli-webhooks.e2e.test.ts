import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { type CliHarness, type CliResult, startCliHarness } from './helpers/cli-harness';
import type { Client } from './helpers/http';
import { network, order } from './helpers/orders';
import { type Receiver, startReceiver } from './helpers/receiver';
import { useTestApp } from './helpers/use-app';
import { FAST_WEBHOOKS } from './helpers/webhooks';

// `@commercelayer/cli-plugin-webhooks`, unmodified, through the CLI harness (README "The official CLI").
const DOMAIN = 'allot.localhost';
const SLOW = 120_000;
let t: TestApp;
let api: Client;
let cli: CliHarness;
let rx: Receiver;
useTestApp({ env: { ...FAST_WEBHOOKS, TRUST_PROXY: 'loopback' } }, (s) => ({ t, api } = s));
beforeAll(async () => {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  cli = await startCliHarness({
    backend: `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`,
    domain: DOMAIN,
  });
  rx = await startReceiver();
  const admin = await t.application({ name: 'CLI webhooks' });
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
    'wh',
  ]);
}, 60_000);
afterAll(async () => {
  await cli?.close();
  await rx?.close();
});

async function ok(args: string[]): Promise<CliResult> {
  const r = await cli.run(args);
  expect(r.code, `commercelayer ${args.join(' ')}\n${r.output}`).toBe(0);
  return r;
}

describe('commercelayer webhooks:*', () => {
  let id: string;

  it('creates a webhook with includes', { timeout: SLOW }, async () => {
    const r = await ok(['webhooks:create', '-t', 'orders.create', '-u', rx.url, '-i', 'market', '-n', 'cli-hook']);
    id = /created new webhook with topic orders\.create and id (\w+)/.exec(r.stdout)![1]!;
    const w = (await api.get(`/api/webhooks/${id}`)).body.data.attributes;
    expect(w).toMatchObject({ name: 'cli-hook', topic: 'orders.create', include_resources: ['market'] });
  });

  it('lists and shows it', { timeout: SLOW }, async () => {
    const list = await ok(['webhooks:list']);
    expect(list.stdout).toContain(id);
    expect(list.stdout).toContain('orders.create');
    const details = await ok(['webhooks:details', id]);
    expect(details.stdout).toContain(rx.url);
    expect(details.stdout).toMatch(/shared_secret/);
    expect(details.stdout).toMatch(/closed/);
  });

  it('listens: prints the event callbacks of a delivery', { timeout: SLOW }, async () => {
    const n = await network(api, { stock: { X: { A: 1 } } });
    const listening = cli.run(['webhooks:listen', id, '-t', '5']);
    await new Promise((r) => setTimeout(r, 4_000)); // the CLI starts and takes its first look
    const orderId = await order(api, n, {});
    await rx.until((r) => r.some((x) => x.json.data.id === orderId));
    const r = await listening;
    expect(r.code, r.output).toBe(0);
    const [cb] = (await t.database.sql`select id from event_callbacks where webhook_id = ${id}`) as unknown as Array<{
      id: string;
    }>;
    expect(r.stdout).toContain(cb!.id);
    expect(rx.received.find((x) => x.json.data.id === orderId)!.json.included[0].type).toBe('markets');
  });
});
