import { DrizzleQueryError } from 'drizzle-orm';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { type DbErrorContext, pgError, translateDbError } from './errors';

/**
 * Errors as the drivers raise them, without a database: postgres.js builds a PostgresError from
 * the server's ErrorResponse fields (severity, SQLSTATE code, constraint, column...), and Drizzle
 * wraps it in a DrizzleQueryError that keeps it on `.cause`.
 */
const fromServer = (code: string, fields: Record<string, string> = {}, severity = 'ERROR') =>
  new (postgres.PostgresError as unknown as new (x: object) => postgres.PostgresError)({
    message: `server says ${code}`,
    severity,
    severity_local: severity,
    code,
    ...fields,
  });
const viaDrizzle = (cause: Error) => new DrizzleQueryError('insert into skus ...', ['a'], cause);

/** What postgres.js raises when the network fails under a query: Node's code, the query attached unenumerable. */
const fromNetwork = (code: string) => {
  const e = Object.assign(new Error(`write ${code} 127.0.0.1:5432`), { code, errno: code });
  return Object.defineProperty(e, 'query', { value: 'select 1', enumerable: false });
};

const skus: DbErrorContext = {
  uniques: { skus_mode_code_key: 'code', stock_items_sku_location_key: 'sku' },
  pointerFor: (f) => (f === 'sku' ? '/data/relationships/sku' : `/data/attributes/${f}`),
};

describe('translateDbError', () => {
  it('finds the PostgreSQL error behind a Drizzle error, a few causes deep at most', () => {
    const pg = fromServer('23505');
    expect(pgError(pg)).toBe(pg);
    expect(pgError(viaDrizzle(pg))).toBe(pg);
    expect(pgError(new Error('outer', { cause: viaDrizzle(pg) }))).toBe(pg);
    let deep: Error = pg;
    for (let i = 0; i < 5; i++) deep = new Error('wrapped', { cause: deep });
    expect(pgError(deep)).toBeUndefined();
    // a five-character code without a severity is not the server's (Node's own errors have codes too)
    expect(pgError(Object.assign(new Error('x'), { code: 'EPERM' }))).toBeUndefined();
  });

  it("makes a unique violation a 422 'taken' on the field the constraint guards", () => {
    const code = translateDbError(viaDrizzle(fromServer('23505', { constraint_name: 'skus_mode_code_key' })), skus);
    expect(code?.status).toBe(422);
    expect(code?.errors).toEqual([
      {
        title: 'has already been taken',
        detail: 'code - has already been taken',
        code: 'VALIDATION_ERROR',
        status: '422',
        source: { pointer: '/data/attributes/code' },
        meta: { error: 'taken' },
      },
    ]);
    const sku = translateDbError(fromServer('23505', { constraint_name: 'stock_items_sku_location_key' }), skus);
    expect(sku?.errors[0]?.source).toEqual({ pointer: '/data/relationships/sku' });
    // a constraint no definition names is still a 422, on the record as a whole
    const other = translateDbError(fromServer('23505', { constraint_name: 'some_other_key' }), skus);
    expect(other?.errors[0]).toMatchObject({ detail: 'base - has already been taken', meta: { error: 'taken' } });
  });

  it('makes a foreign key a 423 on delete (with the definition’s message) and a 422 otherwise', () => {
    for (const code of ['23503', '23001']) {
      const locked = translateDbError(fromServer(code), { op: 'delete', lockedMessage: 'The SKU has stock items.' });
      expect(locked?.status).toBe(423);
      expect(locked?.errors[0]).toMatchObject({ code: 'LOCKED', detail: 'The SKU has stock items.' });
      expect(translateDbError(fromServer(code), { op: 'delete' })?.errors[0]?.detail).toMatch(/other resources depend/);
      const invalid = translateDbError(fromServer(code), { op: 'create' });
      expect(invalid?.status).toBe(422);
      expect(invalid?.errors[0]).toMatchObject({
        source: { pointer: '/data/relationships' },
        meta: { error: 'invalid' },
      });
    }
  });

  it('makes a CHECK, a NOT NULL and an over-long row 422s, naming the constraint or column', () => {
    const check = translateDbError(fromServer('23514', { constraint_name: 'stock_items_quantity_check' }));
    expect(check?.errors[0]).toMatchObject({
      title: 'violates stock_items_quantity_check',
      meta: { error: 'invalid' },
    });
    const notNull = translateDbError(fromServer('23502', { column_name: 'name' }));
    expect(notNull?.errors[0]).toMatchObject({
      source: { pointer: '/data/attributes/name' },
      meta: { error: 'blank' },
    });
    expect(translateDbError(fromServer('54000'))?.errors[0]?.meta).toEqual({ error: 'too_long' });
  });

  it('makes lock timeouts, deadlocks and serialization failures a 409 to retry', () => {
    for (const code of ['40001', '40P01', '55P03']) {
      const e = translateDbError(viaDrizzle(fromServer(code)));
      expect(e?.status, code).toBe(409);
      expect(e?.errors[0]?.detail).toMatch(/Please retry/);
    }
  });

  it('makes a value PostgreSQL cannot take (class 22) a 400 that shows none of the SQL', () => {
    const e = translateDbError(
      viaDrizzle(fromServer('22P02', { message: 'invalid input syntax for type integer: "x"' })),
    );
    expect(e?.status).toBe(400);
    expect(e?.errors[0]?.code).toBe('INVALID_FIELD_VALUE');
    expect(JSON.stringify(e?.errors)).not.toMatch(/syntax|integer|insert/);
  });

  it('makes a server that went away a 503, with Retry-After only when nothing may have been written', () => {
    for (const e of [fromServer('57P01', {}, 'FATAL'), viaDrizzle(fromServer('08006')), fromNetwork('ECONNREFUSED')]) {
      expect(translateDbError(e)?.headers).toEqual({ 'retry-after': '1' });
      expect(translateDbError(e, { op: 'update' })?.headers).toEqual({});
      expect(translateDbError(e, { write: true })?.status).toBe(503);
    }
    // a COMMIT whose outcome is unknown is never an invitation to send it again
    expect(translateDbError(fromServer('08007', {}, 'FATAL'))?.headers).toEqual({});
  });

  it('leaves everything else untranslated, for the error handler to answer 500 without internals', () => {
    expect(translateDbError(fromServer('42P01'))).toBeUndefined(); // undefined_table: a bug, not the client's
    expect(translateDbError(new TypeError('x is undefined'))).toBeUndefined();
    // a client hanging up is a network code that no query met: not the database's
    expect(translateDbError(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }))).toBeUndefined();
    expect(translateDbError(undefined)).toBeUndefined();
  });
});
