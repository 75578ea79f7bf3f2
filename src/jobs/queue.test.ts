import { describe, expect, it } from 'vitest';
import { transient } from './queue';

describe('transient', () => {
  it('keeps a job queued on connection loss, shutdown and lost lock fights, not on anything else', () => {
    for (const code of ['08006', '57P01', '40P01', '40001', 'CONNECTION_CLOSED', 'ECONNREFUSED'])
      expect(transient({ code }), code).toBe(true);
    for (const e of [{ code: '23505' }, { code: '42P01' }, new TypeError('x'), undefined, null])
      expect(transient(e), JSON.stringify(e)).toBe(false);
  });
});
