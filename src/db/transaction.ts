import type postgres from 'postgres';
import type { Connector } from './connector';
import { currentWriteScope } from './scope';

/** Runs a transaction's body on its connection: the transaction runner's hook around it. */
export type TxWrap = (tx: postgres.Sql, fn: (tx: postgres.Sql) => unknown) => unknown;

export interface TransactionLimits {
  /** Server side: a statement of a request's transaction is cancelled after this long (57014). */
  statementTimeoutMs: number;
  /** Server side: a request's transaction left idle this long ends its session (25P03). */
  idleInTransactionMs: number;
  /**
   * Client side: a request's transaction still running after this long is given up (503 to the
   * caller) and its connection closed, so that no transaction can hold a pool slot for ever, even
   * when the server cannot enforce its own timeouts (unreachable, or a driver promise never settles).
   */
  deadlineMs: number;
}

export const DEADLINE = 'TRANSACTION_DEADLINE';

// pipelined ahead of the service's first statement; the port (TCP) or the pid (a Unix socket) names
// the connection's socket here
const LIMITS = `select set_config('statement_timeout', $1, true),
  set_config('idle_in_transaction_session_timeout', $2, true), inet_client_port() as port, pg_backend_pid() as pid`;

/**
 * Runs a transaction of the write request being served (src/db/scope.ts) with its limits and its
 * hooks: `began` first inside it, `beforeCommit` after the service's work and before COMMIT (so what
 * it writes commits or rolls back with the write). Transactions outside a request (migrations, the
 * CLI, background work) run as they are.
 */
export function boundedTransaction(
  begin: () => Promise<unknown>,
  setWrap: (w: TxWrap) => void,
  limits: TransactionLimits,
  connector: Connector,
): Promise<unknown> {
  const scope = currentWriteScope();
  if (!scope) return begin();
  let who: { port?: number; pid?: number } | undefined;
  setWrap(async (tx: postgres.Sql, fn) => {
    const set = tx
      .unsafe(LIMITS, [String(limits.statementTimeoutMs), String(limits.idleInTransactionMs)], { prepare: true })
      .then((rows) => {
        who = { port: (rows[0]?.port as number | null) ?? undefined, pid: rows[0]?.pid as number };
      });
    set.catch(() => {}); // a failure aborts the transaction: the statements after it report it
    await scope.began?.(tx);
    const result = await fn(tx);
    await scope.beforeCommit?.(tx, result);
    scope.commitSent = true;
    return result;
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const e = Object.assign(new Error(`transaction still running after ${limits.deadlineMs} ms: given up`), {
        code: DEADLINE,
      });
      if (who) connector.destroyConnection(who, e);
      reject(e);
    }, limits.deadlineMs);
    timer.unref();
  });
  // a statement sent right before COMMIT that failed made COMMIT a rollback: its error is the outcome
  const settle = async () => {
    for (const p of scope.unsettled?.splice(0) ?? []) await p;
  };
  const run = begin().then(
    async (r) => {
      await settle();
      return r;
    },
    async (e) => {
      await settle().catch(() => {}); // rolled back already; `raced` says whether to run it again
      throw e;
    },
  );
  return Promise.race([run, deadline]).then(
    (r) => {
      clearTimeout(timer);
      scope.committed = true;
      scope.ended?.(true);
      return r;
    },
    (e) => {
      clearTimeout(timer);
      scope.ended?.(false);
      throw e;
    },
  );
}
