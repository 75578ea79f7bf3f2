import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { type Connector, createConnector } from './connector';
import { guard } from './guard';
import { timed } from './instrument';
import * as schema from './schema/index';
import { socketOf } from './socket-url';
import { boundedTransaction, type TransactionLimits, type TxWrap } from './transaction';

export type Db = PostgresJsDatabase<typeof schema>;

export interface DbEvent {
  level: 'info' | 'warn' | 'error';
  msg: string;
  err?: unknown;
}

/**
 * One pool of connections to one database. `sql` is postgres.js for hand-written hot paths; `db` is
 * Drizzle over it.
 */
export interface Database {
  sql: postgres.Sql;
  db: Db;
  close(): Promise<void>;
  /** Called whenever a connection of the pool closes (server restart, failover, network, shutdown). */
  onConnectionClosed: Set<() => void>;
  /** Circuit opened or closed, driver fault contained: for the log (stderr when nobody listens). */
  onEvent: Set<(e: DbEvent) => void>;
  /** Whether the database is known to be unreachable right now (new connections fail at once). */
  unreachable(): boolean;
}

export interface ConnectOptions extends Partial<TransactionLimits> {
  /** Establishing a connection (TCP and startup), in ms. */
  connectTimeoutMs?: number;
  /** While the database is unreachable, how often a connection is tried, in ms. */
  probeMs?: number;
}

/**
 * Marks a statement whose text depends on client input (list filters and sorts): it is not kept as
 * a prepared statement, so clients cannot grow the per-connection statement cache without bound,
 * and it is planned for its values. The pool's connections force generic plans (see `connect`),
 * and PostgreSQL applies that to unnamed statements too: `name ILIKE $2 ORDER BY created_at LIMIT
 * $3` would walk the catalogue in list order, not the trigram index. Ad hoc statements therefore
 * run on a small pool of their own, whose connections keep PostgreSQL's default (`auto`: an
 * unnamed statement always gets a plan made with its values).
 */
export const ADHOC = '/*adhoc*/';

/**
 * Drizzle runs unnamed queries unprepared, which costs PostgreSQL a parse and plan per execution and
 * postgres.js an extra Describe round trip. Every statement Allot writes has a fixed shape (lists are
 * bound as one array parameter), so all are prepared and cached per connection, except ADHOC ones.
 * `begin` runs through `transaction` when given (the pool's own; savepoints pass through).
 */
function preparing(
  sql: postgres.Sql,
  transaction?: (begin: () => Promise<unknown>, setWrap: (w: TxWrap) => void) => unknown,
  adhoc?: postgres.Sql,
  // in a transaction: whether its connection is set to plan for values (ad hoc statements), shared
  // with its savepoints; unknown after a savepoint rolled back, which undoes its SET LOCALs. (A
  // savepoint or rollback written by hand is a prepared statement: settled to generic plans before
  // it, it keeps what is believed true.)
  plans: { forValues: boolean | undefined } = { forValues: false },
): postgres.Sql {
  // SET LOCAL lasts to the transaction's end: a prepared statement after an ad hoc one would be
  // planned anew at every execution, so the generic plans come back before it. Both are pipelined
  // on the transaction's connection ahead of the statement, with no round trip of their own.
  const settle = (forValues: boolean) => {
    if (plans.forValues === forValues) return;
    plans.forValues = forValues;
    sql.unsafe(`set local plan_cache_mode = ${forValues ? 'auto' : 'force_generic_plan'}`).catch(() => {});
  };
  return new Proxy(sql, {
    // tagged templates: timed for the statement metrics (a fragment is never dispatched, so never counted)
    apply: (target, self, args) => {
      settle(false);
      return timed(Reflect.apply(target, self, args));
    },
    get(target, prop, receiver) {
      if (prop === 'unsafe') {
        return (q: string, params?: unknown[], opts?: object) => {
          if (!q.includes(ADHOC)) {
            settle(false);
            return timed(target.unsafe(q, params as never, { ...opts, prepare: true }));
          }
          // planned for its values (see ADHOC): on the pool, by a connection of the ad hoc pool; in a
          // transaction, after a SET LOCAL sent ahead of it on the same connection
          if (adhoc) return timed(adhoc.unsafe(q, params as never, { ...opts, prepare: false }));
          settle(true);
          return timed(target.unsafe(q, params as never, { ...opts, prepare: false }));
        };
      }
      if (prop === 'begin' || prop === 'savepoint') {
        return (...args: unknown[]) => {
          const fn = args[args.length - 1] as (tx: postgres.Sql) => unknown;
          let wrap: TxWrap = (tx, f) => f(tx);
          // a transaction starts with the connection's generic plans; a savepoint shares its transaction's state
          const inner = prop === 'savepoint' ? plans : { forValues: false };
          args[args.length - 1] = (tx: postgres.Sql) => wrap(tx, (t) => fn(preparing(t, undefined, undefined, inner)));
          // begin and savepoint are overloaded; the arguments are passed through unchanged
          // biome-ignore lint/suspicious/noExplicitAny: overloaded, see above
          const begin = () => (target as any)[prop](...args) as Promise<unknown>;
          if (prop === 'savepoint')
            return begin().catch((e) => {
              plans.forValues = undefined; // rolled back to the savepoint
              throw e;
            });
          if (!transaction) return begin();
          return transaction(begin, (w) => (wrap = w));
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

export function connect(given: string, max = 10, options: ConnectOptions = {}): Database {
  const { url, path } = socketOf(given);
  const onConnectionClosed = new Set<() => void>();
  const onEvent = new Set<(e: DbEvent) => void>();
  const emit = (e: DbEvent) => {
    if (!onEvent.size && e.level !== 'info')
      process.stderr.write(`[allot] database: ${e.msg}${e.err ? `: ${(e.err as Error).message ?? e.err}` : ''}\n`);
    for (const f of onEvent) f(e);
  };
  const connectTimeoutMs = options.connectTimeoutMs ?? 1_000;
  const connector: Connector = createConnector({
    connectTimeoutMs,
    probeMs: options.probeMs ?? 100,
    onCircuit: (open, cause) =>
      emit(
        open
          ? { level: 'warn', msg: 'unreachable: requests fail fast until a probe connects', err: cause }
          : { level: 'info', msg: 'reachable again' },
      ),
  });
  const poolOptions = {
    ...(path ? { path } : {}),
    onnotice: () => {},
    onclose: () => {
      for (const f of onConnectionClosed) f();
    },
    // connections live until the server or the network ends them, so a close means exactly that
    // (the response cache empties itself on it); postgres.js would otherwise recycle each one every 30–60 min
    max_lifetime: null,
    // the connector fails fast while the database is away; once it is back, a connection slot
    // waits at most 250 ms before trying again (postgres.js's default grows to 20 s)
    socket: connector.socket,
    connect_timeout: connectTimeoutMs / 1000,
    backoff: (retries: number) => Math.min(0.25, 0.01 * 2 ** retries),
    // `socket` (a connection factory) is documented but missing from the 3.4.9 typings
    // biome-ignore lint/suspicious/noExplicitAny: see above
  } as any;
  // every prepared statement is a key lookup of fixed shape: plan it once per connection
  const sql = postgres(url, {
    ...poolOptions,
    max,
    connection: { application_name: 'allot', plan_cache_mode: 'force_generic_plan' },
  });
  // client-shaped list statements (ADHOC): planned for their values, on a few connections of their own
  const adhoc = postgres(url, {
    ...poolOptions,
    max: Math.max(2, Math.ceil(max / 4)),
    connection: { application_name: 'allot' },
  });
  const limits: TransactionLimits = {
    statementTimeoutMs: options.statementTimeoutMs ?? 10_000,
    idleInTransactionMs: options.idleInTransactionMs ?? 10_000,
    deadlineMs: options.deadlineMs ?? 15_000,
  };
  const db = drizzle(
    preparing(sql, (begin, wrap) => boundedTransaction(begin, wrap, limits, connector), adhoc),
    { schema },
  );
  // Drizzle made the pool pass dates and JSON through as text (its own mappers convert them): the
  // ad hoc pool serves the same queries, so it parses and serializes them alike
  Object.assign(adhoc.options.parsers, sql.options.parsers);
  Object.assign(adhoc.options.serializers, sql.options.serializers);
  const unguard = guard({
    reset: (cause) =>
      connector.destroyAll(
        Object.assign(new Error(`connection ended after a driver fault: ${String(cause)}`), {
          code: 'CONNECTION_DESTROYED',
        }),
      ),
    log: (level, msg, err) => emit({ level, msg, err }),
  });
  return {
    sql,
    db,
    close: async () => {
      unguard();
      connector.close();
      await Promise.all([sql.end({ timeout: 5 }), adhoc.end({ timeout: 5 })]);
    },
    onConnectionClosed,
    onEvent,
    unreachable: () => connector.open(),
  };
}

/**
 * The postgres.js client under a Drizzle database or transaction, for hand-written hot-path
 * statements: tagged templates are prepared once per connection and never re-rendered.
 */
export function rawClient(db: unknown): postgres.Sql {
  return (db as { session: { client: postgres.Sql } }).session.client;
}
