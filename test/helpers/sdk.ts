import type { AddressInfo } from 'node:net';
import { authenticate } from '@commercelayer/js-auth';
import { CommerceLayer } from '@commercelayer/sdk/bundle';
import { afterAll, beforeAll } from 'vitest';
import type { Credentials } from './app';
import { type AppSetup, useTestApp } from './use-app';

// The official Commerce Layer clients (js-auth, @commercelayer/sdk) against a listening server:
// their https://{auth,local}.allot.localhost URLs are rewritten to the server's port.
export const DOMAIN = 'allot.localhost';
export const API_HOST = `https://local.${DOMAIN}`;
export const AUTH_HOST = `https://auth.${DOMAIN}`;

const realFetch = globalThis.fetch;
let base: string;
/** Every URL the SDK asked for, before rewriting. */
export const sdkUrls: string[] = [];

const rewrite = (url: string, from: string) => (url.startsWith(from) ? base + url.slice(from.length) : url);

/** The `fetch` option of the SDK: only the organization's API host is served here. */
export const sdkFetch = async (input: string | URL | Request, init?: RequestInit) => {
  const url = input instanceof Request ? input.url : String(input);
  sdkUrls.push(url);
  if (!url.startsWith(`${API_HOST}/api/`)) throw new Error(`unexpected SDK URL ${url}`);
  return realFetch(rewrite(url, API_HOST), init);
};

/** An access token through js-auth's client_credentials. */
export const login = async (c: Credentials, scope?: string) => {
  const auth = await authenticate('client_credentials', {
    clientId: c.client_id,
    clientSecret: c.client_secret,
    scope,
    domain: DOMAIN,
  });
  if (!auth.accessToken) throw new Error(`authenticate: ${JSON.stringify(auth)}`);
  return auth.accessToken;
};

export const sdk = (accessToken: string, extra: { refreshToken?: (expired: string) => Promise<string> } = {}) =>
  CommerceLayer({ organization: 'local', domain: DOMAIN, accessToken, fetch: sdkFetch, ...extra });

/** The error a rejected SDK call throws. */
export const failure = async (p: Promise<unknown>): Promise<any> => {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail');
};

/**
 * useTestApp, listening on a free port, with js-auth's requests (the global fetch) sent to it until
 * the file's tests end.
 */
export function useSdkApp(bind?: (s: AppSetup) => void): AppSetup {
  const s = useTestApp({}, bind);
  beforeAll(async () => {
    await s.t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(s.t.app.server.address() as AddressInfo).port}`;
    globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) =>
      realFetch(input instanceof Request ? input : rewrite(String(input), AUTH_HOST), init)) as typeof fetch;
  });
  afterAll(() => {
    globalThis.fetch = realFetch;
  });
  return s;
}
