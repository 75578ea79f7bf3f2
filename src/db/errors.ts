import { ApiError, errors } from '../jsonapi/errors';

interface PgError {
  code: string;
  constraint_name?: string;
  column_name?: string;
  table_name?: string;
}

/** The PostgreSQL error behind a Drizzle or postgres.js error (Drizzle keeps it on `.cause`). */
export function pgError(e: unknown): PgError | undefined {
  for (let cur: any = e, i = 0; cur && i < 5; cur = cur.cause, i++) {
    if (typeof cur.code === 'string' && /^[0-9A-Z]{5}$/.test(cur.code) && cur.severity !== undefined) return cur as PgError;
  }
  return undefined;
}

/** postgres.js's own connection errors (no SQLSTATE) and the network's. */
const LOST = new Set(['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/**
 * The database is gone or going (restart, failover, network): a retry may succeed — 503 with
 * Retry-After, not 500. SQLSTATE class 08 (connection), 57P01–57P03 (shutdown, starting up), 53300
 * (too many connections).
 */
function unavailable(e: unknown): boolean {
  for (let cur: any = e, i = 0; cur && i < 5; cur = cur.cause, i++) {
    if (typeof cur.code !== 'string') continue;
    if (LOST.has(cur.code) || cur.code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(cur.code)) return true;
  }
  return false;
}

export interface DbErrorContext {
  /** unique constraint name → attribute, from the resource definition. */
  uniques?: Record<string, string>;
  op?: 'create' | 'update' | 'delete';
  lockedMessage?: string;
  /** Where a field lives in the document (attribute or relationship). */
  pointerFor?: (field: string) => string | undefined;
}

/**
 * Translate SQLSTATEs into the catalogue at the database edge (architecture habit 7). Anything not
 * listed stays unknown and becomes a 500 without internals.
 */
export function translateDbError(e: unknown, c: DbErrorContext = {}): ApiError | undefined {
  if (unavailable(e)) return errors.serviceUnavailable();
  const pg = pgError(e);
  if (!pg) return undefined;
  const cls = pg.code.slice(0, 2);
  switch (pg.code) {
    case '23505': {
      const attribute = (pg.constraint_name && c.uniques?.[pg.constraint_name]) ?? 'base';
      return errors.validation([{ attribute, message: 'has already been taken', error: 'taken', pointer: c.pointerFor?.(attribute) }]);
    }
    case '23503':
    case '23001': // restrict_violation: ON DELETE RESTRICT reports this, not 23503
      return c.op === 'delete'
        ? errors.locked(c.lockedMessage ?? 'The resource cannot be deleted because other resources depend on it.')
        : errors.validation([{ attribute: 'base', message: 'refers to a resource that does not exist or is in use', error: 'invalid', pointer: '/data/relationships' }]);
    case '23514':
      // every CHECK mirrors a rule the service validates first; reaching one means a race or a bug
      return errors.validation([{ attribute: 'base', message: `violates ${pg.constraint_name ?? 'a constraint'}`, error: 'invalid' }]);
    case '23502':
      return errors.validation([{ attribute: pg.column_name ?? 'base', message: "can't be blank", error: 'blank' }]);
    case '40001':
    case '40P01':
    case '55P03':
      return errors.conflict('The resource was changed by another request at the same time. Please retry.');
    case '54000':
      return errors.validation([{ attribute: 'base', message: 'is too long', error: 'too_long' }]);
  }
  if (cls === '22') return errors.badRequest('INVALID_FIELD_VALUE', 'Invalid field value', 'A value in the request is not valid for its field.');
  return undefined;
}

