import { describe, expect, it } from 'vitest';
import { socketOf } from './socket-url';

describe('socketOf', () => {
  it("takes libpq's host=/dir out of the URL and names the socket of the URL's port", () => {
    expect(socketOf('postgres://u:p@127.0.0.1:6543/allot?host=/tmp')).toEqual({
      url: 'postgres://u:p@127.0.0.1:6543/allot',
      path: '/tmp/.s.PGSQL.6543',
    });
    expect(socketOf('postgres://u@localhost/db?sslmode=disable&host=/var/run/postgresql/')).toEqual({
      url: 'postgres://u@localhost/db?sslmode=disable',
      path: '/var/run/postgresql/.s.PGSQL.5432',
    });
  });

  it('leaves TCP URLs, host names in the query and malformed URLs alone', () => {
    for (const url of ['postgres://u:p@db.internal:5432/allot', 'postgres://u@h/db?host=db2', 'not a url'])
      expect(socketOf(url)).toEqual({ url });
  });
});
