import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';
import { openDatabase } from '../src/db/open';
import { memoryBytes, sharedBuffersMb } from '../src/db/pg-memory';

/**
 * The embedded PostgreSQL's shared buffers: a quarter of the memory the process may use (its
 * cgroup's limit in a container), PostgreSQL's 128 MB at least, EMBEDDED_PG_SHARED_BUFFERS_MB to say
 * otherwise. What a user sees is the server's `shared_buffers`.
 */
const GiB = 1024 ** 3;

describe('sizing', () => {
  afterEach(() => vi.restoreAllMocks());

  it('gives a quarter of memory, and never less than PostgreSQL’s own 128 MB', () => {
    expect(sharedBuffersMb(24 * GiB)).toBe(6144);
    expect(sharedBuffersMb(2 * GiB)).toBe(512);
    expect(sharedBuffersMb(512 * 1024 ** 2)).toBe(128);
  });

  it('counts a container’s memory limit, not the machine’s, when the limit is lower', () => {
    const spy = vi.spyOn(process, 'constrainedMemory');
    spy.mockReturnValue(2 * GiB);
    expect(memoryBytes()).toBe(Math.min(2 * GiB, os.totalmem()));
    spy.mockReturnValue(0); // no limit, as some platforms say it
    expect(memoryBytes()).toBe(os.totalmem());
    spy.mockReturnValue(2 ** 64); // no limit, as cgroup v1 says it
    expect(memoryBytes()).toBe(os.totalmem());
  });

  it('reads EMBEDDED_PG_SHARED_BUFFERS_MB, and refuses what is not a size in MiB', () => {
    expect(loadConfig({}).embeddedSharedBuffersMb).toBeUndefined();
    expect(loadConfig({ EMBEDDED_PG_SHARED_BUFFERS_MB: '512' }).embeddedSharedBuffersMb).toBe(512);
    for (const bad of ['2GB', '8', '-1', '1.5'])
      expect(() => loadConfig({ EMBEDDED_PG_SHARED_BUFFERS_MB: bad })).toThrow(ConfigError);
  });
});

describe('the embedded server', () => {
  it('runs with the shared buffers asked for, and with a quarter of memory by default', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'allot-memory-'));
    const said: string[] = [];
    const show = async (env: Record<string, string>) => {
      const db = await openDatabase(loadConfig({ DATA_DIR: dir, ...env }), (m) => said.push(m));
      try {
        const [row] = await db.database.sql<{ shared_buffers: string }[]>`show shared_buffers`;
        return row!.shared_buffers;
      } finally {
        await db.close();
      }
    };
    try {
      expect(await show({ EMBEDDED_PG_SHARED_BUFFERS_MB: '48' })).toBe('48MB');
      expect(said).toContainEqual(expect.stringMatching(/shared_buffers 48 MB$/));
      const quarter = sharedBuffersMb(memoryBytes());
      expect(quarter).toBeGreaterThanOrEqual(128);
      // the same data directory, started again without the setting
      expect(await show({})).toBe(quarter % 1024 ? `${quarter}MB` : `${quarter / 1024}GB`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
