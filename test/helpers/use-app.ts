import { afterAll, afterEach, beforeAll } from 'vitest';
import { createTestApp, type TestApp } from './app';
import { type Client, client } from './http';
import { expectClean } from './orders';

export interface AppSetup {
  t: TestApp;
  /** A client with the admin token. */
  api: Client;
}

/**
 * The hooks every file repeats: an app on a fresh database before the file's tests, closed after them;
 * with `clean`, the stock invariants are checked after every test. The returned object is filled in
 * beforeAll; `bind` runs right then, to copy it into the file's own variables: `(s) => ({ t, api } = s)`.
 */
export function useTestApp(
  opts: { clean?: boolean; env?: Record<string, string> } = {},
  bind?: (s: AppSetup) => void,
): AppSetup {
  const s = {} as AppSetup;
  beforeAll(async () => {
    s.t = await createTestApp(opts.env);
    s.api = client(s.t.app, s.t.tokens.admin);
    bind?.(s);
  });
  if (opts.clean) afterEach(() => expectClean(s.t));
  afterAll(() => s.t?.close());
  return s;
}
