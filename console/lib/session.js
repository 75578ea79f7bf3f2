// Sign-in: tokens from /oauth/token with the integration's client id and secret. The secret is used
// for these requests and then dropped: only tokens are kept, in sessionStorage (this tab only).
import { ApiError, createApi, networkError, readResponse } from './api.js';

const KEY = 'allot.console.session';
/** Markets that get their own token at sign-in; Allot allows 30 token requests a minute per address. */
export const MARKET_TOKENS_MAX = 20;

async function requestToken(clientId, clientSecret, scope) {
  let res;
  try {
    res = await fetch('/oauth/token', {
      method: 'POST',
      cache: 'no-store',
      credentials: 'omit',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
        ...(scope ? { scope } : {}),
      }),
    });
  } catch (e) {
    throw networkError(e);
  }
  return readResponse(res);
}

/** The token's claims (the user's own token: reading it needs no key). */
export function claims(token) {
  const part = token.split('.')[1] ?? '';
  return JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/')));
}

/**
 * Sign in: a token for the application, who it is (GET /api/application, /api/organization), and,
 * because Allot computes `sku.inventory` only for a token with a market in scope, one token per
 * enabled market (scope `market:id:…`, the same credentials), so the console can show each
 * market's availability exactly as the API computes it.
 */
export async function signIn(clientId, clientSecret) {
  const main = await requestToken(clientId, clientSecret);
  const api = createApi(main.access_token);
  const [app, org, { items, meta }] = await Promise.all([
    api.one('application'),
    api.one('organization'),
    api.list('markets', {
      'filter[q][disabled_at_null]': true,
      sort: 'name',
      'fields[markets]': 'name,code',
      'page[size]': MARKET_TOKENS_MAX,
    }),
  ]);
  if (app.kind !== 'integration')
    throw new ApiError(400, [
      { title: 'Not an integration', detail: 'The console signs in with an integration application.' },
    ]);
  const markets = await Promise.all(
    items.map(async (m) => {
      try {
        const t = await requestToken(clientId, clientSecret, `market:id:${m.id}`);
        return { id: m.id, name: m.name, code: m.code, token: t.access_token };
      } catch (e) {
        return { id: m.id, name: m.name, code: m.code, token: null, error: e.message };
      }
    }),
  );
  const session = {
    token: main.access_token,
    expiresAt: (main.created_at + main.expires_in) * 1000,
    mode: claims(main.access_token).test ? 'test' : 'live',
    role: app.role,
    appName: app.name,
    org: { name: org.name, slug: org.slug },
    markets,
    marketsTotal: meta.record_count,
  };
  sessionStorage.setItem(KEY, JSON.stringify(session));
  return session;
}

/** The stored session, unless it is missing or its token has expired. */
export function loadSession() {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
    return s && s.expiresAt > Date.now() ? s : null;
  } catch {
    return null;
  }
}

/** Forget every token (they cannot be revoked without the secret; they expire after two hours). */
export function signOut() {
  sessionStorage.removeItem(KEY);
}
