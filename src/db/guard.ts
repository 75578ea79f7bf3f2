import { inspect } from 'node:util';

/**
 * The last resort against the database driver: an exception thrown from postgres.js's own code where
 * nothing can catch it (a timer, a socket event; the way 3.4.9 crashed on a closed socket, see
 * patches/postgres+3.4.9.patch) must not end the process. It ends every connection of every pool
 * instead: the queries waiting on them are rejected (their requests answer 503) and the pools
 * reconnect on demand. A query error nobody awaited is logged and dropped.
 *
 * Any other uncaught exception keeps Node's behaviour: printed, exit code 1 — unless someone else
 * (a test runner, an error reporter) listens for uncaught exceptions too, in which case it is theirs.
 */
export interface GuardedPool {
  reset(cause: unknown): number;
  log(level: 'warn' | 'error', msg: string, err: unknown): void;
}

const pools = new Set<GuardedPool>();
let installed = false;

const DRIVER = /[\\/]node_modules[\\/]postgres[\\/]/;

/** Whether `err` was raised inside postgres.js. */
export function fromDriver(err: unknown): boolean {
  const stack = err instanceof Error ? err.stack : undefined;
  if (!stack) return false;
  // the first frame that names a file decides: an application frame on top is an application error
  const frame = stack.split('\n').find((l) => /^\s+at .*[\\/]/.test(l));
  return !!frame && DRIVER.test(frame);
}

/** A query or connection failure postgres.js reports (a code of its own or a SQLSTATE), as opposed to a bug. */
function isQueryFailure(err: unknown): boolean {
  return typeof (err as { code?: unknown })?.code === 'string';
}

export function handleUncaught(err: unknown, origin: string): boolean {
  if (origin === 'unhandledRejection' && isQueryFailure(err) && (fromDriver(err) || 'query' in (err as object))) {
    for (const p of pools) p.log('warn', 'a database error nobody awaited', err);
    return true;
  }
  if (!fromDriver(err)) return false;
  for (const p of pools) {
    const n = p.reset(err);
    p.log('error', `the database driver threw (${origin}); ${n} connection(s) ended, reconnecting on demand`, err);
  }
  return true;
}

function onUncaught(err: unknown, origin: string) {
  if (handleUncaught(err, origin)) return;
  if (process.listenerCount('uncaughtException') > 1) return;
  process.stderr.write(`${inspect(err)}\n`);
  process.exit(1);
}

/** Put `pool` under the guard (installed once per process); returns the way out. */
export function guard(pool: GuardedPool): () => void {
  pools.add(pool);
  if (!installed) {
    installed = true;
    process.on('uncaughtException', onUncaught);
  }
  return () => void pools.delete(pool);
}
