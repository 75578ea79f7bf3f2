import type { Revocations } from '../auth/revocations';
import type { TokenIssuer, TokenVerifier } from '../auth/tokens';
import type { Config } from '../config';
import type { Database } from '../db/client';
import type { Registry } from '../resources/registry';
import type { RateLimiter } from './rate-limit';
import type { SingleCache } from './single-cache';

/** What the HTTP layer is built from; assembled in app.ts, passed down explicitly. */
export interface AppDeps {
  config: Config;
  database: Database;
  reg: Registry;
  issuer: TokenIssuer;
  verifier: TokenVerifier;
  revocations: Revocations;
  limiter?: RateLimiter;
  responseCache: SingleCache;
}
