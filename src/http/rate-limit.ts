import { observeRateLimitSync } from '../ops/metrics';
/**
 * Commerce Layer's rate limits (docs/wire-format.md#rate-limits), per client IP, as sliding windows estimated from the
 * current and previous fixed window (exact enough, O(1) memory per key), counted for the whole
 * deployment: every Allot process sharing the database keeps its counts in one table
 * (rate-limit-store.ts).
 *
 * No round trip per request: a process admits locally against an allowance it leased from the
 * table, at most a quarter of what is left, and the table's total (admitted + leased, all
 * processes) never passes the limit, so neither does the deployment. A timer (every `everyMs`)
 * renews leases three quarters spent or `grantMs` old, and gives back those unused for `grantMs`;
 * a request that finds its lease spent waits for a renewal (one statement for all waiting). What
 * others hold and have not used yet is
 * what a client may be refused early (README, "Rate limits across processes"). If the database
 * fails, or does not answer within `waitMs` (it is slow, not gone, until then: waiting is right),
 * decisions are local for a second.
 */
import type { Limit } from './rate-limit-numbers';
import type { SharedCounts, SyncEntry } from './rate-limit-store';

export { authLimit, CACHEABLE, type Limit, limitsFor } from './rate-limit-numbers';

/** One key's fixed windows: this process's counts, and the others' as of the last reconciliation. */
interface Counter {
  key: string;
  limit: number;
  size: number;
  start: number;
  own: number;
  ownPrev: number;
  /** What the other processes hold in this window (admitted + leased). */
  others: number;
  /** Everyone's total in the previous window. */
  prevTotal: number;
  /** Requests this process may still admit before it must reconcile, and when it was leased. */
  grant: number;
  grantAt: number;
  /** The size of the last lease. */
  leased: number;
  /** What the table holds for this process (current and previous window). */
  stored: number;
  storedPrev: number;
  touched: boolean;
}

export interface Verdict {
  allowed: boolean;
  headers: Record<string, string>;
}

export interface SharingOptions {
  everyMs?: number;
  grantMs?: number;
  waitMs?: number;
  onError?: (e: unknown) => void;
}

export class RateLimiter {
  private counters = new Map<string, Counter>();
  private syncing: Promise<void> | undefined;
  /** Counters whose grant a waiting request needs renewed. */
  private wanted = new Set<Counter>();
  private localUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly opts: Required<SharingOptions>;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly shared?: SharedCounts,
    opts: SharingOptions = {},
  ) {
    this.opts = { everyMs: 150, grantMs: 1000, waitMs: 5_000, onError: () => {}, ...opts };
    if (shared) this.timer = setInterval(() => void this.sync(), this.opts.everyMs).unref();
  }

  /** Count one request against every limit, from what is known now; refused requests count for nothing. */
  hit(limits: Limit[]): Verdict {
    return this.decide(limits, false)!;
  }

  /** The same, deployment-wide: waits for a reconciliation when this process has no grant left for a key. */
  async check(limits: Limit[]): Promise<Verdict> {
    if (!this.shared) return this.hit(limits);
    // each round admits or refuses at least one of the requests waiting on a key, so all are served
    for (let round = 0; round < 100; round++) {
      const v = this.decide(limits, this.now() >= this.localUntil);
      if (v) return v;
      for (const l of limits) this.wanted.add(this.counters.get(l.key)!);
      await this.syncWithin(this.opts.waitMs);
    }
    return this.decide(limits, false, true)!;
  }

  /** A verdict, or undefined when a grant must be renewed first (only with `needGrant`). */
  private decide(limits: Limit[], needGrant: boolean, refuse = false): Verdict | undefined {
    const t = this.now();
    let tightest: { c: Counter; remaining: number } | undefined;
    let renew = false;
    const cs = limits.map((l) => {
      const c = this.counter(l, t);
      const remaining = c.limit - this.used(c, t);
      if (!tightest || remaining < tightest.remaining) tightest = { c, remaining };
      if (c.grant <= 0) renew = true;
      return c;
    });
    const allowed = tightest!.remaining > 0 && !refuse;
    if (allowed && needGrant && renew) return undefined;
    if (allowed)
      for (const c of cs) {
        c.own++;
        c.grant--;
        c.touched = true;
      }
    const headers: Record<string, string> = {
      'X-Ratelimit-Limit': String(tightest!.c.limit),
      'X-Ratelimit-Interval': String(tightest!.c.size / 1000),
      'X-Ratelimit-Remaining': String(Math.max(0, tightest!.remaining - (allowed ? 1 : 0))),
    };
    if (!allowed) {
      // the client may come back once every exhausted limit admits again (whole seconds, at least 1)
      const ms = Math.max(0, ...cs.filter((c) => c.limit - this.used(c, t) <= 0).map((c) => this.waitMs(c, t)));
      headers['Retry-After'] = String(Math.max(1, Math.ceil(ms / 1000)));
    }
    return { allowed, headers };
  }

  /** ms until `c` admits one more request, if nothing more is counted meanwhile (see `used`). */
  private waitMs(c: Counter, t: number): number {
    const cur = c.own + c.others;
    if (cur >= c.limit) {
      // in the next window this one is the previous: cur · (1 − elapsed) < limit once elapsed > 1 − limit / cur
      return c.start + c.size - t + c.size * (1 - c.limit / cur) + 1;
    }
    // prevTotal · (1 − elapsed) + cur < limit once elapsed > 1 − (limit − cur) / prevTotal
    return c.start + c.size * (1 - (c.limit - cur) / c.prevTotal) - t + 1;
  }

  private used(c: Counter, t: number): number {
    const elapsed = (t - c.start) / c.size;
    return Math.floor(c.prevTotal * (1 - elapsed) + c.own + c.others);
  }

  private counter(l: Limit, t: number): Counter {
    const size = l.windowS * 1000;
    const start = Math.floor(t / size) * size;
    let c = this.counters.get(l.key);
    if (!c) {
      const grant = this.shared ? 0 : Infinity;
      const zero = { own: 0, ownPrev: 0, others: 0, prevTotal: 0, stored: 0, storedPrev: 0 };
      c = { key: l.key, limit: l.limit, size, start, ...zero, grant, grantAt: 0, leased: 0, touched: false };
      this.counters.set(l.key, c);
    }
    if (c.start !== start) {
      const next = start - c.start === size;
      // the leased and unused part of the old window stays counted until the next reconciliation returns it
      [c.ownPrev, c.prevTotal, c.storedPrev] = next
        ? [c.own, c.others + Math.max(c.own, c.stored), c.stored]
        : [0, 0, 0];
      [c.own, c.others, c.stored, c.start] = [0, 0, 0, start];
      if (this.shared) c.grant = 0;
    }
    return c;
  }

  private async syncWithin(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(true), ms)));
    const timedOut = await Promise.race([this.sync().then(() => false), late]);
    clearTimeout(timer);
    if (timedOut) this.localUntil = this.now() + 1000;
  }

  /** Reconcile the keys in use (and those requests wait for) with the other processes; one at a time. */
  private sync(): Promise<void> {
    if (!this.syncing)
      this.syncing = this.reconcile().finally(() => {
        this.syncing = undefined;
      });
    return this.syncing;
  }

  private async reconcile(): Promise<void> {
    const t = this.now();
    // renew a lease three quarters spent or a second old, give back one unused for a second: a key in
    // steady use costs about one statement a second, and rarely makes a request wait
    const old = (c: Counter) => t - c.grantAt > this.opts.grantMs;
    const batch = [...this.counters.values()].filter(
      (c) =>
        (c.touched && (c.grant * 4 <= c.leased || old(c))) ||
        this.wanted.has(c) ||
        (c.grant > 0 && old(c)) ||
        c.ownPrev !== c.storedPrev,
    );
    const wanted = new Set(this.wanted);
    this.wanted.clear();
    if (!batch.length) return;
    const entries: SyncEntry[] = [];
    const sent = batch.map((c) => {
      const cap = c.limit - Math.floor(c.prevTotal * (1 - (t - c.start) / c.size));
      const left = c.limit - this.used(c, t);
      const want = (c.touched || wanted.has(c)) && left > 0 ? Math.ceil(left / 4) : 0;
      entries.push({ key: c.key, start: c.start, own: c.own, stored: c.stored, want, cap });
      entries.push({
        key: c.key,
        start: c.start - c.size,
        own: c.ownPrev,
        stored: c.storedPrev,
        want: 0,
        cap: 2 ** 31 - 1,
      });
      c.touched = false;
      return { c, start: c.start, own: c.own, ownPrev: c.ownPrev };
    });
    const t0 = performance.now();
    try {
      const result = await this.shared!.sync(entries);
      observeRateLimitSync((performance.now() - t0) / 1000);
      const now = this.now();
      for (const { c, start, own, ownPrev } of sent) {
        if (c.start !== start) continue; // the window moved on meanwhile: the next round sees it
        const cur = result.get(`${start} ${c.key}`) ?? { others: 0, granted: 0 };
        const prev = result.get(`${start - c.size} ${c.key}`) ?? { others: 0, granted: 0 };
        c.others = cur.others;
        c.stored = own + cur.granted;
        // what was admitted while the statement ran came out of the allowance it replaced
        c.grant = cur.granted - (c.own - own);
        c.leased = cur.granted;
        c.grantAt = now;
        c.prevTotal = prev.others + ownPrev;
        c.storedPrev = ownPrev;
      }
    } catch (e) {
      for (const { c } of sent) c.touched = true;
      this.localUntil = this.now() + 1000;
      this.opts.onError(e);
    }
  }

  /** Forget windows idle for two periods (called on a timer). */
  prune(): void {
    const t = this.now();
    for (const [k, c] of this.counters)
      if (t - c.start > 2 * c.size && !c.touched && !this.wanted.has(c)) this.counters.delete(k);
  }

  close(): void {
    clearInterval(this.timer);
  }
}
