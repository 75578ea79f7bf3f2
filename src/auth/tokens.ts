import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { errors } from '../jsonapi/errors';
import type { Caller, Kind, Mode, Role } from './context';
import { ALG, type SigningKey } from './keys';

export const TOKEN_TTL: Record<Kind, number> = { integration: 7200, sales_channel: 14400 };

export interface TokenSubject {
  applicationId: string;
  kind: Kind;
  role: Role | null;
  mode: Mode;
  scope: string;
  marketIds: string[];
  stockLocationIds: string[];
}

export interface TokenIssuer {
  key: SigningKey;
  issuer: string;
  organization: { id: string; slug: string };
}

/** Commerce Layer's claim layout (spec §2.3); `application.role` is Allot's addition for read_only. */
export async function mintToken(iss: TokenIssuer, s: TokenSubject, now = Math.floor(Date.now() / 1000)) {
  const ttl = TOKEN_TTL[s.kind];
  const claims: Record<string, unknown> = {
    organization: { id: iss.organization.id, slug: iss.organization.slug, enterprise: false, region: 'local' },
    application: { id: s.applicationId, kind: s.kind, public: s.kind === 'sales_channel', role: s.role },
    scope: s.scope,
    test: s.mode === 'test',
    rand: Math.random(),
  };
  if (s.marketIds.length) {
    claims.market = {
      id: s.marketIds,
      price_list_id: null,
      stock_location_ids: s.stockLocationIds,
      geocoder_id: null,
      allows_external_prices: false,
    };
  }
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: ALG, typ: 'JWT', kid: iss.key.kid })
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .setIssuer(iss.issuer)
    .sign(iss.key.privateKey);
  return { access_token: token, token_type: 'bearer', expires_in: ttl, scope: s.scope, created_at: now };
}

const CACHE_MAX = 50_000;

/**
 * Verifies bearer tokens, remembering verified ones until they expire: an RSA check per request would
 * dominate the availability read. Expired → INVALID_TOKEN (the SDK refreshes only on that code);
 * anything else wrong → UNAUTHORIZED.
 */
export class TokenVerifier {
  private cache = new Map<string, { caller: Caller; exp: number }>();

  constructor(private readonly iss: TokenIssuer) {}

  async verify(token: string): Promise<Caller> {
    const hit = this.cache.get(token);
    if (hit) {
      if (hit.exp * 1000 > Date.now()) return hit.caller;
      this.cache.delete(token);
      throw errors.invalidToken('The access token has expired.');
    }
    // biome-ignore lint/suspicious/noExplicitAny: claims are checked one by one below
    let payload: Record<string, any>;
    try {
      ({ payload } = await jwtVerify(token, this.iss.key.publicKey, { algorithms: [ALG], issuer: this.iss.issuer }));
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) throw errors.invalidToken('The access token has expired.');
      throw errors.unauthorized();
    }
    const app = payload.application ?? {};
    if (payload.organization?.id !== this.iss.organization.id || typeof app.id !== 'string')
      throw errors.unauthorized();
    const caller: Caller = {
      applicationId: app.id,
      kind: app.kind,
      role: app.role ?? null,
      mode: payload.test ? 'test' : 'live',
      scope: payload.scope ?? '',
      marketIds: payload.market?.id ?? [],
      stockLocationIds: payload.market?.stock_location_ids ?? [],
    };
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(token, { caller, exp: payload.exp as number });
    return caller;
  }
}
