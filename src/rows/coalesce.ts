/**
 * Lookups by id issued by concurrent requests are answered by one statement (`id = any($ids)`),
 * which spreads PostgreSQL's and the driver's per-statement cost over the batch. A batch leaves at
 * the end of the event-loop turn; while MAX_IN_FLIGHT batches of a group are running, new ids wait
 * for the next one, so batches grow with load and an idle server adds no delay.
 * Exact: a statement starts after every request in it arrived, so each sees every write that
 * committed before it was received.
 *
 * @example
 *   const row = await coalesce(db, `find:skus:test`, id, (ids) => loadRowsById(ids));
 */
type Runner<V> = (ids: string[]) => Promise<Map<string, V>>;

interface Waiter<V> {
  id: string;
  resolve: (v: V | undefined) => void;
  reject: (e: unknown) => void;
}

interface Group<V> {
  waiters: Waiter<V>[];
  scheduled: boolean;
  inFlight: number;
  run: Runner<V>;
}

const MAX_IN_FLIGHT = 8;
const MAX_BATCH = 500;
const byOwner = new WeakMap<object, Map<string, Group<unknown>>>();

export function coalesce<V>(
  owner: object,
  key: string,
  id: string,
  run: Runner<V>,
  maxInFlight = MAX_IN_FLIGHT,
): Promise<V | undefined> {
  let groups = byOwner.get(owner);
  if (!groups) byOwner.set(owner, (groups = new Map()));
  let g = groups.get(key) as Group<V> | undefined;
  if (!g) groups.set(key, (g = { waiters: [], scheduled: false, inFlight: 0, run }) as Group<unknown>);
  const group = g;
  const all = groups;
  const promise = new Promise<V | undefined>((resolve, reject) => group.waiters.push({ id, resolve, reject }));
  const flush = () => {
    group.scheduled = false;
    if (!group.waiters.length || group.inFlight >= maxInFlight) return;
    const batch = group.waiters.splice(0, MAX_BATCH);
    group.inFlight++;
    group
      .run([...new Set(batch.map((w) => w.id))])
      .then(
        (found) => {
          for (const w of batch) w.resolve(found.get(w.id));
        },
        (e) => {
          for (const w of batch) w.reject(e);
        },
      )
      .finally(() => {
        group.inFlight--;
        if (group.waiters.length) flush();
        else if (!group.inFlight && !group.scheduled) all.delete(key);
      });
    if (group.waiters.length) schedule();
  };
  const schedule = () => {
    if (group.scheduled) return;
    group.scheduled = true;
    setImmediate(flush);
  };
  schedule();
  return promise;
}
