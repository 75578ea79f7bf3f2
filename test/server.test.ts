import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/db/embedded';
import { exited, spawnServer } from './helpers/server';

/**
 * The README's promise, end to end: `npm start` on the embedded database, a token, the seed's
 * request; data survives restarts; a killed run is recovered; SIGTERM drains and stops PostgreSQL.
 */
const ROOT = path.resolve(__dirname, '..');
let dir: string;
let port: number;
let appsFile: string;
const creds = { client_id: 'server-test-client', client_secret: 'server-test-secret-0123456789' };

const start = (extra: Record<string, string> = {}) =>
  spawnServer({
    DATA_DIR: dir,
    PORT: String(port),
    APPLICATIONS_FILE: appsFile,
    LOG_LEVEL: 'warn',
    DATABASE_URL: '',
    ...extra,
  });

async function token(): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', ...creds }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

/** The seed document's curl request, verbatim apart from the host. */
const seedRequest = (tok: string) =>
  fetch(`http://127.0.0.1:${port}/api/inventory_models`, {
    method: 'POST',
    headers: {
      Accept: 'application/vnd.api+json',
      Authorization: `Bearer ${tok}`,
      'Content-Type': 'application/vnd.api+json',
    },
    body:
      '{\n  "data": {\n    "type": "inventory_models",\n    "attributes": {\n' +
      '      "name": "EU Inventory Model"\n    },\n    "relationships": {\n    }\n  }\n}',
  });

const postmasterPid = async () =>
  Number((await readFile(path.join(dir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'allot-server-'));
  appsFile = path.join(dir, 'apps.json');
  await writeFile(
    appsFile,
    JSON.stringify([{ name: 'CI', kind: 'integration', role: 'admin', mode: 'test', ...creds }]),
  );
  port = await freePort();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// The 30 s a cold start may take is asserted in the test; each test's own limit leaves room for a
// stop and a second start after it on a 2-core machine running other test files beside it.
describe('npm start on the embedded database', () => {
  it(`serves the seed request with 201 within 30 s of a cold start, keeps data across restarts, and \
stops cleanly on SIGTERM`, async () => {
    const t0 = Date.now();
    const a = start();
    await a.ready;
    const created = await seedRequest(await token());
    expect(created.status).toBe(201);
    expect(Date.now() - t0).toBeLessThan(30_000);
    const id = ((await created.json()) as { data: { id: string } }).data.id;
    const pg = await postmasterPid();

    // a request in flight when SIGTERM arrives still gets its answer
    const inflight = fetch(`http://127.0.0.1:${port}/api/inventory_models/${id}`, {
      headers: { Accept: 'application/vnd.api+json', Authorization: `Bearer ${await token()}` },
    });
    await new Promise((r) => setTimeout(r, 5));
    a.proc.kill('SIGTERM');
    expect((await inflight).status).toBe(200);
    expect(await exited(a.proc)).toBe(0);
    expect(alive(pg)).toBe(false);

    const b = start();
    await b.ready;
    const again = await fetch(`http://127.0.0.1:${port}/api/inventory_models/${id}`, {
      headers: { Accept: 'application/vnd.api+json', Authorization: `Bearer ${await token()}` },
    });
    expect(again.status).toBe(200);
    b.proc.kill('SIGTERM');
    await exited(b.proc);
  }, 90_000);

  it('recovers when a killed run left its PostgreSQL running', async () => {
    const a = start();
    await a.ready;
    const pg = await postmasterPid();
    a.proc.kill('SIGKILL');
    await exited(a.proc);
    expect(alive(pg)).toBe(true); // the orphan still holds the data directory

    const b = start();
    const out = await b.ready;
    expect(out).toContain('still running');
    expect(alive(pg)).toBe(false);
    expect((await seedRequest(await token())).status).toBe(201);
    b.proc.kill('SIGTERM');
    await exited(b.proc);
  }, 90_000);

  it('`npx allot applications create` works next to a running server and its credentials get tokens', async () => {
    const a = start();
    await a.ready;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        'bin/allot.mjs',
        'applications',
        'create',
        '--kind',
        'integration',
        '--role',
        'read_only',
        '--mode',
        'live',
        '--name',
        'ERP',
      ],
      {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '' },
      },
    );
    const app = JSON.parse(stdout);
    expect(app).toMatchObject({ kind: 'integration', role: 'read_only', mode: 'live', name: 'ERP' });
    const res = await fetch(`http://127.0.0.1:${port}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: app.client_id,
        client_secret: app.client_secret,
      }),
    });
    expect(res.status).toBe(200);
    a.proc.kill('SIGTERM');
    await exited(a.proc);
  });
});
