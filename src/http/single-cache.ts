import type { RequestContext } from '../auth/context';
import type { Db } from '../db/client';
import { countCacheLookup } from '../ops/metrics';
import { probeVersion } from '../query/probe';
import type { ResourceDefinition } from '../resources/define';
import type { Row } from '../rows/row';
import { UNTIL, VERSION } from '../rows/version';
import { ChangeChain } from './change-chain';

interface Entry {
  version: string;
  /** Epoch ms; the response goes stale at this instant even if nothing is written (a draft expires). */
  until: number;
  /** The response's bytes, encoded once: a hit sends them as they are. */
  body: Buffer;
  /** The latest read of the change chain the response is known to hold at. */
  at: number;
  /** What the entry counts against the budget: its bytes (see `entryBytes`). */
  size: number;
}

/** The Map slot, the entry object and its string headers, roughly (V8, 64-bit): counted with every entry. */
const ENTRY_OVERHEAD = 160;

/**
 * The memory an entry holds: the body's UTF-8 bytes (a Buffer, outside V8's heap), the key and
 * version as V8 keeps them (one byte a character for Latin-1 text, which ours is, two otherwise)
 * and a fixed overhead. The budget is then what the process holds, not twice the bodies' length.
 */
function entryBytes(key: string, body: Buffer, version: string): number {
  const text = (s: string) => {
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return 2 * s.length;
    return s.length;
  };
  return body.byteLength + text(key) + text(version) + ENTRY_OVERHEAD;
}

/**
 * Responses to single GETs, served again while nothing they depend on changed: the SKU change feed
 * lists nothing for them since they were made (change-chain.ts), or the row's version (probe.ts) is
 * unchanged. Exact: every hit is confirmed by a statement that started after its request arrived,
 * against the database every process writes to, so a write is seen by the very next read,
 * whichever process made it.
 * What is saved is the work between the probe and the bytes: the full statement (market, stock,
 * reservations), availability, presentation and serialization.
 *
 * Keyed by what the response is a function of besides the data: the resource URL with its query,
 * the base URL of links, the mode and the token's scope. Only URLs without a query or with sparse
 * fieldsets are kept: `include` brings records the version does not cover, and other parameters
 * (ignored on a single GET) would only let a client fill the memory with copies. Bounded in bytes,
 * least recently used first out. Emptied whenever a database connection closes: snapshots and
 * row versions only compare within one server's history (a crash or failover may reuse them).
 */
export class SingleCache {
  private entries = new Map<string, Entry>();
  private bytes = 0;
  /** Responses served from memory, and how many of them the change feed confirmed (tests read it). */
  readonly stats = { hits: 0, fromFeed: 0 };
  /** Which SKUs changed since when (change-chain.ts). */
  private chain: ChangeChain;
  /** Moves with every clear(): a probe that was in flight across one confirms nothing. */
  private generation = 0;

  constructor(
    private db: Db,
    private maxBytes = 64 * 1024 * 1024,
  ) {
    this.chain = new ChangeChain(db);
  }

  /** The chain's latest read: a response read from a statement sent now holds at least as of it (for keep). */
  get at(): number {
    return this.chain.seq;
  }

  /** The key of a request whose response may be kept, or undefined. */
  key(def: ResourceDefinition, ctx: RequestContext, url: string, query: Record<string, unknown>): string | undefined {
    if (!def.cache?.when(ctx) || this.maxBytes <= 0) return undefined;
    for (const name in query) if (!name.startsWith('fields[')) return undefined;
    const { marketIds, stockLocationIds } = ctx.caller;
    // the generation first: a response read across a clear() is kept under a key nobody asks for
    return `${this.generation} ${ctx.mode} ${marketIds.join(',')} ${stockLocationIds.join(',')} ${ctx.baseUrl}${url}`;
  }

  /**
   * The kept response for `key`, if nothing it depends on changed since it was made. Where the
   * change feed covers the resource, one read of it answers every concurrent request, whatever is
   * being written elsewhere; otherwise, or when the feed cannot tell, the row's version decides.
   */
  async fresh(key: string, def: ResourceDefinition, ctx: RequestContext, id: string): Promise<Buffer | undefined> {
    const body = await this.lookup(key, def, ctx, id);
    countCacheLookup(body !== undefined);
    return body;
  }

  private async lookup(key: string, def: ResourceDefinition, ctx: RequestContext, id: string) {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const generation = this.generation;
    if (def.cache?.changes) {
      // a read that fails (the feed's tables locked or altered by hand) leaves the version to decide
      const read = await this.chain.read().catch(() => undefined);
      if (generation !== this.generation) return undefined;
      if (read && this.chain.unchanged(id, entry.at) && read.now < entry.until) {
        entry.at = read.seq;
        this.stats.fromFeed++;
        return this.hit(key, entry);
      }
    }
    // the probe is sent after the chain's latest read answered: a confirmed response holds as of it
    const at = this.chain.seq;
    const probe = await probeVersion(this.db, def, ctx, id);
    if (generation !== this.generation) return undefined;
    if (probe && probe.version === entry.version && probe.now < entry.until) {
      entry.at = at;
      return this.hit(key, entry);
    }
    if (this.entries.get(key) === entry) this.drop(key, entry);
    return undefined;
  }

  private hit(key: string, entry: Entry): Buffer {
    this.stats.hits++;
    // most recently used last: eviction takes from the front
    if (this.entries.get(key) === entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry.body;
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  /**
   * Keep a response made from `row`, which carries the version it was read at; `at`: the chain's
   * latest read when the row's statement was sent (`this.at` then).
   */
  keep(key: string, row: Row, body: string, at: number): void {
    const version = row[VERSION];
    if (typeof version !== 'string' || !key.startsWith(`${this.generation} `)) return;
    const bytes = Buffer.from(body);
    const size = entryBytes(key, bytes, version);
    if (size > this.maxBytes / 16) return;
    const until = typeof row[UNTIL] === 'number' ? (row[UNTIL] as number) : Infinity;
    const old = this.entries.get(key);
    if (old) this.drop(key, old);
    for (const [k, e] of this.entries) {
      if (this.bytes + size <= this.maxBytes) break;
      this.drop(k, e);
    }
    this.entries.set(key, { version, until, body: bytes, at, size });
    this.bytes += size;
  }

  /** Forget everything (a database connection closed: its server may not be the one that made them). */
  clear(): void {
    this.generation++;
    this.entries.clear();
    this.bytes = 0;
    this.chain.reset();
  }

  private drop(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.size;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's response cache (tests and diagnostics read its counters). */
    responseCache: SingleCache;
  }
}
