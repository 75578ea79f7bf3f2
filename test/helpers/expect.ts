import { expect } from 'vitest';
import type { TestApp } from './app';
import type { Res } from './http';

/** `{ data: { type, id } }` for relationships in a document. */
export const to = (type: string, id: string | null) => ({ data: id === null ? null : { type, id } });

/** A 422 VALIDATION_ERROR naming `pointer` with Rails' `meta.error`. */
export function expectInvalid(res: Res, pointer: string, error = 'blank') {
  expect(res.status, JSON.stringify(res.body)).toBe(422);
  expect(res.body.errors, JSON.stringify(res.body)).toContainEqual(
    expect.objectContaining({
      code: 'VALIDATION_ERROR',
      status: '422',
      source: { pointer },
      meta: expect.objectContaining({ error }),
    }),
  );
}

export function expectLocked(res: Res) {
  expect(res.status, JSON.stringify(res.body)).toBe(423);
  expect(res.body.errors[0]).toMatchObject({
    code: 'LOCKED',
    status: '423',
    title: expect.any(String),
    detail: expect.any(String),
  });
}

/** Rows of a table in every mode, straight from the database: "nothing was written". */
export async function rowCount(t: TestApp, table: string): Promise<number> {
  const rows = await t.database.sql.unsafe<{ n: number }[]>(`select count(*)::int as n from ${table}`);
  return rows[0]!.n;
}
