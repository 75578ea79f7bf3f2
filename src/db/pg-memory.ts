import os from 'node:os';

const MB = 1024 * 1024;
/** PostgreSQL's own default, and the least we give it. */
const FLOOR_MB = 128;

/**
 * The memory this process may use: the machine's, or its cgroup's limit when lower (a container's
 * `--memory`; `process.constrainedMemory()` reports none as 0 or as an absurdly large number).
 */
export function memoryBytes(): number {
  const limit = process.constrainedMemory?.() ?? 0;
  const total = os.totalmem();
  return limit > 0 && limit < total ? limit : total;
}

/**
 * The embedded server's `shared_buffers`, in MB: a quarter of `memory`, as PostgreSQL's documentation
 * advises for a server of 1 GB or more (its own default, 128 MB, is for the smallest machines), and
 * never below that default. A catalogue of a million SKUs reads its stock items and their ledger
 * index from there rather than from the kernel, a system call a page.
 */
export function sharedBuffersMb(memory: number): number {
  return Math.max(FLOOR_MB, Math.floor(memory / 4 / MB));
}
