import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { timed } from './instrument';
import * as schema from './schema/index';

export type Db = PostgresJsDatabase<typeof schema>;

/** One pool of connections to one database. `sql` is postgres.js for hand-written hot paths; `db` is Drizzle over it. */
export interface Database {
  sql: postgres.Sql;
  db: Db;
  close(): Promise<void>;
  /** Called whenever a connection of the pool closes (server restart, failover, network, shutdown). */
  onConnectionClosed: Set<() => void>;
}

/**
 * Marks a statement whose text depends on client input (list filters and sorts): it is not kept as
 * a prepared statement, so clients cannot grow the per-connection statement cache without bound.
 */
export const ADHOC = '/*adhoc*/';

/**
 * Drizzle runs unnamed queries unprepared, which costs PostgreSQL a parse and plan per execution and
 * postgres.js an extra Describe round trip. Every statement Allot writes has a fixed shape (lists are
 * bound as one array parameter), so all are prepared and cached per connection, except ADHOC ones.
 */
function preparing(sql: postgres.Sql): postgres.Sql {
  return new Proxy(sql, {
    // tagged templates: timed for the statement metrics (a fragment is never dispatched, so never counted)
    apply: (target, self, args) => timed(Reflect.apply(target, self, args)),
    get(target, prop, receiver) {
      if (prop === 'unsafe') {
        return (q: string, params?: unknown[], opts?: object) =>
          timed(target.unsafe(q, params as never, { ...opts, prepare: !q.includes(ADHOC) }));
      }
      if (prop === 'begin' || prop === 'savepoint') {
        return (...args: unknown[]) => {
          const fn = args[args.length - 1] as (tx: postgres.Sql) => unknown;
          args[args.length - 1] = (tx: postgres.Sql) => fn(preparing(tx));
          // biome-ignore lint/suspicious/noExplicitAny: begin and savepoint are overloaded; the arguments are passed through unchanged
          return (target as any)[prop](...args);
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

export function connect(url: string, max = 10): Database {
  const onConnectionClosed = new Set<() => void>();
  const sql = postgres(url, {
    max,
    onnotice: () => {},
    onclose: () => {
      for (const f of onConnectionClosed) f();
    },
    // connections live until the server or the network ends them, so a close means exactly that
    // (the response cache empties itself on it); postgres.js would otherwise recycle each one every 30–60 min
    max_lifetime: null,
    // every prepared statement is a key lookup of fixed shape: plan it once per connection
    connection: { application_name: 'allot', plan_cache_mode: 'force_generic_plan' },
  });
  const db = drizzle(preparing(sql), { schema });
  return { sql, db, close: () => sql.end({ timeout: 5 }), onConnectionClosed };
}

/**
 * The postgres.js client under a Drizzle database or transaction, for hand-written hot-path
 * statements: tagged templates are prepared once per connection and never re-rendered.
 */
export function rawClient(db: unknown): postgres.Sql {
  return (db as { session: { client: postgres.Sql } }).session.client;
}
