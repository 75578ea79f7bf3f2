import type { Db } from '../db/client';
import { sweepExpired } from './stock';

/**
 * Deletes expired draft reservations in the background. Reads already ignore them from
 * `expires_at` on, and every write that takes stock sweeps its own stock items first, so the
 * sweeper's lag never over-reserves; it only keeps the tables small (docs/reservations.md#expiry).
 */
export function startSweeper(db: Db, everyMs = 30_000, log: (e: unknown) => void = () => {}): () => void {
  const run = async () => {
    for (const mode of ['test', 'live']) await db.transaction((tx) => sweepExpired(tx, mode));
  };
  const timer = setInterval(() => void run().catch(log), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
