import { type ApiError, errors } from '../jsonapi/errors';
import { violation } from '../jsonapi/violations';
import { CIRCUIT_OPEN } from './connector';
import { currentWriteScope } from './scope';
import { DEADLINE } from './transaction';

interface PgError {
  code: string;
  constraint_name?: string;
  column_name?: string;
  table_name?: string;
}

/** The PostgreSQL error behind a Drizzle or postgres.js error (Drizzle keeps it on `.cause`). */
export function pgError(e: unknown): PgError | undefined {
  // biome-ignore lint/suspicious/noExplicitAny: walks a cause chain of unknown error shapes
  for (let cur: any = e, i = 0; cur && i < 5; cur = cur.cause, i++) {
    if (typeof cur.code === 'string' && /^[0-9A-Z]{5}$/.test(cur.code) && cur.severity !== undefined)
      return cur as PgError;
  }
  return undefined;
}

/**
 * postgres.js's own connection errors, and Allot's connector's and transaction runner's
 * (src/db/connector.ts, transaction.ts).
 */
const DRIVER_LOST = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  'CONNECT_TIMEOUT',
  CIRCUIT_OPEN,
  DEADLINE,
]);
/**
 * The network's (DNS, refused, reset, unreachable; ENOENT: a Unix socket gone with its server),
 * when a query met them.
 */
const NETWORK_LOST = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENOENT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
/**
 * SQLSTATEs of a server that is gone, going, starting, full, or no longer the primary; or that gave
 * up on the request's transaction (57014: statement_timeout; 25P03: idle_in_transaction_session_timeout).
 */
const SERVER_LOST = new Set([
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '25006',
  '57014',
  '25P03',
]);

/**
 * Whether the database went away under a request (restart, failover, network): `lost` when the
 * request may simply be sent again, `unknown` when a COMMIT may have been under way
 * (08007 transaction_resolution_unknown). Node's network codes count only on errors postgres.js
 * raised for a query (it marks them with `query`): a client hanging up is not a database outage.
 */
function lostDatabase(e: unknown): 'lost' | 'unknown' | undefined {
  // biome-ignore lint/suspicious/noExplicitAny: walks a cause chain of unknown error shapes
  for (let cur: any = e, i = 0; cur && i < 5; cur = cur.cause, i++) {
    const code = cur.code;
    if (typeof code !== 'string') continue;
    if (code === '08007') return 'unknown';
    if (DRIVER_LOST.has(code) || SERVER_LOST.has(code) || (NETWORK_LOST.has(code) && 'query' in cur)) return 'lost';
  }
  return undefined;
}

export interface DbErrorContext {
  /** unique constraint name → attribute, from the resource definition. */
  uniques?: Record<string, string>;
  op?: 'create' | 'update' | 'delete';
  /** The request writes (any method but GET and HEAD). */
  write?: boolean;
  lockedMessage?: string;
  /** Where a field lives in the document (attribute or relationship). */
  pointerFor?: (field: string) => string | undefined;
}

/**
 * Translate SQLSTATEs into the catalogue at the database edge, so no caller sees a driver error:
 * unique → 422 `taken` on the field, foreign key → 422 (423 on delete), lock or serialization
 * failure → 409, a lost server → 503. Anything not listed stays unknown and becomes a 500 without
 * internals.
 */
export function translateDbError(e: unknown, c: DbErrorContext = {}): ApiError | undefined {
  const lost = lostDatabase(e);
  // a write cut off may have committed before the reply was lost: it must not be retried blindly,
  // unless the write request being served never sent a COMMIT (then nothing of it was applied)
  const scope = currentWriteScope();
  const unapplied = !!scope && !scope.commitSent && !scope.committed;
  if (lost) return errors.serviceUnavailable(lost === 'unknown' || ((!!c.op || !!c.write) && !unapplied));
  const pg = pgError(e);
  if (!pg) return undefined;
  const cls = pg.code.slice(0, 2);
  switch (pg.code) {
    case '23505': {
      const attribute = (pg.constraint_name && c.uniques?.[pg.constraint_name]) ?? 'base';
      return errors.validation([violation.taken({ attribute, pointer: c.pointerFor?.(attribute) })]);
    }
    case '23503':
    case '23001': // restrict_violation: ON DELETE RESTRICT reports this, not 23503
      return c.op === 'delete'
        ? errors.locked(c.lockedMessage ?? 'The resource cannot be deleted because other resources depend on it.')
        : errors.validation([violation.danglingReference()]);
    case '23514':
      // every CHECK mirrors a rule the service validates first; reaching one means a race or a bug
      return errors.validation([violation.violates(pg.constraint_name)]);
    case '23502':
      return errors.validation([violation.blank(pg.column_name ?? 'base')]);
    case '40001':
    case '40P01':
    case '55P03':
      return errors.conflict('The resource was changed by another request at the same time. Please retry.');
    case '54000':
      return errors.validation([violation.tooLong('base')]);
  }
  if (cls === '22')
    return errors.badRequest(
      'INVALID_FIELD_VALUE',
      'Invalid field value',
      'A value in the request is not valid for its field.',
    );
  return undefined;
}
