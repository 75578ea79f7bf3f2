import { createHash } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { errors } from '../jsonapi/errors';
import { newId } from '../lib/ids';
import type { Caller, Kind, Mode, Role } from './context';
import { ALG, type SigningKey } from './keys';
import type { Revocations } from './revocations';

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

/** Commerce Layer's claim layout (docs/wire-format.md#tokens); `application.role` is Allot's addition for read_only. */
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
    .setJti(newId(20))
    .sign(iss.key.privateKey);
  return { access_token: token, token_type: 'bearer', expires_in: ttl, scope: s.scope, created_at: now };
}

const CACHE_MAX = 50_000;

export interface VerifiedToken {
  caller: Caller;
  /** expiry, epoch seconds */
  exp: number;
  /** what a revocation is keyed by: the jti, or a hash of a token issued without one */
  key: string;
}

/** The revocation key of a token: its `jti`, else a hash of the whole token. */
export const revocationKey = (token: string, jti: unknown) =>
  typeof jti === 'string' && jti ? jti : `sha256:${createHash('sha256').update(token).digest('base64url')}`;

const expired = () => errors.invalidToken('The access token has expired.');

/**
 * Verifies bearer tokens, remembering verified ones until they expire: an RSA check per request would
 * dominate the availability read. Like Commerce Layer, anything wrong with the token itself (expired,
 * revoked, tampered, signed by another key, garbage) is 401 INVALID_TOKEN, the code on which the SDK
 * refreshes; a valid token without the permission is 401 UNAUTHORIZED (auth/permissions.ts).
 */
export class TokenVerifier {
  private cache = new Map<string, VerifiedToken>();

  constructor(
    private readonly iss: TokenIssuer,
    private readonly revocations: Revocations,
  ) {}

  async verify(token: string): Promise<Caller> {
    let hit = this.cache.get(token);
    let now = Date.now();
    if (!hit) {
      hit = await this.check(token);
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      this.cache.set(token, hit);
      now = Date.now();
    } else if (hit.exp * 1000 <= now) {
      this.cache.delete(token);
      throw expired();
    }
    const revoked = this.revocations.isRevoked(hit.key, now);
    if (revoked === true || (revoked !== false && (await revoked)))
      throw errors.invalidToken('The access token has been revoked.');
    return hit.caller;
  }

  /** Signature, issuer, expiry and organization, for a token not seen before. */
  async check(token: string): Promise<VerifiedToken> {
    // biome-ignore lint/suspicious/noExplicitAny: claims are checked one by one below
    let payload: Record<string, any>;
    try {
      ({ payload } = await jwtVerify(token, this.iss.key.publicKey, { algorithms: [ALG], issuer: this.iss.issuer }));
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) throw expired();
      throw errors.invalidToken();
    }
    const app = payload.application ?? {};
    if (payload.organization?.id !== this.iss.organization.id || typeof app.id !== 'string')
      throw errors.invalidToken();
    const caller: Caller = {
      applicationId: app.id,
      kind: app.kind,
      role: app.role ?? null,
      mode: payload.test ? 'test' : 'live',
      scope: payload.scope ?? '',
      marketIds: payload.market?.id ?? [],
      stockLocationIds: payload.market?.stock_location_ids ?? [],
    };
    return { caller, exp: payload.exp as number, key: revocationKey(token, payload.jti) };
  }
}
