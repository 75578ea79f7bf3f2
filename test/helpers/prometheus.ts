import parse, { type Family } from 'parse-prometheus-text-format';

/** Prometheus text parsed by a real parser; `value` sums the series of a family whose labels include `labels`. */
export function scrape(text: string) {
  const families = new Map<string, Family>(parse(text).map((f) => [f.name, f]));
  const series = (name: string, labels: Record<string, string> = {}) =>
    (families.get(name)?.metrics ?? []).filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return {
    families,
    /** A counter's or gauge's value, a histogram's count, summed over the matching series (0 if none). */
    value: (name: string, labels: Record<string, string> = {}) =>
      series(name, labels).reduce((sum, m) => sum + Number(m.count ?? m.value ?? 0), 0),
    /** A histogram's sum of observations. */
    sum: (name: string, labels: Record<string, string> = {}) =>
      series(name, labels).reduce((sum, m) => sum + Number(m.sum ?? 0), 0),
  };
}
