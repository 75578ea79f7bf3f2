/**
 * Runs `round` every `everyMs` in the background, never two rounds at once (a tick that finds one
 * still running is skipped); errors go to `log`. The returned function stops it and waits for a
 * round in progress, at most `stopWaitMs` (a statement the server never answers must not hold up
 * shutdown). `round` may check `stopping()` between its steps.
 */
export function periodic(
  everyMs: number,
  round: (stopping: () => boolean) => Promise<void>,
  log: (e: unknown) => void,
  stopWaitMs = Number.POSITIVE_INFINITY,
): () => Promise<void> {
  let current: Promise<void> | undefined;
  let stopped = false;
  const stopping = () => stopped;
  const timer = setInterval(() => {
    if (current || stopped) return;
    current = round(stopping)
      .catch(log)
      .finally(() => (current = undefined));
  }, everyMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    if (!current) return;
    if (stopWaitMs === Number.POSITIVE_INFINITY) return current;
    await Promise.race([current, new Promise((r) => setTimeout(r, stopWaitMs).unref())]);
  };
}
