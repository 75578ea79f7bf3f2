import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { socketOf } from '../src/db/socket-url';
import type { TestApp } from './helpers/app';
import { place } from './helpers/faults';
import { type Client, client, doc } from './helpers/http';
import { network, order, stockOf } from './helpers/orders';
import { exited, startServerProcess, stopServerProcess } from './helpers/server';
import { useTestApp } from './helpers/use-app';

/**
 * Issue 17 §5: `Idempotency-Key` on POST, PATCH and DELETE under /api. A request sent again with its
 * key gets the first outcome instead of acting twice; the key is claimed in the write's own
 * transaction, so a write that committed is never applied again, even when its reply was lost.
 */
let t: TestApp;
let api: Client;
useTestApp({ clean: true }, (s) => ({ t, api } = s));

let seq = 0;
const newKey = () => `key-${process.pid}-${++seq}-${Math.random().toString(36).slice(2)}`;
const keyed = (c: Client, key: string, method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  c.call({
    method,
    url,
    headers: { 'idempotency-key': key },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });
const modelsNamed = async (name: string) =>
  (await t.database.sql`select id from inventory_models where name = ${name}`).map((r) => r.id as string);

describe('Idempotency-Key', () => {
  it('a POST sent twice with one key creates once and answers the same both times', async () => {
    const key = newKey();
    const body = doc('inventory_models', { name: `once-${key}` });
    const first = await keyed(api, key, 'POST', '/api/inventory_models', body);
    const second = await keyed(api, key, 'POST', '/api/inventory_models', body);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await modelsNamed(`once-${key}`)).toEqual([first.body.data.id]);
  });

  it('refuses the same key with another body (422) and changes nothing', async () => {
    const key = newKey();
    expect(
      (await keyed(api, key, 'POST', '/api/inventory_models', doc('inventory_models', { name: `a-${key}` }))).status,
    ).toBe(201);
    const other = await keyed(api, key, 'POST', '/api/inventory_models', doc('inventory_models', { name: `b-${key}` }));
    expect(other.status).toBe(422);
    expect(other.body.errors[0]).toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
      source: { header: 'Idempotency-Key' },
    });
    expect(await modelsNamed(`b-${key}`)).toEqual([]);
  });

  it('keys belong to one application: another one acts on its own', async () => {
    const key = newKey();
    const body = doc('inventory_models', { name: `apps-${key}` });
    const other = client(t.app, await t.token(await t.application({})));
    const mine = await keyed(api, key, 'POST', '/api/inventory_models', body);
    const theirs = await keyed(other, key, 'POST', '/api/inventory_models', body);
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.data.id).not.toBe(mine.body.data.id);
  });

  it('refuses a malformed key with 400', async () => {
    for (const key of ['', 'with space', 'x'.repeat(256)]) {
      const res = await keyed(api, key, 'POST', '/api/inventory_models', doc('inventory_models', { name: 'never' }));
      expect(res.status, key).toBe(400);
      expect(res.body.errors[0].code).toBe('INVALID_HEADER');
    }
    expect(await modelsNamed('never')).toEqual([]);
  });

  it('concurrent placements with one key place once and all answer the same', async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const id = await order(api, n, { X: 2 });
    const key = newKey();
    const body = doc('orders', { _place: true }, {}, id);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => keyed(api, key, 'PATCH', `/api/orders/${id}`, body)),
    );
    for (const a of answers) {
      expect(a.status, JSON.stringify(a.body)).toBe(200);
      expect(a.body).toEqual(answers[0]!.body);
    }
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(4);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 10, reserved: 2 });
    const [{ c }] = await t.database.sql`select count(*)::int as c from shipments where order_id = ${id}`;
    expect(c).toBe(1);
  });

  it('answers a refused placement the same when retried, rather than running it again', async () => {
    const n = await network(api, { stock: { X: { A: 3 } } });
    const taken = await order(api, n, { X: 2 });
    const id = await order(api, n, { X: 2 });
    expect((await api.patch(`/api/orders/${taken}`, doc('orders', { _place: true }, {}, taken))).status).toBe(200);
    const key = newKey();
    const body = doc('orders', { _place: true }, {}, id);
    const first = await keyed(api, key, 'PATCH', `/api/orders/${id}`, body);
    expect(first.status).toBe(422);
    // the stock comes back; the retry with the key still gets the first answer
    expect((await api.patch(`/api/orders/${taken}`, doc('orders', { _cancel: true }, {}, taken))).status).toBe(200);
    const again = await keyed(api, key, 'PATCH', `/api/orders/${id}`, body);
    expect(again.status).toBe(422);
    expect(again.body).toEqual(first.body);
    // a new key is a new request
    expect((await keyed(api, newKey(), 'PATCH', `/api/orders/${id}`, body)).status).toBe(200);
  });

  it('a DELETE retried with its key answers 204 again', async () => {
    const created = await api.post('/api/inventory_models', doc('inventory_models', { name: 'to-delete' }));
    const url = `/api/inventory_models/${created.body.data.id}`;
    const key = newKey();
    expect((await keyed(api, key, 'DELETE', url)).status).toBe(204);
    const again = await keyed(api, key, 'DELETE', url);
    expect(again.status).toBe(204);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('renders the outcome again when a committed write never stored its reply', async () => {
    const key = newKey();
    const body = doc('inventory_models', { name: `lost-${key}` });
    const first = await keyed(api, key, 'POST', '/api/inventory_models', body);
    // what a process killed between COMMIT and its reply leaves behind: the key, not the reply
    await t.database.sql`update idempotency_keys set status = null, body = null where key = ${key}`;
    const again = await keyed(api, key, 'POST', '/api/inventory_models', body);
    expect(again.status).toBe(201);
    expect(again.body.data).toEqual(first.body.data);
    expect(await modelsNamed(`lost-${key}`)).toHaveLength(1);
    const [row] = await t.database.sql`select status from idempotency_keys where key = ${key}`;
    expect(row!.status).toBe(201);
  });

  it('is documented on every write of the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const header = doc.components.parameters.idempotency_key;
    expect(header).toMatchObject({ name: 'Idempotency-Key', in: 'header', required: false });
    const orders = Object.entries(
      doc.paths as Record<string, Record<string, { parameters?: { $ref?: string }[] }>>,
    ).find(([p]) => p.startsWith('/api/orders/{'))![1];
    for (const op of [orders.patch, orders.delete, doc.paths['/api/orders'].post])
      expect(op!.parameters).toContainEqual({ $ref: '#/components/parameters/idempotency_key' });
    expect(doc.paths['/api/orders'].get.parameters).not.toContainEqual({
      $ref: '#/components/parameters/idempotency_key',
    });
  });

  it('forgets keys after 24 hours', async () => {
    const key = newKey();
    const body = doc('inventory_models', { name: `expired-${key}` });
    await keyed(api, key, 'POST', '/api/inventory_models', body);
    await t.database.sql`update idempotency_keys set created_at = now() - interval '25 hours' where key = ${key}`;
    expect((await keyed(api, key, 'POST', '/api/inventory_models', body)).status).toBe(201);
    expect(await modelsNamed(`expired-${key}`)).toHaveLength(2);
  });
});

describe('Idempotency-Key when the server dies between COMMIT and its reply', () => {
  let proc: Awaited<ReturnType<typeof startServerProcess>>['proc'] | undefined;
  afterEach(() => stopServerProcess(proc));

  it('a placement sent again after a SIGKILL places once and answers with the placed order', async () => {
    const n = await network(api, { stock: { X: { A: 100 } } });
    const { url, path } = socketOf(t.dbUrl);
    const sql = postgres(url, { path, max: 2, onnotice: () => {} });
    try {
      let caught = false;
      for (let attempt = 0; attempt < 5 && !caught; attempt++) {
        const id = await order(api, n, { X: 3 });
        const key = newKey();
        const server = await startServerProcess(t.dbUrl);
        proc = server.proc;
        const reply = place(server.url, t.tokens.admin, id, { 'idempotency-key': key });
        // the key row appears when the placement commits; holding it locked stops the server just
        // before its reply (it stores the reply first), then the server is killed there
        let status: number | null | undefined;
        const held = sql.begin(async (tx) => {
          for (let i = 0; i < 5000; i++) {
            const rows = await tx`select status from idempotency_keys where key = ${key} for update`;
            if (rows.length) {
              status = rows[0]!.status;
              break;
            }
          }
          if (status === null) {
            server.proc.kill('SIGKILL');
            await exited(server.proc);
          }
        });
        await held;
        const first = await reply;
        if (status !== null) {
          expect(first.status).toBe(200); // the reply went out before the lock: try again
          continue;
        }
        caught = true;
        expect(first.status).toBe(0); // no answer: the process died
        const [placed] = await sql`select status from orders where id = ${id}`;
        expect(placed!.status).toBe('placed');
        const again = await startServerProcess(t.dbUrl);
        proc = again.proc;
        const retried = await place(again.url, t.tokens.admin, id, { 'idempotency-key': key });
        expect(retried.status, JSON.stringify(retried.body)).toBe(200);
        expect(retried.body.data).toMatchObject({ id, attributes: { status: 'placed' } });
        const third = await place(again.url, t.tokens.admin, id, { 'idempotency-key': key });
        expect(third.body).toEqual(retried.body);
        const [{ c }] = await sql`select count(*)::int as c from shipments where order_id = ${id}`;
        expect(c).toBe(1);
        const [{ r }] =
          await sql`select coalesce(sum(quantity), 0)::int as r from stock_reservations where order_id = ${id}`;
        expect(r).toBe(3);
      }
      expect(caught, 'the server was never caught between COMMIT and its reply').toBe(true);
    } finally {
      await sql.end({ timeout: 1 });
    }
  }, 90_000);
});
