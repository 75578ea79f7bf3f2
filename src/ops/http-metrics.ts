import type { Registry } from 'prom-client';

interface Series {
  labels: { method: string; route: string; status: string };
  count: number;
  sum: number;
  /** Observations per bucket (not cumulative; summed up when scraped). */
  buckets: number[];
}

/**
 * Requests by method, route and status: `allot_http_requests_total` and the latency histogram
 * `allot_http_request_duration_seconds`, in prom-client's registry but counted here: a request
 * costs one map lookup and a few additions, and labels are hashed when scraped, not per request.
 * Series are capped (route patterns and statuses are few; a cap guards against surprises).
 */
export class RequestMetrics {
  private series = new Map<string, Series>();

  constructor(
    private readonly bounds: number[],
    private readonly maxSeries = 5_000,
  ) {}

  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let s = this.series.get(key);
    if (!s) {
      if (this.series.size >= this.maxSeries) return;
      s = { labels: { method, route, status: String(status) }, count: 0, sum: 0, buckets: this.bounds.map(() => 0) };
      s.buckets.push(0); // +Inf
      this.series.set(key, s);
    }
    s.count++;
    s.sum += seconds;
    let i = 0;
    while (i < this.bounds.length && seconds > this.bounds[i]!) i++;
    s.buckets[i]!++;
  }

  /** Register both families with `registry`, in the shape prom-client's own metrics give. */
  register(registry: Registry): void {
    const all = () => [...this.series.values()];
    const requests = {
      name: 'allot_http_requests_total',
      help: 'HTTP requests by method, route (the route pattern) and status',
      type: 'counter',
      aggregator: 'sum',
      get: async () => ({ ...requests, values: all().map((s) => ({ labels: s.labels, value: s.count })) }),
      reset: () => this.series.clear(),
    };
    const duration = {
      name: 'allot_http_request_duration_seconds',
      help: 'HTTP requests by method, route (the route pattern) and status: latency',
      type: 'histogram',
      aggregator: 'sum',
      get: async () => ({
        ...duration,
        values: all().flatMap((s) => {
          let cumulative = 0;
          const buckets = s.buckets.map((n, i) => {
            cumulative += n;
            const le = i < this.bounds.length ? this.bounds[i]! : '+Inf';
            return { labels: { le, ...s.labels }, value: cumulative, metricName: `${duration.name}_bucket` };
          });
          return [
            ...buckets,
            { labels: s.labels, value: s.sum, metricName: `${duration.name}_sum` },
            { labels: s.labels, value: s.count, metricName: `${duration.name}_count` },
          ];
        }),
      }),
      reset: () => this.series.clear(),
    };
    // prom-client accepts any object with its metric interface (name, get, reset)
    // biome-ignore lint/suspicious/noExplicitAny: see above
    registry.registerMetric(requests as any);
    // biome-ignore lint/suspicious/noExplicitAny: as above
    registry.registerMetric(duration as any);
  }
}
