import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExport } from '../src/jobs/run-export';
import { runImport } from '../src/jobs/run-import';
import { buildRegistry } from '../src/wiring';
import type { TestApp } from './helpers/app';
import { factory } from './helpers/factory';
import { type Client, doc } from './helpers/http';
import { postExport, postImport } from './helpers/jobs';
import { type Received, type Receiver, startReceiver } from './helpers/receiver';
import { useTestApp } from './helpers/use-app';
import { eventually, FAST_WEBHOOKS, webhook } from './helpers/webhooks';

// The imports.* and exports.* topics (spec §4), recorded by migration 0016's triggers on the jobs'
// status: each state a job reaches is one signed delivery of the job as it was then. This file's app
// runs no jobs (JOB_WORKERS=0): the test runs each one itself, so every state is reached on cue.
let t: TestApp;
let api: Client;
let rx: Receiver;
useTestApp({ env: { ...FAST_WEBHOOKS, JOB_WORKERS: '0' } }, (s) => ({ t, api } = s));
const reg = buildRegistry();
const deps = () => ({ db: t.database.db, reg, stopping: () => false });

let location: string;
const secrets = new Map<string, string>();
beforeAll(async () => {
  rx = await startReceiver();
  const f = factory(api);
  location = await f.stockLocation({ code: 'hooks-wh' });
  const cat = await f.shippingCategory();
  for (const code of ['HJ-1', 'HJ-2']) await f.stockItem(await f.sku({ code }, cat), location, 3);
  for (const type of ['imports', 'exports'])
    for (const action of ['create', 'start', 'complete', 'interrupt', 'destroy']) {
      const w = await webhook(api, `${type}.${action}`, rx.url);
      secrets.set(`${type}.${action}`, w.shared_secret);
    }
});
afterAll(() => rx?.close());

const of = (id: string) => rx.received.filter((r) => r.json.data.id === id);
const signed = (r: Received) =>
  r.signature === createHmac('sha256', secrets.get(r.topic)!).update(r.body).digest('base64');

/** Waits until every delivery recorded is finished, then what `id` got: topic and status, in order. */
async function settled(id: string, expected: number) {
  await rx.until((r) => r.filter((x) => x.json.data.id === id).length >= expected);
  await eventually(async () => {
    const [{ n }] = await t.database.sql`select count(*)::int as n from webhook_deliveries where status = 'pending'`;
    return n === 0;
  });
  await new Promise((r) => setTimeout(r, 200)); // a duplicate would have arrived by now (polls every 20 ms)
  const got = of(id);
  expect(got.every(signed)).toBe(true);
  return got.map((r) => [r.topic, r.json.data.attributes.status]);
}

describe('imports.* topics', () => {
  it('sends create, start and complete once each, with the import as it was at each', async () => {
    // two batches of inputs (BATCH is 100): the status moves once per state, not once per batch
    const inputs = Array.from({ length: 150 }, (_, i) => ({ sku_code: `HJ-${(i % 2) + 1}`, quantity: i }));
    const res = await postImport(api, { resource_type: 'stock_items', parent_resource_id: location, inputs });
    expect(res.status).toBe(201);
    const id = res.body.data.id as string;
    expect(await runImport(deps(), id)).toBe('done');
    expect(await settled(id, 3)).toEqual([
      ['imports.create', 'pending'],
      ['imports.start', 'in_progress'],
      ['imports.complete', 'completed'],
    ]);
    const [create, , complete] = of(id);
    expect(create!.json.data).toMatchObject({ type: 'imports', attributes: { inputs_size: 150, processed_count: 0 } });
    expect(complete!.json.data.attributes).toMatchObject({ processed_count: 150, errors_count: 0 });
    expect(complete!.json.data.attributes.completed_at).toBeTruthy();
    // what the import wrote fired nothing of its own (no stock item topics, and imports fire no webhooks)
    expect(rx.received.filter((r) => !r.topic.startsWith('imports.') && !r.topic.startsWith('exports.'))).toEqual([]);
    // deleting it: destroy, with the import as it was
    expect((await api.delete(`/api/imports/${id}`)).status).toBe(204);
    expect((await settled(id, 4)).at(-1)).toEqual(['imports.destroy', 'completed']);
  });

  it('sends interrupt when too many inputs fail, and when _interrupt stops a pending import', async () => {
    const bad = await postImport(api, {
      resource_type: 'stock_items',
      parent_resource_id: location,
      inputs: [{ sku_code: 'NOPE', quantity: 1 }],
    });
    const failing = bad.body.data.id as string;
    expect(await runImport(deps(), failing)).toBe('done');
    expect(await settled(failing, 3)).toEqual([
      ['imports.create', 'pending'],
      ['imports.start', 'in_progress'],
      ['imports.interrupt', 'interrupted'],
    ]);
    expect(of(failing)[2]!.json.data.attributes).toMatchObject({ errors_count: 1 });
    const res = await postImport(api, { resource_type: 'stock_items', parent_resource_id: location, inputs: [{}] });
    const stopped = res.body.data.id as string;
    const patched = await api.patch(`/api/imports/${stopped}`, doc('imports', { _interrupt: true }, {}, stopped));
    expect(patched.status).toBe(200);
    // the worker that claims it later finds nothing to run: no start
    expect(await runImport(deps(), stopped)).toBe('done');
    expect(await settled(stopped, 2)).toEqual([
      ['imports.create', 'pending'],
      ['imports.interrupt', 'interrupted'],
    ]);
  });
});

describe('exports.* topics', () => {
  it('sends create, start, complete and destroy once each; interrupt for _interrupt', async () => {
    const res = await postExport(api, { resource_type: 'stock_items', filters: { stock_location_id_eq: location } });
    expect(res.status).toBe(201);
    const id = res.body.data.id as string;
    expect(await runExport(deps(), id)).toBe('done');
    expect(await settled(id, 3)).toEqual([
      ['exports.create', 'pending'],
      ['exports.start', 'in_progress'],
      ['exports.complete', 'completed'],
    ]);
    expect(of(id)[2]!.json.data.attributes).toMatchObject({ records_count: 2, processed_count: 2 });
    expect((await api.delete(`/api/exports/${id}`)).status).toBe(204);
    expect((await settled(id, 4)).at(-1)).toEqual(['exports.destroy', 'completed']);
    const other = (await postExport(api, { resource_type: 'skus' })).body.data.id as string;
    expect((await api.patch(`/api/exports/${other}`, doc('exports', { _interrupt: true }, {}, other))).status).toBe(
      200,
    );
    expect(await runExport(deps(), other)).toBe('done');
    expect(await settled(other, 2)).toEqual([
      ['exports.create', 'pending'],
      ['exports.interrupt', 'interrupted'],
    ]);
  });
});

describe('a change that rolls back', () => {
  it('sends nothing: neither a refused job, nor a status change rolled back, nor a refused trigger', async () => {
    const before = rx.received.length;
    // refused at creation (more than 10,000 inputs): no imports.create
    const many = Array.from({ length: 10_001 }, () => ({ sku_code: 'HJ-1', quantity: 1 }));
    expect(
      (await postImport(api, { resource_type: 'stock_items', parent_resource_id: location, inputs: many })).status,
    ).toBe(422);
    // a job whose status moves inside a transaction that then fails
    const id = (await postImport(api, { resource_type: 'stock_items', parent_resource_id: location, inputs: [{}] }))
      .body.data.id as string;
    await settled(id, 1);
    await expect(
      t.database.sql.begin(async (tx) => {
        await tx`update imports set status = 'in_progress' where id = ${id}`;
        await tx`update imports set status = 'completed' where id = ${id}`;
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    // _interrupt on a completed export is refused (422): no exports.interrupt
    const exp = (await postExport(api, { resource_type: 'skus' })).body.data.id as string;
    expect(await runExport(deps(), exp)).toBe('done');
    await settled(exp, 3);
    expect((await api.patch(`/api/exports/${exp}`, doc('exports', { _interrupt: true }, {}, exp))).status).toBe(422);
    await new Promise((r) => setTimeout(r, 300));
    expect(rx.received.slice(before).map((r) => [r.topic, r.json.data.id])).toEqual([
      ['imports.create', id],
      ['exports.create', exp],
      ['exports.start', exp],
      ['exports.complete', exp],
    ]);
    const [{ n }] = await t.database.sql`select count(*)::int as n from webhook_deliveries
      where resource_id = ${id} and topic <> 'imports.create'`;
    expect(n).toBe(0);
  });
});
