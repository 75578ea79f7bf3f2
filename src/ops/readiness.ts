import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Database } from '../db/client';
import { MIGRATIONS_DIR } from '../db/migrate';

export interface ReadyState {
  ready: boolean;
  reason?: string;
}

/**
 * What `/ready` answers: warmed up (src/db/warm.ts), not draining, the database answering, and its
 * schema at this build's last migration. While the pool's circuit is open (connections fail at once,
 * src/db/connector.ts) the answer is no without a statement; otherwise one statement at most every
 * `ttlMs` whatever the number of probes (concurrent probes share it), and never more than
 * `timeoutMs` of waiting: a database that does not answer is a no.
 */
export class Readiness {
  draining = false;
  /** Set while the process prepares itself (warm start): a reason to answer no. */
  warming: string | undefined;
  private last: { at: number; state: ReadyState } | undefined;
  private pending: Promise<ReadyState> | undefined;
  private readonly latest = latestMigration();

  constructor(
    private readonly database: Pick<Database, 'sql' | 'unreachable'>,
    private readonly ttlMs = 500,
    private readonly timeoutMs = 2_000,
  ) {}

  async check(): Promise<ReadyState> {
    if (this.draining) return { ready: false, reason: 'shutting down' };
    if (this.warming) return { ready: false, reason: this.warming };
    if (this.database.unreachable())
      return { ready: false, reason: 'database unavailable (unreachable: connections fail until a probe connects)' };
    if (this.last && Date.now() - this.last.at < this.ttlMs) return this.last.state;
    this.pending ??= this.probe().then((state) => {
      this.last = { at: Date.now(), state };
      this.pending = undefined;
      return state;
    });
    const state = await this.pending;
    return this.draining ? { ready: false, reason: 'shutting down' } : state;
  }

  private async probe(): Promise<ReadyState> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<ReadyState>((r) => {
      timer = setTimeout(
        () => r({ ready: false, reason: `the database did not answer within ${this.timeoutMs} ms` }),
        this.timeoutMs,
      );
    });
    const asked = this.database.sql<
      { at: string | null }[]
    >`select max(created_at)::text as at from drizzle.__drizzle_migrations`
      .then(([row]): ReadyState => {
        return Number(row?.at) >= this.latest
          ? { ready: true }
          : { ready: false, reason: 'the database schema is behind this version: migrations not applied' };
      })
      .catch(
        (e: Error & { code?: string }): ReadyState => ({
          ready: false,
          reason: `database unavailable (${e.code ?? e.message})`,
        }),
      );
    try {
      return await Promise.race([asked, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The `when` of the last migration this build ships (drizzle records it as `created_at`). */
function latestMigration(): number {
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as {
    entries: { when: number }[];
  };
  return Math.max(...journal.entries.map((e) => e.when));
}
