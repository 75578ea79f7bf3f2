type Level = 'warn' | 'error';
type Log = (obj: object, msg: string) => void;

interface Seen {
  key: string;
  /** When the task's failure was last written. */
  at: number;
  /** Failures of the same kind since then, not written. */
  repeats: number;
}

/**
 * How background tasks (keepers, watchers, the deliverer, job workers) report failures. While the
 * database is away, a dozen of them fail on every round, and writing each failure with its stack
 * made about ten stack traces a second per process. So a task's failure is written in full the
 * first time; the same failure again (same code, message and context) is counted, and written once every
 * `windowMs` as one line with the count and no stack. A different failure is written in full at
 * once, and so is one that comes back after a quiet window.
 */
export function backgroundLog(logger: Record<Level, Log>, windowMs = 30_000, now: () => number = Date.now) {
  const seen = new Map<string, Seen>();
  return (level: Level, task: string, err: unknown, extra: Record<string, unknown> = {}): void => {
    const e = (err ?? {}) as { code?: unknown; message?: unknown; name?: unknown };
    // what the failure is about is part of it: two jobs failing the same way are two failures
    const key = `${String(e.code ?? '')}|${String(e.message ?? err)}|${JSON.stringify(extra)}`;
    const t = now();
    const last = seen.get(task);
    if (last && last.key === key && (last.repeats > 0 || t - last.at < windowMs)) {
      last.repeats++;
      if (t - last.at < windowMs) return;
      const brief = { type: e.name, code: e.code, message: e.message ?? String(err) };
      logger[level](
        { ...extra, err: brief, repeats: last.repeats },
        `${task}: failed the same way ${last.repeats} more time(s) in the last ${Math.round((t - last.at) / 1000)} s`,
      );
      last.at = t;
      last.repeats = 0;
      return;
    }
    seen.set(task, { key, at: t, repeats: 0 });
    logger[level]({ ...extra, err }, task);
  };
}
