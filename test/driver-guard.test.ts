import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fromDriver } from '../src/db/guard';
import type { TestApp } from './helpers/app';
import { useTestApp } from './helpers/use-app';

/**
 * The last resort (src/db/guard.ts): an exception from inside postgres.js that nothing can catch ends
 * the pool's connections (their queries fail, so their requests answer 503) and the pool reconnects;
 * the process lives on. Any other uncaught exception still ends the process, as Node would.
 */
let t: TestApp;
useTestApp({}, (s) => ({ t } = s));

const run = (mode?: string) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/fixtures/driver-fault.ts', ...(mode ? [mode] : [])], {
    cwd: path.resolve(__dirname, '..'),
    env: { ...process.env, DATABASE_URL: t.dbUrl },
    timeout: 20_000,
  });

describe('an exception thrown inside the database driver', () => {
  it('fails the queries in flight, reconnects, and keeps the process alive', async () => {
    const { stdout } = await run();
    const out = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(out.inFlight).toBe('CONNECTION_DESTROYED');
    expect(out.x).toBe(2);
    expect(out.events.join('\n')).toMatch(/database driver threw/);
  });

  it('is told apart from an application error, which still ends the process', async () => {
    const err = await run('app-bug').catch((e) => e);
    expect(err.code).toBe(1);
    expect(err.stderr).toMatch(/an application bug/);
    expect(JSON.parse(err.stdout.trim()).x).toBe(2);
  });

  it('is recognised by the frame it was thrown from', () => {
    const at = (file: string) => Object.assign(new TypeError('x'), { stack: `TypeError: x\n    at f (${file}:1:1)` });
    expect(fromDriver(at('/srv/node_modules/postgres/src/connection.js'))).toBe(true);
    expect(fromDriver(at('/srv/src/services/crud.ts'))).toBe(false);
    expect(fromDriver('not an error')).toBe(false);
  });
});
