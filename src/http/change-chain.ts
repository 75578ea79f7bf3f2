import type { Db } from '../db/client';
import { FEED_LIMIT, type FeedStep, readFeed, snapshotXmin } from '../query/changes';
import { coalesce } from '../rows/coalesce';

/**
 * SKUs remembered as changed at most (about 4 MB); past it the chain starts over, and kept answers
 * are confirmed by their versions once, so memory stays bounded however many SKUs are written.
 */
const MAX_TRACKED = 50_000;

/**
 * Consecutive reads of the SKU change feed (query/changes.ts), numbered: read n lists the SKUs
 * written by transactions visible at its snapshot and not at read n − 1's. Something known to hold
 * for a SKU at read `at` (a statement sent after read `at` had answered sees everything it saw)
 * still holds at the latest read if no read after `at` listed the SKU, and the chain did not break
 * since: a break (the first read, a configuration change, a TRUNCATE, a gap the feed no longer
 * covers, another server, too many changes) makes every earlier number unusable, never a wrong
 * answer. Reads are serial, one in flight, each started after its callers arrived.
 */
export class ChangeChain {
  /** The latest read that answered (0: none yet). */
  seq = 0;
  /** Reads below this cannot be judged from the chain. */
  private base = 1;
  private head: FeedStep | undefined;
  private changedAt = new Map<string, number>();

  constructor(private db: Db) {}

  /** A read that started after this call: its number and PostgreSQL's clock then. */
  read(): Promise<{ seq: number; now: number }> {
    return coalesce(
      this,
      'read',
      '',
      async () => {
        const step = await readFeed(this.db, this.head?.snapshot);
        this.apply(step);
        return new Map([['', { seq: this.seq, now: step.now }]]);
      },
      1,
    ) as Promise<{ seq: number; now: number }>;
  }

  /** Whether SKU `id`, as it was at read `at`, is unchanged at the latest read. */
  unchanged(id: string, at: number): boolean {
    return at >= this.base && (this.changedAt.get(id) ?? 0) <= at;
  }

  /** Forget everything (the database connection closed): the next read starts the chain over. */
  reset(): void {
    this.head = undefined;
    this.changedAt.clear();
    this.base = this.seq + 1;
  }

  private apply(step: FeedStep): void {
    const prev = this.head;
    this.seq++;
    this.head = step;
    const listed = step.changed;
    const broken =
      !prev ||
      !listed ||
      listed.length > FEED_LIMIT ||
      listed.includes('*') ||
      prev.server !== step.server ||
      prev.config !== step.config ||
      step.floor > snapshotXmin(prev.snapshot) ||
      this.changedAt.size + listed.length > MAX_TRACKED;
    if (broken) {
      this.base = this.seq;
      this.changedAt.clear();
      return;
    }
    for (const id of listed) this.changedAt.set(id, this.seq);
  }
}
