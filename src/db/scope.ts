import { AsyncLocalStorage } from 'node:async_hooks';
import type postgres from 'postgres';

/**
 * What the database edge knows about the write request it serves: set by the HTTP layer around a
 * write's handler, read by the transaction runner (src/db/client.ts) and by the error translation.
 *
 * Every write of the API is one transaction (house rule), so "no transaction of this request reached
 * COMMIT" means "nothing was applied": a request cut off before that may simply be sent again.
 */
export interface WriteScope {
  /** Set when a transaction of this request sent COMMIT (its outcome is unknown until the reply). */
  commitSent: boolean;
  /** A transaction of this request committed. */
  committed: boolean;
  /** Run inside each transaction of the request, first, before the service's statements. */
  began?: (tx: postgres.Sql) => Promise<void>;
  /**
   * Run inside the transaction after the service's work, before COMMIT: what it writes commits or
   * rolls back with the write itself. `result` is what the service's transaction returned.
   */
  beforeCommit?: (tx: postgres.Sql, result: unknown) => Promise<void>;
  /** The transaction ended (committed or not): hooks that claimed something for it may let go. */
  ended?: (committed: boolean) => void;
  /**
   * Statements sent right before COMMIT without waiting for them (placement's stock counters): if one
   * failed, COMMIT rolled the transaction back, and the transaction runner reports that failure.
   */
  unsettled?: Promise<unknown>[];
  /** Set when such a statement lost a race for stock: the write is run again, locking stock first. */
  raced?: boolean;
  /** The write runs again after a lost race: placement locks stock before it plans. */
  lockStock?: boolean;
}

const storage = new AsyncLocalStorage<WriteScope>();

/** Run `fn` (and everything it starts) as the write request `scope`. */
export function inWriteScope<T>(scope: WriteScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function newWriteScope(): WriteScope {
  return { commitSent: false, committed: false };
}

/** The write request being served, if any. */
export function currentWriteScope(): WriteScope | undefined {
  return storage.getStore();
}
