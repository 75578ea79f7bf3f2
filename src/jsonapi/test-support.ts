/**
 * Test support for the wire-format unit tests (never imported by the server): what every error a
 * parser throws must look like.
 */
import { expect } from 'vitest';
import { ApiError } from './errors';

/** A thrown value must be a client error the HTTP error handler can render as `{ errors: [...] }`. */
export function expectClientError(e: unknown): asserts e is ApiError {
  if (!(e instanceof ApiError)) throw new Error(`not an ApiError: ${String(e)}`, { cause: e });
  expect(e.status).toBeGreaterThanOrEqual(400);
  expect(e.status).toBeLessThan(500);
  expect(e.errors.length).toBeGreaterThan(0);
  for (const o of e.errors) {
    expect(typeof o.title === 'string' && o.title.length > 0).toBe(true);
    expect(typeof o.detail === 'string' && o.detail.length > 0).toBe(true);
    expect(o.code).toMatch(/^[A-Z_]+$/);
    expect(o.status).toBe(String(e.status));
    if (o.source?.pointer !== undefined) expect(o.source.pointer).toMatch(/^\//);
  }
  expect(() => JSON.stringify({ errors: e.errors })).not.toThrow();
}
