import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import type { Database } from '../db/client';

const CHANNEL = 'allot_token_revocations';
/** The listener's application_name; `APP:n` once it holds every revocation up to generation n. */
const APP = 'allot-revocations';
const SYNC_EVERY_MS = 500;
/**
 * A process answers from memory only this long after the start of its last sync; revoke waits at
 * most this (+ a sync).
 */
export const LEASE_MS = 3000;
/** A sync that has not come back by then is on a dead connection: it is dropped and a new one opened. */
const STUCK_MS = 5000;

/**
 * Revoked tokens (POST /oauth/revoke), seen by every process on the database without a statement per
 * request. Each process keeps the unexpired revocations in memory, loaded on a dedicated connection
 * that LISTENs for new ones, and reports the generation it holds in that connection's
 * application_name. A revoke commits its row, then returns only once every listening process reports
 * its generation, or, for one that does not (stalled, cut off), once that process's lease has run
 * out: a process whose last successful sync began more than LEASE_MS ago, or whose listening
 * connection closed, checks each token in the table instead. So no process accepts a token after
 * its revoke has returned.
 */
export class Revocations {
  /** key (jti, or a hash of a token without one) → the token's expiry, epoch seconds */
  private readonly known = new Map<string, number>();
  private generation = -1;
  /** the generation this listener's application_name reports */
  private acked = -1;
  /** Date.now() when the last successful sync began (wall clock: the verifier reads it anyway; see trusted()) */
  private syncedAt = Number.NEGATIVE_INFINITY;
  /** bumped whenever the listening connection closes: LISTEN holds only within one epoch */
  private epoch = 0;
  private listeningEpoch = -1;
  private listener?: postgres.Sql;
  private running = false;
  private runningSince = 0;
  private pending = false;
  private failing = false;
  private timer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly database: Database,
    private readonly warn: (message: string, err?: unknown) => void,
  ) {}

  /**
   * Loads the list once (a failure leaves the process checking the table until a sync succeeds),
   * then keeps it in step.
   */
  async start(): Promise<void> {
    this.timer = setInterval(() => this.kick(), SYNC_EVERY_MS).unref();
    this.pending = true;
    await this.loop();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.listener?.end({ timeout: 1 });
  }

  /**
   * Whether memory alone answers: LISTEN holds on the current connection and the last sync began
   * less than LEASE_MS ago. A clock set back makes `now` earlier than the sync: not trusted either.
   */
  trusted(now = Date.now()): boolean {
    return this.listeningEpoch === this.epoch && now >= this.syncedAt && now - this.syncedAt < LEASE_MS;
  }

  /**
   * Revoked? From memory when it can be trusted (the hot path: `now` is the caller's Date.now()),
   * else one indexed lookup.
   */
  isRevoked(key: string, now = Date.now()): boolean | Promise<boolean> {
    if (this.known.has(key)) return true;
    if (this.trusted(now)) return false;
    return this.database.sql`select 1 from token_revocations where jti = ${key}`.then((rows) => rows.length > 0);
  }

  /** Store a revocation; resolves once no process can accept the token any more (see the class comment). */
  async revoke(key: string, exp: number): Promise<void> {
    const n = await this.database.sql.begin(async (tx) => {
      // the row lock orders generations by commit, so "holds n" means "holds every revocation up to n"
      const [v] = await tx`update token_revocations_version set n = n + 1 returning n`;
      await tx`insert into token_revocations (jti, expires_at, generation)
        values (${key}, to_timestamp(${exp}), ${v!.n}) on conflict (jti) do nothing`;
      await tx`delete from token_revocations where expires_at < now() - interval '1 minute'`;
      await tx`select pg_notify(${CHANNEL}, ${String(v!.n)})`;
      return Number(v!.n);
    });
    const committed = performance.now();
    this.known.set(key, exp);
    const behind = () =>
      this.database.sql`select pid, application_name as name from pg_stat_activity
        where datname = current_database() and application_name like ${`${APP}:%`}`.then((rows) =>
        rows.filter((r) => !(Number(String(r.name).slice(APP.length + 1)) >= n)),
      );
    let late = await behind();
    while (late.length && performance.now() - committed < LEASE_MS + SYNC_EVERY_MS) {
      await sleep(5);
      late = await behind();
    }
    if (late.length)
      this.warn(`token revocation ${n}: no confirmation from listener(s) ${late.map((r) => r.pid).join(', ')}`);
  }

  private kick(): void {
    this.pending = true;
    if (!this.running) void this.loop();
    else if (performance.now() - this.runningSince > STUCK_MS) this.dropListener();
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (this.pending && !this.closed) {
        this.pending = false;
        this.runningSince = performance.now();
        try {
          await this.sync(Date.now());
          this.failing = false;
        } catch (e) {
          if (!this.failing && !this.closed)
            this.warn('token revocations: sync failed, checking tokens in the table', e);
          this.failing = true;
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async sync(startedAt: number): Promise<void> {
    const sql = this.listenerSql();
    const epoch = this.epoch;
    const fresh = this.listeningEpoch !== epoch;
    if (fresh) await sql`listen allot_token_revocations`;
    // one snapshot: the generation and the rows up to it (newer rows commit later and are notified)
    const [row] =
      await sql`select v.n, coalesce((select json_agg(json_build_array(r.jti, extract(epoch from r.expires_at)))
        from token_revocations r where r.generation > ${this.generation} and r.expires_at > now()), '[]'::json) as added
      from token_revocations_version v`;
    if (this.epoch !== epoch) return; // the connection changed under us: LISTEN may not hold
    for (const [key, exp] of row!.added as Array<[string, number]>) this.known.set(key, exp);
    const n = Number(row!.n);
    this.generation = n;
    this.listeningEpoch = epoch;
    this.syncedAt = startedAt;
    const now = Date.now() / 1000;
    for (const [key, exp] of this.known) if (exp < now) this.known.delete(key);
    // reported only after memory holds it: a revoker that reads it may return at once
    if (fresh) this.acked = -1;
    if (this.acked !== n) {
      await sql`select set_config('application_name', ${`${APP}:${n}`}, false)`;
      this.acked = n;
    }
  }

  private listenerSql(): postgres.Sql {
    if (!this.listener) {
      const o = this.database.sql.options;
      this.listener = postgres({
        ...o,
        max: 1,
        idle_timeout: null,
        max_lifetime: null,
        fetch_types: false,
        connection: { ...o.connection, application_name: APP },
        onnotice: () => {},
        onnotify: () => this.kick(),
        onclose: () => {
          this.epoch++;
        },
        // the pool's parsed options, as postgres.js's own listen() passes them on (hosts and ports as lists)
      } as unknown as postgres.Options<Record<string, postgres.PostgresType>>);
    }
    return this.listener;
  }

  private dropListener(): void {
    const l = this.listener;
    this.listener = undefined;
    this.epoch++;
    void l?.end({ timeout: 0 }).catch(() => {});
  }
}
