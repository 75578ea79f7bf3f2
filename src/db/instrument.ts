import { observeStatement, statementEnded, statementStarted } from '../ops/metrics';

/**
 * Times a postgres.js query from the moment it is dispatched (handed to the pool, which may make it
 * wait for a connection) to its result, for the statement metrics. A query built only to be a
 * fragment of another is never dispatched, so it is never counted. Anything else passes through.
 */
export function timed<T>(q: T): T {
  const query = q as {
    handle?: () => Promise<void>;
    executed?: boolean;
    resolve?: (x: unknown) => void;
    reject?: (x: unknown) => void;
  };
  if (typeof query.handle !== 'function' || typeof query.resolve !== 'function') return q;
  const { handle, resolve, reject } = query as Required<typeof query>;
  let t0 = 0;
  const end = () => {
    if (!t0) return;
    statementEnded();
    observeStatement((performance.now() - t0) / 1000);
    t0 = 0;
  };
  query.handle = function (this: typeof query) {
    if (!this.executed && !t0) {
      t0 = performance.now();
      statementStarted();
    }
    return handle.call(this);
  };
  query.resolve = (x) => {
    end();
    resolve(x);
  };
  query.reject = (x) => {
    end();
    reject(x);
  };
  return q;
}
