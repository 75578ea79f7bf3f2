import type { Figures } from './lib';

/**
 * A row and its bare baseline measured in alternating rounds, so that both meet the same neighbours.
 * On a shared machine the bare route's own speed moves by up to 2× within a minute; a baseline run
 * once before its rows compares each row with a different machine. Rounds go bare, row, row, bare,
 * bare, row… (neither side always first), each round's ratio is taken against its own bare half,
 * and the row reports the median ratio with the rounds' range.
 */
export const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 4));

export async function alternate(
  bare: (round: number) => Promise<Figures>,
  subject: (round: number) => Promise<Figures>,
  rounds = ROUNDS,
): Promise<{ bare: Figures; row: Figures }> {
  const bares: Figures[] = [];
  const rows: Figures[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      bares.push(await bare(r));
      rows.push(await subject(r));
    } else {
      rows.push(await subject(r));
      bares.push(await bare(r));
    }
  }
  const base = combine(bares);
  return { bare: base, row: { ...combine(rows), vs: base, ratios: rows.map((f, i) => f.rps / bares[i]!.rps) } };
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The `q` quantile of latencies in ms sorted ascending, in whole ms as autocannon reports them. */
export function quantile(sorted: number[], q: number): number {
  return sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!) : 0;
}

/**
 * Rounds of one run as one row: req/s the median round's, p50 and p99 over every request of every
 * round (each round's own when latencies were not kept), CPU per request weighted by requests.
 */
export function combine(rounds: Figures[]): Figures {
  const first = rounds[0]!;
  if (rounds.length === 1) return first;
  const requests = rounds.reduce((n, f) => n + (f.requests ?? 0), 0);
  const weighted = (pick: (f: Figures) => number | undefined) =>
    requests && rounds.every((f) => pick(f) !== undefined && f.requests)
      ? rounds.reduce((s, f) => s + pick(f)! * f.requests!, 0) / requests
      : undefined;
  const pooled = rounds.every((f) => f.latencies)
    ? rounds.flatMap((f) => f.latencies!).sort((a, b) => a - b)
    : undefined;
  return {
    name: first.name,
    rps: median(rounds.map((f) => f.rps)),
    p50: pooled ? quantile(pooled, 0.5) : median(rounds.map((f) => f.p50)),
    p99: pooled ? quantile(pooled, 0.99) : Math.max(...rounds.map((f) => f.p99)),
    errors: rounds.reduce((n, f) => n + f.errors, 0),
    non2xx: rounds.reduce((n, f) => n + f.non2xx, 0),
    requests,
    cpuPerRequest: weighted((f) => f.cpuPerRequest),
    dbCpuPerRequest: weighted((f) => f.dbCpuPerRequest),
  };
}
