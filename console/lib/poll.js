// Background jobs and webhook deliveries change without the user doing anything: pages that show
// them read them again on a timer while there is something to watch.
import { useEffect } from './html.js';

/** Call `reload` every `ms` while `active`; stops when the page goes away or nothing is left to watch. */
export function usePoll(reload, active, ms = 1000) {
  useEffect(() => {
    if (!active) return;
    const t = setInterval(reload, ms);
    return () => clearInterval(t);
  }, [reload, active, ms]);
}

/** Pending and in_progress jobs are still moving. */
export const running = (job) => job && ['pending', 'in_progress'].includes(job.status);

/** A timestamp in the reader's own locale, or a dash. */
export const when = (t) => (t ? new Date(t).toLocaleString() : '—');
