import type { Db } from '../db/client';
import { periodic } from '../lib/periodic';
import { sweepExpired } from './stock';

/**
 * Deletes expired draft reservations in the background. Reads already ignore them from
 * `expires_at` on, and every write that takes stock sweeps its own stock items first, so the
 * sweeper's lag never over-reserves; it only keeps the tables small (docs/reservations.md#expiry).
 * Rounds never overlap (a slow round makes the next tick skip), and stopping waits for the one in
 * progress, at most 5 s.
 */
export function startSweeper(db: Db, everyMs = 30_000, log: (e: unknown) => void = () => {}): () => Promise<void> {
  return periodic(
    everyMs,
    async (stopping) => {
      for (const mode of ['test', 'live']) if (!stopping()) await db.transaction((tx) => sweepExpired(tx, mode));
    },
    log,
    5_000,
  );
}
