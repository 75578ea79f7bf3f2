import autocannon from 'autocannon';
import { type Figures, keepLatencies, measureCpu, runFigures } from './lib';

export interface PlaceLoadOptions {
  /** Run for this long instead of placing every order once. */
  seconds?: number;
  serverPid?: number;
  dbPid?: number;
  connections?: number;
  /** Count the server's children too (WORKERS > 1: the workers do the serving). */
  tree?: boolean;
}

/**
 * `PATCH /api/orders/{id}` with `_place` for each of `ids` (bench/place.ts, bench/scale.ts); orders/s
 * over the time from the first request to the last answer, as the bare loops count (autocannon's own
 * duration and average round a fixed amount of requests to whole seconds).
 */
export async function placeLoad(
  name: string,
  url: string,
  ids: string[],
  headers: Record<string, string>,
  o: PlaceLoadOptions = {},
): Promise<Figures> {
  let i = 0;
  let total = 0;
  return measureCpu(
    o.serverPid,
    () => total,
    async () => {
      const started = performance.now();
      let last = started;
      const tracker = autocannon({
        url,
        connections: o.connections ?? 50,
        ...(o.seconds ? { duration: o.seconds } : { amount: ids.length }),
        method: 'PATCH',
        headers,
        requests: [
          {
            setupRequest: (req: any) => {
              const id = ids[i++ % ids.length];
              return {
                ...req,
                path: `/api/orders/${id}`,
                body: JSON.stringify({ data: { type: 'orders', id, attributes: { _place: true } } }),
              };
            },
          },
        ],
      });
      const latencies = keepLatencies(tracker, () => {
        last = performance.now();
      });
      const r = await tracker;
      total = r.requests.total;
      return runFigures(name, r, (total * 1000) / (last - started), latencies);
    },
    o.dbPid,
    o.tree,
  );
}
