import pino from 'pino';

/**
 * The process's logger: pino writing through an asynchronous buffered destination (sonic-boom),
 * so a request's log line costs a string append, not a write(2). Lines are written in batches of
 * nearly 4 KiB, at least once a second, and each write holds whole lines and stays within 4 KiB
 * (PIPE_BUF): the lines of several workers sharing one stdout pipe never interleave mid-line.
 * `flush()` on shutdown; on exit, whatever is left is written synchronously.
 */
export function createLogger(level: string): { logger: pino.Logger; flush(): Promise<void> } {
  const dest = pino.destination({ dest: 1, sync: false, minLength: 3968, maxWrite: 4096, periodicFlush: 1000 });
  const logger = pino({ level }, dest);
  process.once('exit', () => {
    try {
      dest.flushSync();
    } catch {
      // a write was in flight: nothing more can be done synchronously
    }
  });
  return { logger, flush: () => new Promise<void>((resolve) => dest.flush(() => resolve())) };
}
