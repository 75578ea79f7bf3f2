import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connect, type Database } from '../src/db/client';
import { inWriteScope, newWriteScope } from '../src/db/scope';
import { socketOf } from '../src/db/socket-url';

/**
 * The embedded PostgreSQL is reached through its Unix socket (libpq's `host=/dir` in the URL), and a
 * write transaction past its deadline still frees its connection there, where the server cannot name
 * the client's socket by port.
 */
const admin = inject('pgAdminUrl');
const embedded = !process.env.DATABASE_URL;
const opened: Database[] = [];
const open = (url: string, max: number, deadlineMs?: number) => {
  const d = connect(url, max, deadlineMs ? { deadlineMs } : {});
  opened.push(d);
  return d;
};
afterAll(async () => {
  for (const d of opened) await d.close();
});

describe.runIf(embedded)('the embedded server over its Unix socket', () => {
  it('is what its URL names, and a connection through it has no client port; without host=, TCP', async () => {
    expect(socketOf(admin).path).toMatch(/^\/tmp\/\.s\.PGSQL\.\d+$/);
    const [unix] = await open(admin, 1).sql`select inet_client_port() as port`;
    expect(unix!.port).toBeNull();
    const [tcp] = await open(socketOf(admin).url, 1).sql`select inet_client_port() as port`;
    expect(tcp!.port).toBeGreaterThan(0);
  });

  it('ends a write transaction stuck past its deadline and serves the next statement at once', async () => {
    const db = open(admin, 1, 300);
    const stuck = await inWriteScope(newWriteScope(), () =>
      db.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_sleep(5)`);
      }),
    ).catch((e: { code?: string }) => e);
    expect((stuck as { code?: string }).code).toBe('TRANSACTION_DEADLINE');
    // the only connection was destroyed, so a new one answers; kept, it would still be sleeping
    const t0 = performance.now();
    const [r] = await db.sql`select 1 as one`;
    expect(r!.one).toBe(1);
    expect(performance.now() - t0).toBeLessThan(2_000);
  });
});
